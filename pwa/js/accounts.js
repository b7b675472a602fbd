// The account's own beyond the profile (PROTOCOL.md §19.4–19.5), online calls: signing out the
// other devices, and forgot password without SMS — an admin or grid worker issues a one-time
// code for someone's account, who (signed out) sets a new password with it.
import { post } from './api.js';

/** Admins and grid workers issue password reset codes (the server checks for whom). */
export const issuesResetCodes = (me) => (me?.roles ?? []).some((r) => r.role === 'admin' || r.role === 'grid_worker');

/** Ends every other session of this account; resolves to {ended}. */
export const endOtherSessions = () => post('/api/me/sessions/end-others');

/** A new one-time code for the account of `phone`: {code, expires_at, user: {id, display_name, phone}}. */
export const issueResetCode = (phone) => post('/api/accounts/reset-codes', { phone });

/** Sets a new password with a code (signed out); every session of the account ends. */
export const resetPassword = ({ phone, code, newPassword }) =>
  post('/api/auth/reset-password', { phone, code, new_password: newPassword });

/** The 8 digits as they are read out: "1234 5678". */
export const groupCode = (code) => String(code ?? '').replace(/^(\d{4})(\d{4})$/, '$1 $2');
