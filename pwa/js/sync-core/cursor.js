// Pull cursors (PROTOCOL.md §5.2), ported from sync/_cursor.py so that a token made by either
// side reads the same on the other: base64url (no padding) of the compact JSON
// {"v": 1, "e": <epoch>, "p": <purge mark>, "b": {<bucket>: <seq>}} with buckets sorted by code point.
// Clients never build or read cursors; the fake server in pwa/tests does, through this file.
import { CursorInvalid, compareStrings, isSeq } from './values.js';

export const CURSOR_VERSION = 1;

export function encodeCursor(epoch, positions, purgeMark = 0) {
  const entries = Object.entries(positions).sort(([a], [b]) => compareStrings(a, b));
  // Built by hand: a JS object would move integer-like keys ("10") ahead of the others.
  const buckets = entries.map(([bucket, seq]) => `${JSON.stringify(bucket)}:${JSON.stringify(seq)}`).join(',');
  const json = `{"v":${CURSOR_VERSION},"e":${JSON.stringify(epoch)},"p":${JSON.stringify(purgeMark)},"b":{${buckets}}}`;
  return base64UrlEncode(new TextEncoder().encode(json));
}

/** [epoch, {bucket: seq}, purge mark]; an empty or missing cursor is the start: [null, {}, 0]. */
export function decodeCursor(token) {
  if (!token) return [null, {}, 0];
  let payload;
  try {
    // Python refuses a str with non-ASCII characters before decoding.
    if (/[^\p{ASCII}]/u.test(token)) throw new Error('only ASCII characters');
    const raw = pythonB64Decode(token + '='.repeat((4 - (token.length % 4)) % 4));
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new CursorInvalid('this cursor was not issued by this server', { cause: err.message });
  }
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isCount = isSeq; // 64-bit sequence numbers: a bigger one names nothing
  const mark = isObject(payload) && Object.hasOwn(payload, 'p') ? payload.p : 0;
  if (!isObject(payload) || payload.v !== CURSOR_VERSION || typeof payload.e !== 'string' || !isCount(mark)) {
    throw new CursorInvalid('this cursor was not issued by this server');
  }
  const positions = payload.b;
  if (!isObject(positions) || !Object.values(positions).every(isCount)) {
    throw new CursorInvalid('this cursor was not issued by this server');
  }
  return [payload.e, positions, mark];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function base64UrlEncode(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    const chars = [n >> 18, (n >> 12) & 63, (n >> 6) & 63, n & 63].map((k) => ALPHABET[k]);
    out += chars.slice(0, i + 2 < bytes.length ? 4 : bytes.length - i + 1).join('');
  }
  return out; // unpadded, as Python's .rstrip("=")
}

/**
 * base64.urlsafe_b64decode as CPython does it (binascii.a2b_base64, non-strict): "-_" and "+/"
 * both count, other characters are skipped, decoding stops after a complete padding, and a
 * leftover partial quantum is an error. atob() differs on every one of these.
 */
function pythonB64Decode(text) {
  const out = [];
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  for (const ch of text) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Uint8Array.from(out);
      continue;
    }
    let value = ALPHABET.indexOf(ch);
    if (ch === '+') value = 62;
    if (ch === '/') value = 63;
    if (value < 0) continue;
    pads = 0;
    if (quadPos === 0) {
      leftChar = value;
    } else if (quadPos === 1) {
      out.push(((leftChar << 2) | (value >> 4)) & 255);
      leftChar = value & 15;
    } else if (quadPos === 2) {
      out.push(((leftChar << 4) | (value >> 2)) & 255);
      leftChar = value & 3;
    } else {
      out.push(((leftChar << 6) | value) & 255);
      leftChar = 0;
    }
    quadPos = (quadPos + 1) % 4;
  }
  if (quadPos !== 0)
    throw new Error(quadPos === 1 ? 'data length is 1 more than a multiple of 4' : 'incorrect padding');
  return Uint8Array.from(out);
}
