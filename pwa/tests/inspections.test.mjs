// The steward's and the property staff's screens without a browser: the inspection list's
// groups, a template version's items and a form's progress, what stops a submission before it
// leaves the phone (unanswered items, a failed item without its photo), what each tap enqueues
// (answers only; start and submit with time and GPS), the orders by deadline with the overdue
// first, and the template cache (revalidated with If-None-Match, kept for offline use).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const outbox = await import('../js/outbox.js');
const ins = await import('../js/inspections.js');
const actions = await import('../js/inspection-actions.js');
const templates = await import('../js/inspection-templates.js');
const data = await import('../js/inspection-data.js');

const TEMPLATE = {
  id: 4,
  code: 'residential',
  version: 2,
  name: '住宅物业服务检查表',
  status: 'published',
  published_at: '2026-11-01T00:00:00Z',
  max_score: 100,
  categories: [
    {
      code: 'env',
      name: '环境卫生',
      items: [
        { code: 'env-1', text: '楼道清洁，无堆放杂物', weight: 5, severity: 'minor', photo_required_on_fail: true },
        { code: 'env-2', text: '垃圾日产日清', weight: 5, severity: 'major', photo_required_on_fail: false },
      ],
    },
    {
      code: 'fire',
      name: '消防安全',
      items: [{ code: 'fire-1', text: '消防通道畅通', weight: 10, severity: 'critical', photo_required_on_fail: true }],
    },
  ],
};
const NOW = new Date('2026-11-28T02:00:00Z');
const item = (id, fields, key = 'inspection') => ({ id, [key]: fields });

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

test('the steward list groups planned by due time, in progress by start, submitted newest first', () => {
  const groups = ins.groupInspections([
    item('a', { status: 'planned', due_at: '2026-11-30T10:00:00Z' }),
    item('b', { status: 'planned', due_at: '2026-11-29T10:00:00Z' }),
    item('c', { status: 'planned' }),
    item('d', { status: 'in_progress', started_at: '2026-11-28T01:00:00Z' }),
    item('e', { status: 'submitted', submitted_at: '2026-11-20T01:00:00Z', score: 90 }),
    item('f', { status: 'submitted', submitted_at: '2026-11-27T01:00:00Z' }),
    item('g', {}), // no status yet: planned
  ]);
  assert.deepEqual(
    groups.planned.map((i) => i.id),
    ['b', 'a', 'c', 'g'],
  );
  assert.deepEqual(
    groups.in_progress.map((i) => i.id),
    ['d'],
  );
  assert.deepEqual(
    groups.submitted.map((i) => i.id),
    ['f', 'e'],
  );
});

test("my inspections are mine, the compound's, or ones I edited; the roles name my compounds", () => {
  const records = [
    { id: '1', data: { steward_id: 5 } },
    { id: '2', data: { steward_id: null } },
    { id: '3', data: { steward_id: 6 } },
    { id: '4', data: { steward_id: 6 } },
    { id: '5', data: { steward_id: 5 }, deleted: true },
  ];
  assert.deepEqual(
    ins.myInspections(records, 5, new Set(['4'])).map((r) => r.id),
    ['1', '2', '4'],
  );
  const me = {
    roles: [
      { role: 'red_steward', scope_type: 'compound', scope_id: 9, scope_name: '帝豪花园' },
      { role: 'property_staff', scope_type: 'company', scope_id: 2, scope_name: '远航物业' },
    ],
  };
  assert.deepEqual(ins.stewardCompounds(me), [{ id: 9, name: '帝豪花园' }]);
  assert.deepEqual(ins.staffCompanies(me), [{ id: 2, name: '远航物业' }]);
  assert.equal(ins.hasRole(me, 'resident'), false);
});

test('a template version lists its items in order with their category, and the latest published wins', () => {
  assert.deepEqual(
    ins.templateItems(TEMPLATE).map((i) => [i.code, i.category.name]),
    [
      ['env-1', '环境卫生'],
      ['env-2', '环境卫生'],
      ['fire-1', '消防安全'],
    ],
  );
  assert.deepEqual(ins.templateItems(null), []);
  const older = { ...TEMPLATE, id: 3, version: 1, published_at: '2026-10-01T00:00:00Z' };
  const draft = { ...TEMPLATE, id: 5, version: 3, status: 'draft', published_at: null };
  assert.equal(ins.latestPublished([older, TEMPLATE, draft]).id, 4);
  assert.equal(ins.latestPublished([draft]), null);
});

