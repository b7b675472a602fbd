// The grid worker's screens without a browser: the task list's groups by due time and the
// phone's clock, its filters and search, what a completion and a problem report send (GPS
// refused included), and a pull telling the screens that records changed. The sync runs over
// fake-indexeddb against the fake server with task and field_report rules shaped like
// server/tasks/models.py (a worker writes status and report fields only).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';

import './support/setup.mjs';
import { createFakeServer } from './support/fake-server.mjs';

process.env.TZ = 'Asia/Shanghai'; // the phone's zone: "today" is a Xuchang day, not a UTC one

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const outbox = await import('../js/outbox.js');
const photos = await import('../js/photos.js');
const tasks = await import('../js/tasks.js');
const actions = await import('../js/task-actions.js');
const geo = await import('../js/geo.js');
const places = await import('../js/places.js');
const taskData = await import('../js/task-data.js');
const { onRecordsPulled } = await import('../js/sync-pull.js');
const { createSyncClient } = await import('../js/sync-client.js');
const { dueText } = await import('../js/ui/format.js');

const WORKER_ID = 7;
const ADMIN = { user_id: 2, buckets: { 'grid:1': ['admin'], 'grid:2': ['admin'] } };
const ADMIN_FIELDS = [
  'type',
  'title',
  'description',
  'target_kind',
  'target_id',
  'grid_id',
  'compound_id',
  'building_id',
  'household_id',
  'assignee_id',
  'due_at',
  'priority',
  'checklist',
];
const WORKER_FIELDS = [
  'status',
  'unable_reason',
  'outcome',
  'notes',
  'checklist_answers',
  'photos',
  'location',
  'location_status',
  'started_at',
  'finished_at',
  'status_device_at',
  'status_location',
];
const TASK = {
  name: 'task',
  fields: {
    ...Object.fromEntries(ADMIN_FIELDS.map((f) => [f, { writable_by: ['admin'] }])),
    ...Object.fromEntries(
      WORKER_FIELDS.map((f) => [
        f,
        { writable_by: ['grid_worker', 'admin'], on_conflict: f === 'photos' ? 'union' : 'client_wins' },
      ]),
    ),
    history: {},
  },
  create_roles: ['admin'],
  delete_roles: ['admin'],
  buckets: ['grid:{grid_id}'],
};
const REPORT_FIELDS = [
  'category',
  'description',
  'photos',
  'location',
  'location_status',
  'grid_id',
  'building_id',
  'household_id',
  'reported_at',
];
const FIELD_REPORT = {
  name: 'field_report',
  fields: {
    ...Object.fromEntries(REPORT_FIELDS.map((f) => [f, { writable_by: ['grid_worker'] }])),
    status: { writable_by: ['admin'] },
    created_by_id: {},
  },
  create_roles: ['grid_worker'],
  delete_roles: ['admin'],
  buckets: ['grid:{grid_id}'],
};
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);

let server;
let client;

function fakeEnv() {
  const env = new EventTarget();
  env.setTimeout = () => 0;
  env.clearTimeout = () => {};
  env.setInterval = () => 0;
  env.clearInterval = () => {};
  env.document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  env.navigator = {};
  return env;
}

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
  server = createFakeServer({
    buckets: { 'grid:1': ['grid_worker'] },
    userId: WORKER_ID,
    entities: [TASK, FIELD_REPORT],
  });
  globalThis.fetch = server.fetch;
  client = createSyncClient({ random: () => 0.5, env: fakeEnv() });
});

afterEach(() => client.stop());

/** An admin assigns a task on the server (the way the admin desk would). */
function assign(id, fields) {
  const [result] = server.pushAs(ADMIN, 'desk', [
    {
      id: `m-${id}`,
      entity: 'task',
      record_id: id,
      op: 'create',
      fields: {
        type: 'visit',
        title: id,
        target_kind: 'household',
        target_id: 11,
        grid_id: 1,
        compound_id: 3,
        building_id: 5,
        household_id: 11,
        assignee_id: WORKER_ID,
        priority: 'normal',
        status: 'assigned',
        ...fields,
      },
    },
  ]);
  assert.notEqual(result.status, 'rejected', JSON.stringify(result));
}

const item = (id, task) => ({ id, task });
const at = (iso) => new Date(iso);

// --- the list: groups by due time and the phone's clock ----------------------------------------

