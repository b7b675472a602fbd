// Household invitations made offline on a grid worker's phone (PROTOCOL.md §19.2), the browser's
// half of server/join/invites.py: 23 characters — the household id (5), the hour it expires in
// hours since 1970 UTC (4), a random nonce (4) and the mac of
// "invite:<household id>:<expiry yyyymmddhh UTC>:<nonce>" under the worker's key (10).
// tests/vectors/invites.json holds both halves to one answer.
import { ALPHABET, grouped, mac, normalise } from './codes.js';

export const INVITE_HOURS = 72;
const HOUSEHOLD_CHARS = 5;
const EXPIRY_CHARS = 4;
const NONCE_CHARS = 4;
export const CODE_LENGTH = HOUSEHOLD_CHARS + EXPIRY_CHARS + NONCE_CHARS + 10;
const HOUR_MS = 3600 * 1000;

/** A number as `width` base32 characters, most significant first. */
export function toChars(number, width) {
  let out = '';
  let rest = number;
  for (let i = 0; i < width; i += 1) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function fromChars(text) {
  let number = 0;
  for (const ch of text) number = number * 32 + ALPHABET.indexOf(ch);
  return number;
}

/** "2026120918": the hour (since 1970, UTC) as the message writes it. */
export function stampOf(hour) {
  return new Date(hour * HOUR_MS).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

export const messageOf = (householdId, expiryHour, nonce) => `invite:${householdId}:${stampOf(expiryHour)}:${nonce}`;

/** A fresh nonce from the phone's random source. */
export function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_CHARS));
  return Array.from(bytes, (b) => ALPHABET[b % 32]).join('');
}

/**
 * The invitation for a household, made with the worker's key at `now` (ms): {code, grouped,
 * expiresAt (ms)}. Works with no signal: the key is on the phone (synced invite_key).
 */
export async function makeInvitation(key, householdId, now = Date.now(), nonce = newNonce()) {
  const expiry = Math.floor(now / HOUR_MS) + INVITE_HOURS;
  const head = toChars(householdId, HOUSEHOLD_CHARS) + toChars(expiry, EXPIRY_CHARS) + nonce;
  const code = head + (await mac(key, messageOf(householdId, expiry, nonce)));
  return { code, grouped: grouped(code), expiresAt: expiry * HOUR_MS };
}

/** What the QR holds: the app's address with the code, so a phone's own camera opens it. */
export const invitationUrl = (code, origin = location.origin) => `${origin}/#/join?code=${code}`;

/**
 * The code in what was typed or scanned (the QR's address or the code, grouped or not), as the
 * alphabet; null when it cannot be one. The household id is read back for showing only.
 */
export function readInvitation(text) {
  const found = /[?&#]code=([0-9A-Za-z\-\s]+)/.exec(String(text ?? ''));
  const code = normalise((found ? found[1] : String(text ?? '')).replace(/\s/g, '')); // a pasted line break too
  if (code.length !== CODE_LENGTH || [...code].some((ch) => !ALPHABET.includes(ch))) return null;
  return { code, householdId: fromChars(code.slice(0, HOUSEHOLD_CHARS)) };
}