test('progress counts answered, failed, passed and not applicable items of the template only', () => {
  const answers = {
    'env-1': { result: 'fail' },
    'env-2': { result: 'na' },
    stray: { result: 'pass' },
    'fire-1': { result: null },
  };
  assert.deepEqual(ins.progressOf(TEMPLATE, answers), { answered: 2, total: 3, failed: 1, passed: 0, na: 1 });
  assert.deepEqual(ins.progressOf(TEMPLATE, {}), { answered: 0, total: 3, failed: 0, passed: 0, na: 0 });
});

test('before submitting: every item answered, and a failed item that needs a photo has one', () => {
  let answers = ins.withAnswer({}, 'env-1', { result: 'fail' });
  answers = ins.withAnswer(answers, 'env-2', { result: 'fail' }); // no photo needed
  assert.deepEqual(ins.submitProblems(TEMPLATE, answers), { 'env-1': 'photo_required', 'fire-1': 'unanswered' });
  answers = ins.withAnswer(answers, 'env-1', { photos: ['a'.repeat(64), 'a'.repeat(64)] });
  answers = ins.withAnswer(answers, 'fire-1', { result: 'pass' });
  assert.deepEqual(
    answers['env-1'],
    { result: 'fail', note: '', photos: ['a'.repeat(64)] },
    'the result stays, photos once each',
  );
  assert.deepEqual(ins.submitProblems(TEMPLATE, answers), {});
  const eleven = Array.from({ length: 11 }, (_, i) => String(i).padStart(64, 'b'));
  assert.deepEqual(ins.submitProblems(TEMPLATE, ins.withAnswer(answers, 'fire-1', { photos: eleven })), {
    'fire-1': 'too_many_photos',
  });
});

test('其余全部合格 answers every unanswered item 合格 and never changes an answer given; 本类 only its category', () => {
  const given = ins.withAnswer({}, 'env-1', { result: 'fail', note: '纸箱', photos: ['c'.repeat(64)] });
  const category = ins.passUnanswered(TEMPLATE, given, 'env');
  assert.deepEqual(category.changed, ['env-2']);
  assert.deepEqual(category.answers['env-1'], given['env-1'], 'the failure stays as it was');
  assert.equal(category.answers['env-2'].result, 'pass');
  assert.equal(category.answers['fire-1'], undefined, 'another category is left alone');
  const rest = ins.passUnanswered(TEMPLATE, ins.withAnswer(given, 'fire-1', { result: 'na' }));
  assert.deepEqual(rest.changed, ['env-2']);
  assert.equal(rest.answers['fire-1'].result, 'na');
  assert.deepEqual(ins.passUnanswered(TEMPLATE, rest.answers).changed, [], 'nothing left to answer');
  assert.deepEqual(ins.progressOf(TEMPLATE, ins.passUnanswered(TEMPLATE, {}).answers).passed, 3);
});

test('the jump targets: unanswered items and failed items still missing the photo they need, in order', () => {
  let answers = ins.withAnswer({}, 'fire-1', { result: 'fail' });
  assert.deepEqual(ins.jumpTargets(TEMPLATE, answers), { unanswered: ['env-1', 'env-2'], missingPhoto: ['fire-1'] });
  answers = ins.withAnswer(answers, 'env-2', { result: 'fail' }); // this one needs no photo
  answers = ins.withAnswer(answers, 'fire-1', { photos: ['d'.repeat(64)] });
  assert.deepEqual(ins.jumpTargets(TEMPLATE, answers), { unanswered: ['env-1'], missingPhoto: [] });
});

test('orders: overdue first (red), then to fix, awaiting re-inspection, closed; by deadline then severity', () => {
  const groups = ins.groupOrders(
    [
      item('late', { status: 'open', deadline_at: '2026-11-27T00:00:00Z', severity: 'minor' }, 'order'),
      item('reopened-late', { status: 'reopened', deadline_at: '2026-11-26T00:00:00Z' }, 'order'),
      item('soon-minor', { status: 'open', deadline_at: '2026-11-29T00:00:00Z', severity: 'minor' }, 'order'),
      item('soon-critical', { status: 'open', deadline_at: '2026-11-29T00:00:00Z', severity: 'critical' }, 'order'),
      item('answered', { status: 'responded', deadline_at: '2026-11-20T00:00:00Z' }, 'order'),
      item('done', { status: 'closed', deadline_at: '2026-11-20T00:00:00Z' }, 'order'),
    ],
    NOW,
  );
  assert.deepEqual(
    groups.overdue.map((i) => i.id),
    ['reopened-late', 'late'],
  );
  assert.deepEqual(
    groups.open.map((i) => i.id),
    ['soon-critical', 'soon-minor'],
  );
  assert.deepEqual(
    groups.responded.map((i) => i.id),
    ['answered'],
    'a responded order waits for the steward, late or not',
  );
  assert.deepEqual(
    groups.closed.map((i) => i.id),
    ['done'],
  );
  assert.deepEqual(ins.orderActions({ status: 'reopened' }, { staff: true }), ['respond']);
  assert.deepEqual(ins.orderActions({ status: 'responded' }, { staff: true }), []);
  assert.deepEqual(ins.orderActions({ status: 'responded' }, { steward: true }), ['close', 'reopen']);
  assert.deepEqual(ins.responseProblems({ text: ' ', photos: [] }), { response_text: 'order.required_response' });
  assert.deepEqual(
    ins.responseProblems({ text: '', photos: ['c'.repeat(64)] }),
    {},
    'a photo alone answers (as the server takes it)',
  );
  assert.deepEqual(ins.reviewProblems({ decision: 'reopened', note: '' }), {
    review_note: 'order.required_review_note',
  });
  assert.deepEqual(ins.reviewProblems({ decision: 'closed' }), {});
});