test('tasks fall into overdue, today and upcoming by due time and the phone clock; finished ones under done', () => {
  const now = at('2026-11-27T10:00:00+08:00');
  const items = [
    item('late-yesterday', { status: 'assigned', due_at: '2026-11-26T17:00:00+08:00' }),
    item('late-this-morning', { status: 'in_progress', due_at: '2026-11-27T09:00:00+08:00' }),
    item('this-evening', { status: 'assigned', due_at: '2026-11-27T17:00:00+08:00' }),
    item('before-midnight', { status: 'assigned', due_at: '2026-11-27T23:59:00+08:00', priority: 'urgent' }),
    item('midnight', { status: 'assigned', due_at: '2026-11-28T00:00:00+08:00' }),
    item('next-week', { status: 'assigned', due_at: '2026-12-04T09:00:00+08:00' }),
    item('no-due', { status: 'assigned' }),
    item('done-late', {
      status: 'done',
      due_at: '2026-11-20T09:00:00+08:00',
      finished_at: '2026-11-27T09:30:00+08:00',
    }),
    item('unable', { status: 'unable', due_at: '2026-11-29T09:00:00+08:00', finished_at: '2026-11-27T08:00:00+08:00' }),
    item('cancelled', { status: 'cancelled', due_at: '2026-11-27T12:00:00+08:00' }),
  ];
  const groups = tasks.groupTasks(items, now);
  const ids = (name) => groups[name].map((i) => i.id);
  assert.deepEqual(ids('overdue'), ['late-yesterday', 'late-this-morning'], 'earliest first');
  assert.deepEqual(ids('today'), ['this-evening', 'before-midnight']);
  assert.deepEqual(ids('upcoming'), ['midnight', 'next-week', 'no-due'], 'no due time last');
  assert.deepEqual(ids('done'), ['done-late', 'unable', 'cancelled'], 'most recently finished first');

  // 17:01 on the phone: the 17:00 task has turned overdue, with nothing synced.
  const later = tasks.groupTasks(items, at('2026-11-27T17:01:00+08:00'));
  assert.deepEqual(
    later.overdue.map((i) => i.id),
    ['late-yesterday', 'late-this-morning', 'this-evening'],
  );
});

test('逾期完成: done after the deadline; done in time, not done, or without a deadline is not', () => {
  const due = '2026-11-27T09:00:00Z';
  assert.equal(tasks.doneLate({ status: 'done', due_at: due, finished_at: '2026-11-27T09:00:01Z' }), true);
  assert.equal(tasks.doneLate({ status: 'done', due_at: due, finished_at: '2026-11-27T08:59:59Z' }), false);
  assert.equal(tasks.doneLate({ status: 'unable', due_at: due, finished_at: '2026-11-28T08:00:00Z' }), false);
  assert.equal(tasks.doneLate({ status: 'done', due_at: null, finished_at: '2026-11-28T08:00:00Z' }), false);
  assert.equal(tasks.doneLate({ status: 'done', due_at: due }), false);
});

test('"today" is the phone\'s local day, not the UTC day', () => {
  // 07:00 in Xuchang is still yesterday in UTC; a task due at 20:00 local is due today.
  const now = at('2026-11-27T07:00:00+08:00');
  assert.equal(tasks.dueGroup({ status: 'assigned', due_at: '2026-11-27T12:00:00Z' }, now), 'today');
  assert.equal(
    tasks.dueGroup({ status: 'assigned', due_at: '2026-11-27T16:30:00Z' }, now),
    'upcoming',
    '00:30 local tomorrow',
  );
  assert.equal(
    tasks.dueGroup({ status: 'assigned', due_at: '2026-11-26T23:30:00Z' }, now),
    'today',
    '07:30 local, after now',
  );
});

test('within a group, the same due time puts the urgent one first', () => {
  const now = at('2026-11-27T08:00:00+08:00');
  const due = '2026-11-27T17:00:00+08:00';
  const groups = tasks.groupTasks(
    [
      item('a', { title: '乙', due_at: due, priority: 'normal' }),
      item('b', { title: '甲', due_at: due, priority: 'urgent' }),
      item('c', { title: '丙', due_at: due, priority: 'high' }),
    ],
    now,
  );
  assert.deepEqual(
    groups.today.map((i) => i.id),
    ['b', 'c', 'a'],
  );
});

