// pwa/js/invite-code.js against the codes server/join/invites.py makes (tests/vectors/invites.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CODE_LENGTH, invitationUrl, makeInvitation, messageOf, readInvitation } from '../js/invite-code.js';

const VECTORS = JSON.parse(readFileSync(new URL('../../tests/vectors/invites.json', import.meta.url)));

test('makeInvitation: the same codes as the server', async () => {
  for (const c of VECTORS.invitations) {
    const made = await makeInvitation(c.key, c.household_id, c.now_ms, c.nonce);
    assert.equal(made.code, c.code, c.message);
    assert.equal(made.grouped.replaceAll('-', ''), c.code);
    assert.ok(made.expiresAt > c.now_ms + 71 * 3600 * 1000 && made.expiresAt <= c.now_ms + 72 * 3600 * 1000);
  }
});

test('messageOf: the message the mac signs', () => {
  const c = VECTORS.invitations[0];
  const expiry = Math.floor(c.now_ms / 3600000) + 72;
  assert.equal(messageOf(c.household_id, expiry, c.nonce), c.message);
});

test('readInvitation: typed grouped in lower case, or scanned as the QR address', () => {
  const c = VECTORS.invitations[0];
  const grouped = c.code
    .match(/.{1,4}/g)
    .join('-')
    .toLowerCase();
  assert.deepEqual(readInvitation(grouped), { code: c.code, householdId: c.household_id });
  assert.equal(readInvitation(invitationUrl(c.code, 'https://hongge.example')).code, c.code);
  assert.equal(readInvitation(`${c.code.slice(0, -1)}`), null);
  assert.equal(readInvitation('not a code at all, really'), null);
  assert.equal(CODE_LENGTH, 23);
});