test('start and submit carry the device time and the fix; a refused permission is said so', () => {
  const fix = { location_status: 'ok', location: { lat: 34.0357, lng: 113.8523, accuracy: 12 } };
  const start = actions.startFields({ position: fix, now: NOW });
  assert.equal(start.status, 'in_progress');
  assert.deepEqual(start.start_location, fix.location);
  assert.equal(start.start_location_status, 'ok');
  assert.match(start.started_at, /^2026-11-28T\d\d:00:00[+-]\d\d:\d\d$/);
  const submit = actions.submitFields({ position: { location_status: 'denied', location: null }, now: NOW });
  assert.deepEqual(
    [submit.status, submit.finish_location, submit.finish_location_status],
    ['submitted', null, 'denied'],
  );
  const adhoc = actions.adhocFields({ compoundId: '9', templateId: 4, position: fix, now: NOW });
  assert.deepEqual([adhoc.compound_id, adhoc.template_id, adhoc.kind, adhoc.status], [9, 4, 'adhoc', 'in_progress']);
  assert.deepEqual(
    actions.reviewFields({ decision: 'reopened', note: ' 仍有杂物 ', photos: ['b'.repeat(64)], now: NOW }).review_note,
    '仍有杂物',
  );
});

test('an ad-hoc inspection is made on the phone; each answer is one outbox edit of `answers` only', async () => {
  const made = await actions.createAdhocInspection({
    compoundId: 9,
    templateId: 4,
    position: { location_status: 'unavailable', location: null },
  });
  const id = made.record.id;
  const answers = ins.withAnswer({}, 'env-1', { result: 'pass' });
  const edit = await actions.saveAnswers(id, answers);
  assert.deepEqual(Object.keys(edit.mutation.fields), ['answers']);
  assert.equal(await actions.saveAnswers(id, answers), null, 'the same answers again send nothing');
  const mine = await data.loadMyInspections(5);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].pending, true);
  assert.deepEqual(mine[0].inspection.answers, answers);
  assert.equal((await outbox.listPending()).length, 2);
});

test('templates are kept on the phone, revalidated with If-None-Match, and the latest published offered', async () => {
  const asked = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init = {}) => {
    asked.push([url, init.headers?.['If-None-Match'] ?? null]);
    if (url.startsWith('/api/inspection-templates?'))
      return Response.json({ templates: [{ id: 4, status: 'published' }] });
    if (url === '/api/inspection-templates/4') {
      if (init.headers?.['If-None-Match'] === '"v4"') return new Response(null, { status: 304 });
      return Response.json(TEMPLATE, { headers: { ETag: '"v4"' } });
    }
    if (url === '/api/inspection-templates/3')
      return Response.json({ ...TEMPLATE, id: 3, version: 1, status: 'retired' }, { headers: { ETag: '"v3"' } });
    return Response.json({ error: { code: 'not_found', message: 'no' } }, { status: 404 });
  };
  try {
    const first = await templates.refreshTemplates([3]);
    assert.deepEqual(first.updated.sort(), [3, 4]);
    assert.equal((await templates.latestTemplate()).id, 4, 'a retired version is kept but not offered');
    assert.equal((await templates.loadTemplate(3)).version, 1);
    asked.length = 0;
    const second = await templates.refreshTemplates([]);
    assert.deepEqual(second.updated, []);
    assert.deepEqual(
      asked.find(([url]) => url === '/api/inspection-templates/4'),
      ['/api/inspection-templates/4', '"v4"'],
    );
  } finally {
    globalThis.fetch = realFetch;
  }
  globalThis.fetch = async () => {
    throw new TypeError('offline');
  };
  try {
    const offline = await templates.refreshTemplates([4]);
    assert.equal(offline.failed[0].error.code, 'offline');
    assert.equal((await templates.loadTemplate(4)).name, '住宅物业服务检查表', 'offline, the kept version still opens');
  } finally {
    globalThis.fetch = realFetch;
  }
});