test('due lines say how late or when, in Chinese', () => {
  const now = at('2026-11-27T10:00:00+08:00');
  assert.equal(dueText({ status: 'assigned', due_at: '2026-11-27T17:00:00+08:00' }, now).text, '今天 17:00 截止');
  assert.equal(dueText({ status: 'assigned', due_at: '2026-11-28T09:00:00+08:00' }, now).text, '明天 09:00 截止');
  const late = dueText({ status: 'assigned', due_at: '2026-11-25T17:00:00+08:00' }, now);
  assert.equal(late.overdue, true);
  assert.match(late.text, /^已逾期 2 天/);
  assert.match(dueText({ status: 'in_progress', due_at: '2026-11-27T07:00:00+08:00' }, now).text, /^已逾期 3 小时/);
  assert.equal(
    dueText({ status: 'done', due_at: '2026-11-25T17:00:00+08:00' }, now).overdue,
    false,
    'a finished task is not late',
  );
  assert.equal(dueText({ status: 'assigned' }, now).text, '无截止时间');
});

// --- filters and search -----------------------------------------------------------------------

const DIRECTORY = {
  grid: { id: 1, name: '河西社区第一网格' },
  compounds: [
    { id: 3, name: '河西小区' },
    { id: 4, name: '文峰苑' },
  ],
  buildings: [
    { id: 5, compound_id: 3, name: '3号楼' },
    { id: 6, compound_id: 4, name: '1号楼' },
  ],
  households: [
    { id: 11, building_id: 5, unit: '2单元', room: '301', residents: [] },
    { id: 12, building_id: 6, unit: '1单元', room: '101', residents: [] },
  ],
};

test('filters by type and compound, and searches title, compound, building and room', () => {
  const index = places.indexDirectories([DIRECTORY]);
  const placeOf = (task) => places.describePlace(task, index);
  const items = [
    item('t1', { type: 'visit', title: '走访独居老人', compound_id: 3, building_id: 5, household_id: 11 }),
    item('t2', { type: 'hazard', title: '消防通道检查', compound_id: 3, building_id: 5 }),
    item('t3', { type: 'visit', title: '核实低保信息', compound_id: 4, building_id: 6, household_id: 12 }),
    item('t4', { type: 'notice', title: '停水通知送达', compound_id: 4 }),
  ];
  const ids = (filters) => tasks.filterTasks(items, filters, placeOf).map((i) => i.id);
  assert.deepEqual(ids({}), ['t1', 't2', 't3', 't4']);
  assert.deepEqual(ids({ type: 'visit' }), ['t1', 't3']);
  assert.deepEqual(ids({ compoundId: '4' }), ['t3', 't4'], 'a menu value is a string');
  assert.deepEqual(ids({ type: 'visit', compoundId: 3 }), ['t1']);
  assert.deepEqual(ids({ query: '消防' }), ['t2'], 'title');
  assert.deepEqual(ids({ query: '文峰苑' }), ['t3', 't4'], 'compound name');
  assert.deepEqual(ids({ query: '3号楼' }), ['t1', 't2'], 'building name');
  assert.deepEqual(ids({ query: '301' }), ['t1'], 'room');
  assert.deepEqual(ids({ query: ' 3号楼   301 ' }), ['t1'], 'every word must match');
  assert.deepEqual(ids({ query: '不存在' }), []);
  assert.deepEqual(tasks.filterChoices(items), { types: ['visit', 'hazard', 'notice'], compoundIds: [3, 4] });
});

test('without a directory on the phone, places show as ids and search still finds titles', () => {
  const task = { title: '走访', compound_id: 3, building_id: 5, household_id: 11 };
  assert.equal(places.placeLine(task), '小区 #3 · 楼栋 #5 · 住户 #11');
  assert.equal(places.placeLine(task, places.indexDirectories([DIRECTORY])), '河西小区 · 3号楼 · 2单元 301');
  assert.deepEqual(
    tasks.filterTasks([item('x', task)], { query: '走访' }).map((i) => i.id),
    ['x'],
  );
});

