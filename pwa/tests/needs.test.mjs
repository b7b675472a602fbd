// Residents' needs (诉求) without a browser: the resident's list, the grid worker's work (their
// grids only, the nearest deadline first), the admins' escalated queue, the next deadline, the
// timeline, what each person may do, the checks before saving, what each tap enqueues, and the
// reads from IndexedDB with their pending and refused state.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const { receiveServerCopy } = await import('../js/local-records.js');
const needs = await import('../js/needs.js');
const actions = await import('../js/need-actions.js');
const data = await import('../js/need-data.js');
const { NEEDS } = await import('../js/constants.js');

const ME = 7;
const item = (id, fields, extra = {}) => ({ id, need: fields, pending: false, rejected: false, ...extra });
const me = (...roles) => ({ user: { id: ME }, roles });
const worker = me({ role: 'grid_worker', scope_type: 'org_unit', scope_id: 5 });
const admin = me({ role: 'admin', scope_type: 'org_unit', scope_id: 2 });
const resident = me({ role: 'resident', scope_type: 'household', scope_id: 40, scope_name: '1号楼 101' });

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

test("the module's vocabularies are the server's", () => {
  assert.deepEqual(needs.NEED_CATEGORIES, NEEDS.CATEGORIES);
  assert.deepEqual(needs.OPEN_NEED_STATUSES, NEEDS.OPEN_STATUSES);
  assert.deepEqual(Object.keys(needs.DEADLINE_HOURS).sort(), [...NEEDS.CATEGORIES].sort());
});

test('a resident sees their own needs, newest first, one filed on this phone on top', () => {
  const list = needs.myNeeds(
    [
      item('old', { user_id: ME, created_at: '2026-11-01T00:00:00Z' }),
      item('new', { user_id: ME, created_at: '2026-11-20T00:00:00Z' }),
      item('here', { user_id: ME }),
      item('theirs', { user_id: 99, created_at: '2026-11-30T00:00:00Z' }),
    ],
    ME,
  );
  assert.deepEqual(
    list.map((i) => i.id),
    ['here', 'new', 'old'],
  );
});

test("a grid worker's work: their grids only, open by the nearest deadline, a refused edit first", () => {
  const { open, done } = needs.gridNeeds(
    [
      item('late', { grid_id: 5, status: 'accepted', resolve_by: '2026-12-01T00:00:00Z' }),
      item('soon', { grid_id: 5, status: 'received', respond_by: '2026-11-30T00:00:00Z' }),
      item('refused', { grid_id: 5, status: 'resolved' }, { rejected: true }),
      item('finished', { grid_id: 5, status: 'resolved', created_at: '2026-11-01T00:00:00Z' }),
      item('elsewhere', { grid_id: 6, status: 'received' }),
      item('mine', { grid_id: 5, status: 'received', user_id: ME }),
    ],
    worker,
  );
  assert.deepEqual(
    open.map((i) => i.id),
    ['refused', 'soon', 'late'],
  );
  assert.deepEqual(
    done.map((i) => i.id),
    ['finished'],
  );
});

test("the admins' queue: escalated and open first, oldest first; then the other open ones", () => {
  const { escalated, open } = needs.adminQueue(
    [
      item('e2', { escalated: true, status: 'in_progress', created_at: '2026-11-05T00:00:00Z' }),
      item('e1', { escalated: true, status: 'received', created_at: '2026-11-01T00:00:00Z' }),
      item('settled', { escalated: true, status: 'resolved' }),
      item('o', { status: 'accepted' }),
    ],
    admin,
  );
  assert.deepEqual(
    escalated.map((i) => i.id),
    ['e1', 'e2'],
  );
  assert.deepEqual(
    open.map((i) => i.id),
    ['o'],
  );
});

test('the next deadline: the response while received, then the resolution; none once settled', () => {
  const need = { respond_by: '2026-12-01T02:00:00Z', resolve_by: '2026-12-04T00:00:00Z' };
  const now = new Date('2026-12-01T03:00:00Z');
  assert.deepEqual(needs.nextDeadline({ ...need, status: 'received' }, now), {
    kind: 'respond',
    at: need.respond_by,
    overdue: true,
  });
  assert.equal(needs.nextDeadline({ ...need, status: 'in_progress' }, now).overdue, false);
  assert.equal(needs.nextDeadline({ ...need, status: 'resolved' }, now), null);
  assert.equal(needs.nextDeadline({ status: 'received' }, now), null); // not stamped yet
});

test('the timeline ticks each step reached, with its time; a referral ends it instead', () => {
  const history = [
    { from: null, to: 'received', server_at: 'r' },
    { from: 'received', to: 'accepted', device_at: 'a', server_at: 'a2' },
    { from: 'accepted', to: 'resolved', server_at: 'z' },
    { from: 'resolved', to: 'resolved', rating: 5, server_at: 'x' },
  ];
  assert.deepEqual(needs.timeline({ status: 'resolved', history }), [
    { status: 'received', at: 'r', done: true },
    { status: 'accepted', at: 'a', done: true },
    { status: 'in_progress', at: null, done: true }, // skipped on the way to resolved
    { status: 'resolved', at: 'z', done: true },
  ]);
  const referred = needs.timeline({
    status: 'referred',
    history: [
      { from: null, to: 'received' },
      { from: 'received', to: 'referred', server_at: 'f' },
    ],
  });
  assert.deepEqual(
    referred.map((s) => [s.status, s.done]),
    [
      ['received', true],
      ['accepted', true],
      ['in_progress', true],
      ['referred', true],
    ],
  );
  assert.deepEqual(
    needs.timeline({}).map((s) => s.done),
    [true, false, false, false],
  ); // filed on this phone: received, nothing else
});

