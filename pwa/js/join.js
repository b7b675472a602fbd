// Joining a household (PROTOCOL.md §19), the phone's side: redeeming a grid worker's invitation,
// sending and deciding join requests, the account's password and leaving — online calls — and
// the grid worker's invitation key, a synced record (invite_key) kept in IndexedDB so that an
// invitation is made with no signal.
import { get, post } from './api.js';
import { listRecords } from './db.js';
import { isOnline } from './net.js';
import { keepMe } from './session.js';
import { syncNow } from './sync-client.js';

/** Whether the signed-in account belongs to no household and holds no other role. */
export const isUnbound = (me) => !(me?.roles ?? []).length;
export const households = (me) => (me?.roles ?? []).filter((r) => r.role === 'resident');
export const isGridWorker = (me) => (me?.roles ?? []).some((r) => r.role === 'grid_worker');
/** Grid workers and admins decide join requests. */
export const decidesRequests = (me) => (me?.roles ?? []).some((r) => r.role === 'grid_worker' || r.role === 'admin');

/** The grid worker's invitation key on this phone ({id, key, …}), or null. */
export async function localInviteKey() {
  const records = await listRecords('invite_key');
  const live = records.find((record) => !record.deleted && record.data?.key);
  return live ? live.data : null;
}

/**
 * Online, a grid worker without a key on the phone asks the server for theirs and pulls it, so
 * that inviting works offline later. Resolves to the key or null; never rejects.
 */
export async function ensureInviteKey(me) {
  if (!isGridWorker(me)) return null;
  try {
    const kept = await localInviteKey();
    if (kept || !isOnline()) return kept;
    await post('/api/join/invite-key');
    await syncNow();
    return await localInviteKey();
  } catch (err) {
    console.warn('could not fetch the invitation key', err);
    return null;
  }
}

/** A new key: the invitations made before stop working (the phone pulls the new key). */
export async function rotateInviteKey() {
  await post('/api/join/invite-key/rotate');
  await syncNow();
  return localInviteKey();
}

/** Redeems a code (typed or scanned); resolves to the new /api/me body. */
export const redeem = async (code) => keepMe(await post('/api/join/redeem', { code }));
export const leaveHousehold = async (householdId) =>
  keepMe(await post('/api/join/leave', { household_id: householdId }));
export const changePassword = (current, next) =>
  post('/api/me/password', { current_password: current, new_password: next });

export const findCompounds = (q) => get(`/api/join/compounds?per_page=20&q=${encodeURIComponent(q)}`);
export const sendRequest = (fields) => post('/api/join/requests', fields);
export const myRequests = () => get('/api/join/requests/mine');
export const withdrawRequest = (id) => post(`/api/join/requests/${id}/withdraw`);
export const requestQueue = () => get('/api/join/requests?status=pending&per_page=100');
export const approveRequest = (id, householdId) =>
  post(`/api/join/requests/${id}/approve`, { household_id: householdId });
export const rejectRequest = (id, reason) => post(`/api/join/requests/${id}/reject`, { reason });
