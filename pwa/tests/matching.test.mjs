// 供需对接's prefilled activity without a browser (PROTOCOL.md §21): its time at the resource's
// first free slot, never sooner than 12 hours on, its place and title, and what each item may become.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import './support/setup.mjs';

const matching = await import('../js/matching.js');

const suggestion = (slots, kind = 'service') => ({
  resource_name: '水电维修服务队',
  unit_name: '许昌市供电公司党委',
  kind,
  reasons: [
    { code: 'skill', params: { skills: ['repair'] } },
    ...(slots ? [{ code: 'available', params: { slots } }] : []),
  ],
});
const titleOf = (resource, summary) => `${resource}：${summary}`;

test('the activity starts at the next free slot, at least 12 hours on, and lasts two hours', () => {
  const thursday = new Date(2026, 11, 10, 20, 0); // Thu 10 Dec 2026, 20:00 local
  const sat = matching.activityDraft(
    { summary: '楼道灯坏了' },
    suggestion(['sat_morning']),
    '河西社区',
    titleOf,
    thursday,
  );
  assert.equal(sat.startsAt.getDay(), 6);
  assert.deepEqual([sat.startsAt.getDate(), sat.startsAt.getHours(), sat.startsAt.getMinutes()], [12, 9, 0]);
  assert.equal(sat.endsAt - sat.startsAt, 2 * 3_600_000);
  assert.equal(sat.hours, 2);
  // 19:00 on a weekday: tonight is too soon, tomorrow (Friday) evening it is
  const evening = matching.activityDraft({ summary: 'x' }, suggestion(['weekday_evening']), '', titleOf, thursday);
  assert.deepEqual([evening.startsAt.getDate(), evening.startsAt.getHours()], [11, 19]);
  // no free time named: the next weekday morning past the notice
  const none = matching.activityDraft({ summary: 'x' }, suggestion(null), '', titleOf, thursday);
  assert.deepEqual([none.startsAt.getDate(), none.startsAt.getHours()], [11, 9]);
  // a Friday evening asks for Sunday afternoon: two days on
  const friday = new Date(2026, 11, 11, 18, 0);
  const sun = matching.activityDraft({ summary: 'x' }, suggestion(['sun_afternoon']), '', titleOf, friday);
  assert.deepEqual(
    [sun.startsAt.getDay(), sun.startsAt.getDate(), sun.startsAt.getHours(), sun.startsAt.getMinutes()],
    [0, 13, 14, 30],
  );
});

test('the place is the venue itself, else the community; the title is cut to what an activity holds', () => {
  const now = new Date(2026, 11, 10, 8, 0);
  const hall = matching.activityDraft({ summary: '学习政策' }, suggestion([], 'venue'), '河西社区', titleOf, now);
  assert.equal(hall.place, '许昌市供电公司党委水电维修服务队');
  const service = matching.activityDraft({ summary: '长'.repeat(200) }, suggestion([]), '河西社区', titleOf, now);
  assert.equal(service.place, '河西社区');
  assert.equal(service.title.length, 60);
  assert.ok(service.title.endsWith('…') && service.title.startsWith('水电维修服务队：'));
});

test('a need may become a project or an activity, a wish only a claim for the unit', () => {
  assert.deepEqual(matching.outcomesOf({ kind: 'need' }), ['project', 'activity']);
  assert.deepEqual(matching.outcomesOf({ kind: 'wish' }), ['wish']);
  assert.deepEqual(matching.outcomesOf({ kind: 'need', outcomes: ['project'] }), ['project']);
});