test('my list holds the tasks assigned to me, and any with edits of mine still unconfirmed', () => {
  const records = [
    { id: 'mine', data: { assignee_id: WORKER_ID } },
    { id: 'theirs', data: { assignee_id: 99 } },
    { id: 'reassigned-while-i-worked', data: { assignee_id: 99 } },
    { id: 'deleted', deleted: true, data: { assignee_id: WORKER_ID } },
  ];
  assert.deepEqual(
    tasks.myTasks(records, WORKER_ID, new Set(['reassigned-while-i-worked'])).map((r) => r.id),
    ['mine', 'reassigned-while-i-worked'],
  );
});

test('the worker may start an assigned task (or finish it at once), then complete it or say it cannot be done', () => {
  assert.deepEqual(tasks.actionsFor({ status: 'assigned' }), ['start', 'complete', 'unable']);
  assert.deepEqual(tasks.actionsFor({ status: 'in_progress' }), ['complete', 'unable']);
  for (const status of ['done', 'unable', 'cancelled']) assert.deepEqual(tasks.actionsFor({ status }), []);
});

// --- GPS ---------------------------------------------------------------------------------------

const geolocation = (behaviour) => ({
  getCurrentPosition(ok, fail, options) {
    geolocation.lastOptions = options;
    behaviour(ok, fail);
  },
});

test('a GPS fix is kept with its accuracy; a refusal and a timeout are recorded as such', async () => {
  const fix = await geo.locate({
    geolocation: geolocation((ok) =>
      ok({ coords: { latitude: 34.0312345678, longitude: 113.8523456789, accuracy: 12.6 } }),
    ),
  });
  assert.deepEqual(fix, { location_status: 'ok', location: { lat: 34.031235, lng: 113.852346, accuracy: 13 } });
  assert.equal(geolocation.lastOptions.enableHighAccuracy, true);

  const refused = await geo.locate({
    geolocation: geolocation((_ok, fail) => fail({ code: 1, message: 'User denied Geolocation' })),
  });
  assert.equal(refused.location_status, 'denied');
  assert.equal(refused.location, null);

  const timedOut = await geo.locate({ geolocation: geolocation((_ok, fail) => fail({ code: 3 })) });
  assert.equal(timedOut.location_status, 'unavailable');

  // A permission prompt left open: the browser's timeout does not run, ours does.
  const ignored = await geo.locate({ geolocation: geolocation(() => {}), timeoutMs: 10 });
  assert.deepEqual([ignored.location_status, ignored.reason], ['unavailable', 'timeout']);

  assert.equal((await geo.locate({ geolocation: undefined })).location_status, 'unavailable', 'no geolocation at all');
  assert.deepEqual(
    geo.positionFields(geo.PENDING),
    { location: null, location_status: 'unavailable' },
    'a search still running is saved as unavailable',
  );
});

// --- completing a task -------------------------------------------------------------------------

test('completing sends the status change and the report in one update, worker fields only', async () => {
  assign('visit-1', {
    due_at: '2026-11-27T17:00:00+08:00',
    checklist: [
      { key: 'smoke', text: '烟感是否正常' },
      { key: 'gas', text: '燃气管道是否老化' },
    ],
  });
  await client.syncNow();
  const { items } = await taskData.loadMyTasks(WORKER_ID);
  assert.deepEqual(
    items.map((i) => [i.id, i.pending]),
    [['visit-1', false]],
  );

  const startedAt = at('2026-11-27T09:00:00+08:00');
  const position = { location_status: 'ok', location: { lat: 34.03, lng: 113.85, accuracy: 8 } };
  const started = await actions.startTask('visit-1', { position, now: startedAt });
  assert.deepEqual(started.mutation.fields, {
    status: 'in_progress',
    status_device_at: '2026-11-27T09:00:00+08:00',
    status_location: position.location,
    started_at: '2026-11-27T09:00:00+08:00',
  });

  const sha = await photos.storePhoto(JPEG.buffer.slice(0), 'image/jpeg');
  const task = (await db.getRecord('task', 'visit-1')).data;
  const upstairs = { location_status: 'ok', location: { lat: 34.0301, lng: 113.8502, accuracy: 15 } };
  const done = await actions.completeTask(task, 'visit-1', {
    outcome: 'problem_found',
    notes: '  烟感失效，已告知住户  ',
    answers: { smoke: 'no', gas: 'na', stray: 'yes' },
    photos: [sha, sha],
    position: upstairs,
    now: at('2026-11-27T09:40:00+08:00'),
  });
  assert.deepEqual(done.mutation.fields, {
    status: 'done',
    status_device_at: '2026-11-27T09:40:00+08:00',
    status_location: { lat: 34.0301, lng: 113.8502, accuracy: 15 },
    location: { lat: 34.0301, lng: 113.8502, accuracy: 15 },
    location_status: 'ok',
    outcome: 'problem_found',
    notes: '烟感失效，已告知住户',
    checklist_answers: { smoke: 'no', gas: 'na' },
    photos: [sha],
    finished_at: '2026-11-27T09:40:00+08:00',
  });
  assert.ok(
    Object.keys(done.mutation.fields).every((f) => WORKER_FIELDS.includes(f)),
    "nothing of the admin's",
  );
  assert.deepEqual(
    done.mutation.photos ?? (await outbox.listPending())[1].photos,
    [sha],
    'the photo uploads before the push',
  );

  const pending = await taskData.loadMyTasks(WORKER_ID);
  assert.deepEqual(
    pending.items.map((i) => [i.task.status, i.pending]),
    [['done', true]],
    'shown done at once, pending sync',
  );

  const status = await client.syncNow();
  assert.deepEqual([status.pending, status.rejected], [0, 0]);
  assert.ok(server.blobs.has(sha), 'photo uploaded');
  const saved = server.store.getRecord('task', 'visit-1').values;
  assert.equal(saved.status, 'done');
  assert.deepEqual(saved.photos, [sha]);
  assert.equal(saved.started_at, '2026-11-27T09:00:00+08:00');
  const synced = await taskData.loadMyTasks(WORKER_ID);
  assert.deepEqual(
    synced.items.map((i) => i.pending),
    [false],
  );
});

