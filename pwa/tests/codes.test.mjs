// pwa/js/codes.js against the vectors server/core/codes.py is held to (tests/vectors/codes.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { base32, grouped, mac, normalise, timeWindow } from '../js/codes.js';

const VECTORS = JSON.parse(readFileSync(new URL('../../tests/vectors/codes.json', import.meta.url)));
const bytes = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

test('mac: the same codes as the server', async () => {
  for (const c of VECTORS.mac) assert.equal(await mac(c.key, c.message, c.length), c.mac, c.message);
});

test('base32: the bits five at a time, as the server', () => {
  for (const c of VECTORS.base32) assert.equal(base32(bytes(c.hex)), c.base32, c.hex);
  assert.equal(base32(Uint8Array.of(0b11111000, 0b00111110)), 'Z0Z0');
});

test('normalise: what was typed, as the server reads it', () => {
  for (const c of VECTORS.normalise) assert.equal(normalise(c.typed), c.normal, c.typed);
});

test('timeWindow: the window numbers the server computes', () => {
  for (const c of VECTORS.window) assert.equal(timeWindow(c.ms, c.seconds), c.window, String(c.ms));
  assert.equal(grouped('ABCDEFGHJK'), 'ABCD-EFGH-JK');
});
