// The sync status in words (ui/sync-words.js): the header's chip and the sync page say the same
// thing, the chip shorter.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import './support/setup.mjs';

const { syncWords } = await import('../js/ui/sync-words.js');

test('signed out, the chip names the network only', () => {
  assert.equal(syncWords(null, { online: true, compact: true }), '在线');
  assert.equal(syncWords(null, { online: false, compact: true }), '离线');
});

test('offline with changes waiting reads the same on the chip and the page', () => {
  const status = { state: 'offline', pending: 3 };
  assert.equal(syncWords(status), '离线 · 3 条修改待同步');
  assert.equal(syncWords(status, { compact: true }), '离线 · 3 条修改待同步');
  assert.equal(syncWords({ state: 'idle', pending: 2 }, { online: false, compact: true }), '离线 · 2 条修改待同步');
});

test('offline with nothing waiting: the page says it syncs later, the chip says 离线', () => {
  assert.equal(syncWords({ state: 'offline', pending: 0 }), '离线，联网后自动同步');
  assert.equal(syncWords({ state: 'offline', pending: 0 }, { compact: true }), '离线');
});

test('a failure: the page gives the reason, the chip only that it failed', () => {
  const status = { state: 'error', pending: 0, lastError: '网络超时' };
  assert.equal(syncWords(status), '同步失败：网络超时');
  assert.equal(syncWords(status, { compact: true }), '同步失败');
});

test('refused changes come first on the chip only', () => {
  const status = { state: 'idle', pending: 1, rejected: 2 };
  assert.match(syncWords(status, { compact: true }), /2/);
  assert.doesNotMatch(syncWords(status, { compact: true }), /待同步/);
  assert.equal(syncWords(status), '1 条修改待同步');
});

test('synced shows the time; never synced says so', () => {
  assert.match(syncWords({ state: 'idle', pending: 0, lastSyncAt: '2026-12-07T02:32:00Z' }), /^已同步/);
  assert.equal(syncWords({ state: 'idle', pending: 0, lastSyncAt: null }), '尚未同步');
});
