// Short codes people type or scan (PROTOCOL.md §15.1), the browser's half of server/core/codes.py:
// a phone signs a code offline with a key the server gave it (an organiser's check-in code that
// changes every 30 s, a grid worker's household invitation); the server checks it when it syncs.
// Crockford's base32 (no I, L, O, U); tests/vectors/codes.json holds both halves to one answer.

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const MAC_LENGTH = 10;
export const WINDOW_SECONDS = 30;

function keyBytes(key) {
  const b64 = key.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (key.length % 4)) % 4);
  const raw = atob(b64);
  return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
}

/** The bits of `bytes`, most significant first, five at a time (the last group padded with 0). */
export function base32(bytes) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** HMAC-SHA256 of the message (UTF-8) under the key, as `length` base32 characters. */
export async function mac(key, message, length = MAC_LENGTH) {
  const cryptoKey = await crypto.subtle.importKey('raw', keyBytes(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const digest = await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(message));
  return base32(new Uint8Array(digest)).slice(0, length);
}

/** What was typed or scanned, as the alphabet: upper case, no spaces or dashes, O → 0, I and L → 1. */
export function normalise(typed) {
  return String(typed)
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/[\s\-_]/g, '');
}

/** The number of the time window a moment (ms since 1970) falls in. */
export function timeWindow(ms, seconds = WINDOW_SECONDS) {
  return Math.floor(ms / 1000 / seconds);
}

/** A code as people read it aloud: ABCD-EFGH-JK. */
export function grouped(code, size = 4) {
  return code.match(new RegExp(`.{1,${size}}`, 'g'))?.join('-') ?? '';
}