test('who may do what with a need', () => {
  const open = item('n', { grid_id: 5, user_id: 99, status: 'received' });
  assert.deepEqual(needs.needActions(open, worker), ['accept', 'start', 'resolve', 'refer']);
  assert.deepEqual(needs.needActions(item('n', { grid_id: 6, user_id: 99, status: 'received' }), worker), []);
  assert.deepEqual(needs.needActions(item('n', { grid_id: 5, user_id: 99, status: 'in_progress' }), worker), [
    'resolve',
    'refer',
  ]);
  assert.deepEqual(needs.needActions(item('n', { grid_id: 5, user_id: 99, status: 'referred' }), worker), []);
  assert.deepEqual(needs.needActions(item('n', { grid_id: 5, user_id: 99, status: 'referred' }), admin), ['take_back']);
  const resolved = { user_id: ME, status: 'resolved', resolved_at: '2026-12-02T00:00:00Z' };
  assert.deepEqual(needs.needActions(item('n', resolved), resident), ['rate']);
  assert.deepEqual(needs.needActions(item('n', { ...resolved, rated_at: '2026-12-03T00:00:00Z' }), resident), []);
  assert.deepEqual(needs.needActions(item('n', { ...resolved, rated_at: '2026-12-01T00:00:00Z' }), resident), ['rate']);
  assert.deepEqual(needs.needActions(item('n', resolved, { rejected: true }), resident), []);
});

test('the checks before saving say what is missing, per field', () => {
  assert.deepEqual(needs.needProblems({ text: ' ', householdId: null }), {
    category: 'need.required_category',
    text: 'need.required_text',
    household_id: 'need.required_household',
  });
  assert.deepEqual(needs.needProblems({ category: 'repair', text: '灯坏了', householdId: 40 }), {});
  assert.deepEqual(needs.handleProblems({ outcome: 'resolved', note: '' }), { handle_note: 'need.required_note' });
  assert.deepEqual(needs.handleProblems({ outcome: 'referred', note: '', referredTo: ' ' }), {
    handle_note: 'need.required_reason',
    referred_to: 'need.required_referred_to',
  });
  assert.deepEqual(needs.rateProblems({ rating: null }), { rating: 'need.required_rating' });
  assert.equal(needs.reopens(2), true);
  assert.equal(needs.reopens(3), false);
});

test('what the taps write', () => {
  const now = new Date(2026, 11, 6, 9, 30);
  const fields = actions.needFields({
    userId: '7',
    householdId: '40',
    category: 'repair',
    text: ' 楼道灯坏了 ',
    photos: ['a', 'a'],
    now,
  });
  assert.deepEqual(
    { ...fields, filed_at: undefined },
    {
      user_id: 7,
      household_id: 40,
      category: 'repair',
      text: '楼道灯坏了',
      photos: ['a'],
      location: null,
      filed_at: undefined,
    },
  );
  assert.deepEqual(Object.keys(actions.moveFields('accepted', { now })), ['status', 'status_device_at']);
  const referred = actions.moveFields('referred', { note: ' 需调解 ', referredTo: '社区', photos: ['p'], now });
  assert.equal(referred.handle_note, '需调解');
  assert.equal(referred.referred_to, '社区');
  assert.equal(referred.handle_photos, undefined);
  assert.deepEqual(actions.rateFields({ rating: '2', comment: ' ' }), { rating: 2, rating_comment: null });
});

test('a need filed offline is on the phone at once and waits; the worker then sees it from the pull', async () => {
  const { record } = await actions.createNeed({
    userId: ME,
    householdId: 40,
    category: 'help',
    text: '老人行动不便，需要代买药',
  });
  let found = await data.loadNeed(record.id);
  assert.ok(found.item.pending && found.item.local);
  assert.equal(needs.statusOf(found.item.need), 'received');
  assert.deepEqual(
    needs.myNeeds(await data.loadNeeds(), ME).map((i) => i.id),
    [record.id],
  );

  await db.transact(['records', 'outbox'], (tx) =>
    receiveServerCopy(tx, {
      entity: 'need',
      id: 'n2',
      version: 3,
      data: { user_id: 99, grid_id: 5, status: 'received', text: '楼道灯坏了' },
      bucket: 'grid:5',
    }),
  );
  await actions.moveNeed('n2', 'accepted');
  found = await data.loadNeed('n2');
  assert.equal(found.item.need.status, 'accepted');
  assert.ok(found.item.pending);
});

test('a resolution a low rating reopened is undone on the timeline, without its old time', () => {
  const steps = needs.timeline({
    status: 'in_progress',
    history: [
      { from: null, to: 'received', server_at: 'r' },
      { from: 'received', to: 'resolved', server_at: 'z' },
      { from: 'resolved', to: 'in_progress', rating: 2, server_at: 'y' },
    ],
  });
  assert.deepEqual(
    steps.map((s) => [s.status, s.at, s.done]),
    [
      ['received', 'r', true],
      ['accepted', null, true],
      ['in_progress', 'y', true],
      ['resolved', null, false],
    ],
  );
});