test('with GPS refused the completion still saves, saying location_status denied and sending no position', async () => {
  assign('visit-2', { status: 'in_progress', started_at: '2026-11-27T08:00:00+08:00' });
  await client.syncNow();
  const refused = await geo.locate({ geolocation: geolocation((_ok, fail) => fail({ code: 1 })) });
  const task = (await db.getRecord('task', 'visit-2')).data;
  const { mutation } = await actions.completeTask(task, 'visit-2', {
    outcome: 'ok',
    position: refused,
    now: at('2026-11-27T10:00:00+08:00'),
  });
  assert.equal(mutation.fields.location_status, 'denied');
  assert.ok(!('location' in mutation.fields), 'no position to send (none was held)');
  assert.equal(mutation.fields.status_location, null, 'the change says it has no position');
  assert.ok(!('notes' in mutation.fields), 'no empty notes');
  assert.ok(!('started_at' in mutation.fields), 'the start stays as recorded');
  await client.syncNow();
  assert.equal(server.store.getRecord('task', 'visit-2').values.location_status, 'denied');

  // Finished with no start recorded anywhere: the finish is also the start.
  assert.equal(
    actions.completionFields({}, { outcome: 'ok', position: geo.UNAVAILABLE, now: at('2026-11-27T11:00:00+08:00') })
      .started_at,
    '2026-11-27T11:00:00+08:00',
  );
});

test('a completion form with no outcome or unanswered checklist items is not saved', () => {
  const task = {
    checklist: [
      { key: 'a', text: 'A' },
      { key: 'b', text: 'B' },
    ],
  };
  assert.deepEqual(actions.completionProblems(task, { outcome: null, answers: { a: 'yes' } }), {
    outcome: 'complete.required_outcome',
    checklist: 'complete.required_checklist',
  });
  assert.deepEqual(actions.completionProblems(task, { outcome: 'ok', answers: { a: 'yes', b: 'na' } }), {});
});

test('unable needs a reason and records when and where', async () => {
  assert.deepEqual(
    actions.unableFields({ reason: ' 多次敲门无人 ', position: geo.UNAVAILABLE, now: at('2026-11-27T10:00:00+08:00') }),
    {
      status: 'unable',
      status_device_at: '2026-11-27T10:00:00+08:00',
      status_location: null,
      unable_reason: '多次敲门无人',
      finished_at: '2026-11-27T10:00:00+08:00',
    },
  );
});

// --- reporting a problem -----------------------------------------------------------------------

