// Activities (PROTOCOL.md §18) without a browser: the one sign-up id (the server's UUIDv5), the
// organiser's code (the server's MAC), the 12 typed characters and how a phone reads them back
// (the window nearest its clock), the QR payload, the lists and the form's checks, and what each
// tap enqueues.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const activities = await import('../js/activities.js');
const actions = await import('../js/activity-actions.js');
const data = await import('../js/activity-data.js');

const ACTIVITY = '0b8c6a1e-4f3e-4d55-9a01-3c2b1a0f9e77';
const KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const WINDOW = 59000000;

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

test("a volunteer's sign-up id is the server's (server/activities/followups.py signup_id)", async () => {
  assert.equal(await activities.signupId(ACTIVITY, 8), '470eefaf-7887-5f70-9cc3-1c448aa2540e');
});

test("the organiser's code is the server's MAC, as a QR payload and 12 characters to type", async () => {
  const code = await activities.organiserCode(KEY, ACTIVITY, 'in', WINDOW);
  assert.equal(code.mac, 'FAAQ1VZNRS'); // server/activities/checkin.py code_for(KEY, ACTIVITY, 'in', WINDOW)
  assert.equal(code.qr, `RGCHECKIN:${ACTIVITY}:in:${WINDOW}:FAAQ1VZNRS`);
  assert.match(code.typed, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const out = await activities.organiserCode(KEY, ACTIVITY, 'out', WINDOW);
  assert.equal(out.mac, '7FK3DMYXZR');
  assert.notEqual(out.typed.slice(0, 2), code.typed.slice(0, 2), 'the direction is in the typed head');
});

test('a typed code reads back to its direction and window from a phone whose clock is off by minutes', async () => {
  for (const direction of ['in', 'out']) {
    const code = await activities.organiserCode(KEY, ACTIVITY, direction, WINDOW);
    for (const skewWindows of [0, 1, -1, 10, -10, 200, -200]) {
      const now = (WINDOW + skewWindows) * 30_000 + 5_000;
      const read = activities.readCode(code.typed.toLowerCase(), ACTIVITY, now);
      assert.deepEqual(read, { direction, window: WINDOW, mac: code.mac }, `${direction} ${skewWindows}`);
    }
  }
  assert.equal(activities.nearestWindow(5, 512 * 3 + 4), 512 * 3 + 5);
  assert.equal(activities.nearestWindow(511, 512 * 3 + 1), 512 * 3 - 1);
});

test('a QR payload reads back whole; another activity, or not a code, is said so', () => {
  const qr = `RGCHECKIN:${ACTIVITY}:out:${WINDOW}:7FK3DMYXZR`;
  assert.deepEqual(activities.readCode(qr, ACTIVITY), { direction: 'out', window: WINDOW, mac: '7FK3DMYXZR' });
  assert.deepEqual(activities.readCode(qr, 'another'), { error: 'other_activity' });
  assert.deepEqual(activities.readCode('hello', ACTIVITY), { error: 'not_a_code' });
  assert.deepEqual(activities.readCode('ABCD-EFGH-JKU1', ACTIVITY), { error: 'not_a_code' }); // U is not in the alphabet
  assert.deepEqual(activities.readCode(`RGCHECKIN:${ACTIVITY}:sideways:1:X`, ACTIVITY), { error: 'not_a_code' });
});

const item = (id, activity) => ({ id, activity, pending: false, rejected: false });
const signup = (id, fields) => ({ id, signup: fields, pending: false, rejected: false });

test('the lists: open activities soonest first, mine among them, past ones I organised or attended', () => {
  const now = Date.parse('2026-12-10T00:00:00Z');
  const me = { user: { id: 8 }, roles: [{ role: 'volunteer', scope_id: 4 }] };
  const list = [
    item('later', { status: 'published', starts_at: '2026-12-20T01:00:00Z', ends_at: '2026-12-20T03:00:00Z' }),
    item('soon', { status: 'published', starts_at: '2026-12-11T01:00:00Z', ends_at: '2026-12-11T03:00:00Z' }),
    item('over', { status: 'published', starts_at: '2026-12-01T01:00:00Z', ends_at: '2026-12-01T03:00:00Z' }),
    item('gone', { status: 'cancelled', starts_at: '2026-12-12T01:00:00Z', ends_at: '2026-12-12T03:00:00Z' }),
  ];
  const signups = [
    signup('s1', { activity_id: 'later', user_id: 8, status: 'waiting' }),
    signup('s2', { activity_id: 'over', user_id: 8, status: 'seated', checkin_at: 'x' }),
    signup('s3', { activity_id: 'soon', user_id: 9, status: 'seated' }),
  ];
  const { upcoming, mine, past } = activities.activityLists(list, signups, me, now);
  assert.deepEqual(
    upcoming.map((e) => e.item.id),
    ['soon'],
  );
  assert.deepEqual(
    mine.map((e) => e.item.id),
    ['later'],
  );
  assert.deepEqual(
    past.map((e) => e.item.id),
    ['over'],
  );
  assert.equal(activities.myStanding(signups[1].signup), 'checked_in');
  assert.equal(activities.nextDirection(signups[1].signup), 'out');
  assert.equal(activities.nextDirection(signups[0].signup), null, 'the waiting list does not check in');
});

test("the form's checks name the fields in the server's words", () => {
  const now = Date.parse('2026-12-10T00:00:00Z');
  const good = {
    communityId: 4,
    title: '义诊',
    place: '广场',
    startsAt: '2026-12-11T01:00:00Z',
    endsAt: '2026-12-11T03:00:00Z',
    capacity: '20',
    hours: '2',
    skills: ['repair', 'elderly_care'],
  };
  assert.deepEqual(activities.activityProblems(good, now), {});
  const bad = activities.activityProblems(
    { ...good, title: ' ', endsAt: '2026-12-11T00:30:00Z', capacity: '0', hours: '30', skills: ['理发'] },
    now,
  );
  assert.deepEqual(Object.keys(bad).sort(), ['capacity', 'ends_at', 'hours', 'skills', 'title']);
  assert.equal(bad.ends_at, 'activity.ends_before_start');
  assert.equal(bad.skills, 'activity.form.skills_choice');
  const twice = activities.activityProblems({ ...good, skills: ['repair', 'repair'] }, now);
  assert.deepEqual(Object.keys(twice), ['skills']);
});

test('a reading is enqueued whole: window, MAC and the time it was read, even when one equals the copy', async () => {
  await db.transact(['records'], (tx) =>
    tx.records.put({
      entity: 'activity_signup',
      id: 's1',
      version: 3,
      deleted: false,
      data: { activity_id: ACTIVITY, user_id: 8, status: 'seated', checkin_window: WINDOW, checkin_mac: 'FAAQ1VZNRS' },
    }),
  );
  const readAt = new Date(WINDOW * 30_000 + 3_000);
  const { mutation } = await actions.checkInByCode(
    's1',
    { direction: 'in', window: WINDOW, mac: 'FAAQ1VZNRS' },
    readAt,
  );
  assert.deepEqual(Object.keys(mutation.fields).sort(), ['checkin_at', 'checkin_mac', 'checkin_window']);
  assert.equal(new Date(mutation.fields.checkin_at).getTime(), readAt.getTime());
  const { item: held } = await data.loadSignup('s1');
  assert.equal(held.pending, true);
});
