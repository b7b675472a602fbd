// 双报到 without a browser (PROTOCOL.md §17): what a typed code reads as, the checks before a form
// is sent, who is a unit's secretary, the 双报告 link, a code's line, and the copy of 我的报到 kept
// on the phone (read back when offline, never when the server said no).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const members = await import('../js/members.js');
const data = await import('../js/member-data.js');

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

test('a typed code reads as the server reads it: case, dashes and look-alikes folded; else nothing', () => {
  assert.equal(members.typedCode('ab3d-ef0h'), 'AB3DEF0H');
  assert.equal(members.typedCode(' abcd efgo '), 'ABCDEFG0');
  assert.equal(members.typedCode('il23 4567'), '11234567');
  assert.equal(members.typedCode('ABCDEFG'), '');
  assert.equal(members.typedCode('ABCDEFGHJ'), '');
  assert.equal(members.typedCode(null), '');
});

test('a unit, a profile and a resource are checked before they are sent, per field, in Chinese', () => {
  assert.deepEqual(Object.keys(members.unitProblems({ name: ' ', contact_phone: '123' })).sort(), [
    'contact_name',
    'contact_phone',
    'kind',
    'name',
    'party_org',
  ]);
  const unit = { name: '许昌实验小学党支部', kind: 'school', party_org: '许昌实验小学党支部', contact_name: '周老师' };
  assert.deepEqual(members.unitProblems({ ...unit, contact_phone: '137 0000 1111' }), {});
  assert.match(members.profileProblems({ phone: '12345' }).phone, /手机号/);
  assert.deepEqual(members.profileProblems({ phone: null }), {});
  assert.deepEqual(Object.keys(members.resourceProblems({ kind: '', name: 'x', capacity: 0 })).sort(), [
    'capacity',
    'kind',
  ]);
  assert.deepEqual(members.resourceProblems({ kind: 'venue', name: '活动室', capacity: null }), {});
});

test('the words of the vocabularies come from the catalog, in the server order', () => {
  assert.equal(members.label('slot', 'sat_morning'), '周六上午');
  assert.equal(members.labels('skill', ['repair', 'it']), '家电维修、信息技术');
  assert.deepEqual(
    members.options('resource_kind').map((o) => o.label),
    ['场地', '设备', '专业服务'],
  );
});

test('the secretary is shown the units they run; the report link names one member or one unit and a period', () => {
  const mine = {
    members: [
      { id: 1, unit_id: 5, unit_role: 'secretary' },
      { id: 2, unit_id: 6, unit_role: 'member' },
      { id: 3, unit_id: null, unit_role: 'member' },
    ],
    units: [
      { id: 5, name: '甲' },
      { id: 6, name: '乙' },
    ],
  };
  assert.deepEqual(
    members.secretaryUnits(mine).map((u) => u.name),
    ['甲'],
  );
  assert.equal(members.unitOf(mine, mine.members[2]), null);
  assert.equal(
    members.reportHref({ memberId: 2, since: '2026-01-01', until: '2026-12-06' }),
    '/members/report?member_id=2&since=2026-01-01&until=2026-12-06',
  );
  assert.equal(members.reportHref({ unitId: 5, since: 'a', until: 'b' }), '/members/report?unit_id=5&since=a&until=b');
  assert.deepEqual(members.yearSoFar(new Date(2026, 11, 6, 23, 30)), { since: '2026-01-01', until: '2026-12-06' });
});

test("a code's line says how much of it was used, or why it no longer works", () => {
  assert.equal(members.codeState({ state: 'usable', uses: 2, max_uses: 30 }), '已用 2/30 次');
  assert.equal(members.codeState({ state: 'revoked' }), '已作废');
  assert.equal(members.codeState({ state: 'used_up' }), '次数已用完');
});

test('我的报到 is kept on the phone and read back offline; a refusal is never answered from the copy', async () => {
  const realFetch = globalThis.fetch;
  const answer = { members: [{ id: 1 }], units: [], projects: [], communities: [] };
  try {
    globalThis.fetch = async () =>
      new Response(JSON.stringify(answer), { headers: { 'Content-Type': 'application/json' } });
    const fresh = await data.loadMine();
    assert.equal(fresh.offline, false);
    assert.deepEqual(fresh.mine, answer);
    globalThis.fetch = async () => {
      throw new TypeError('network');
    };
    const kept = await data.loadMine();
    assert.equal(kept.offline, true);
    assert.deepEqual(kept.mine, answer);
    assert.equal(kept.savedAt, fresh.savedAt);
    globalThis.fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'x', fields: {} } }), {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      });
    await assert.rejects(data.loadMine(), (err) => err.status === 401);
  } finally {
    globalThis.fetch = realFetch;
  }
});