test('a problem report is created on the phone, listed as mine and pending, then sent once', async () => {
  server.offline = true;
  const sha = await photos.storePhoto(JPEG.buffer.slice(0), 'image/jpeg');
  const form = { category: 'safety', description: ' 3号楼楼道堆放杂物 ', gridId: 1 };
  assert.deepEqual(actions.reportProblems({ ...form, description: ' ' }), {
    description: 'report.required_description',
  });
  assert.deepEqual(actions.reportProblems(form), {});
  const { record, mutation } = await actions.createReport({
    ...form,
    photos: [sha],
    buildingId: '5',
    householdId: '',
    now: at('2026-11-27T11:00:00+08:00'),
    position: { location_status: 'ok', location: { lat: 34.03, lng: 113.85, accuracy: 20 } },
  });
  assert.equal(mutation.op, 'create');
  assert.equal(mutation.entity, 'field_report');
  assert.deepEqual(mutation.fields, {
    category: 'safety',
    description: '3号楼楼道堆放杂物',
    photos: [sha],
    location: { lat: 34.03, lng: 113.85, accuracy: 20 },
    location_status: 'ok',
    grid_id: 1,
    reported_at: '2026-11-27T11:00:00+08:00',
    building_id: 5,
  });
  assert.ok(!('status' in mutation.fields), "the status is the admin's");

  const mine = await taskData.loadMyReports(WORKER_ID);
  assert.deepEqual(
    mine.map((r) => [r.id, r.pending]),
    [[record.id, true]],
  );
  assert.equal((await client.syncNow()).state, 'offline');

  server.offline = false;
  await client.syncNow();
  await client.syncNow();
  const stored = server.store.getRecord('field_report', record.id);
  assert.equal(stored.values.description, '3号楼楼道堆放杂物');
  assert.equal(server.requestsTo('POST', '/api/sync/push').filter((r) => r.status === 200).length, 1, 'sent once');
  assert.deepEqual(
    (await taskData.loadMyReports(WORKER_ID)).map((r) => r.pending),
    [false],
  );
});

// --- a new assignment reaches the open list ----------------------------------------------------

test('a pull that brings changes tells the screens, with the entity types; a quiet pull does not', async () => {
  await client.syncNow();
  const heard = [];
  const stop = onRecordsPulled((change) => heard.push(change));
  try {
    await client.syncNow();
    assert.deepEqual(heard, [], 'nothing new, nothing to redraw');
    assign('new-1', { title: '新派发：核实住户信息' });
    await client.syncNow();
    assert.deepEqual(heard, [{ entities: ['task'] }]);
    const { items } = await taskData.loadMyTasks(WORKER_ID);
    assert.deepEqual(
      items.map((i) => i.task.title),
      ['新派发：核实住户信息'],
    );
  } finally {
    stop();
  }
});

test('a status change always says where it happened, even where the last one did', async () => {
  assign('visit-3', {});
  await client.syncNow();
  const here = { location_status: 'ok', location: { lat: 34.03, lng: 113.85, accuracy: 9 } };
  await actions.startTask('visit-3', { position: here, now: at('2026-11-27T09:00:00+08:00') });
  const task = (await db.getRecord('task', 'visit-3')).data;
  const { mutation } = await actions.completeTask(task, 'visit-3', {
    outcome: 'ok',
    position: here,
    now: at('2026-11-27T09:05:00+08:00'),
  });
  assert.deepEqual(mutation.fields.status_location, here.location, 'sent again with the change it belongs to');
  assert.ok(!('started_at' in mutation.fields), 'other unchanged fields are not');
  assert.equal(
    await outbox.enqueue({
      entity: 'task',
      id: 'visit-3',
      op: 'update',
      fields: { status: 'done' },
      always: ['status_location'],
    }),
    null,
    'nothing changed: nothing queued, "always" or not',
  );
});

test('field names read as words, also a path into a field (a refused inspection answer)', async () => {
  const { fieldLabel } = await import('../js/ui/format.js');
  assert.equal(fieldLabel('inspection', 'answers'), '检查结果');
  assert.equal(fieldLabel('inspection', 'answers.env.clean'), '检查结果 · env.clean');
  assert.equal(fieldLabel('inspection', 'nonsense.x'), 'nonsense.x');
  // a malformed mutation (bad_mutation, PROTOCOL.md §6.1) names the mutation's own keys
  assert.equal(fieldLabel('field_report', 'record_id'), '记录编号');
  assert.equal(fieldLabel('task', 'client_time'), '修改时间');
});
