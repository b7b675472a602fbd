// The admin's side without a browser (js/admin.js): who is an admin, the task list's query,
// progress figures, what an admin may do in each status (server/tasks/rules.py ADMIN_MOVES),
// due times between a form and the server, bulk titles and areas, and the live refetch throttle.
import assert from 'node:assert/strict';
import { test } from 'node:test';

process.env.TZ = 'Asia/Shanghai'; // the admin's desk is in Xuchang

const admin = await import('../js/admin.js');

const ME = {
  user: { id: 2 },
  roles: [
    {
      role: 'admin',
      scope_type: 'org_unit',
      scope_id: 4,
      scope_name: '河西社区',
      scope_path: ['许昌市', '魏都区', '文峰街道', '河西社区'],
    },
    { role: 'grid_worker', scope_type: 'org_unit', scope_id: 5, scope_name: '河西社区第一网格' },
  ],
};

test('an admin is who holds the admin role on an org unit', () => {
  assert.deepEqual(admin.adminUnits(ME), [
    { id: 4, name: '河西社区', path: ['许昌市', '魏都区', '文峰街道', '河西社区'] },
  ]);
  assert.equal(admin.isAdmin(ME), true);
  assert.equal(admin.isAdmin({ roles: [ME.roles[1]] }), false);
  assert.equal(admin.isAdmin(null), false);
});

test('the task list asks only for the filters set, and never a search longer than the server takes', () => {
  assert.equal(admin.taskListQuery({}), 'page=1&per_page=50');
  const query = new URLSearchParams(
    admin.taskListQuery(
      { status: 'done', type: 'hazard', gridId: '5', overdue: true, q: `  ${'楼'.repeat(50)} `, batchId: 'b1' },
      { page: 2, perPage: 100 },
    ),
  );
  assert.deepEqual(Object.fromEntries(query), {
    status: 'done',
    type: 'hazard',
    grid_id: '5',
    overdue: 'true',
    q: '楼'.repeat(40),
    batch_id: 'b1',
    page: '2',
    per_page: '100',
  });
  assert.equal(
    new URLSearchParams(admin.taskListQuery({ status: 'bogus', type: 'nope', overdue: false })).has('status'),
    false,
  );
});

test('progress: done out of the tasks not cancelled, rounded down; nothing to do gives no percent', () => {
  const row = {
    total: 10,
    assigned: 2,
    in_progress: 1,
    done: 4,
    unable: 1,
    cancelled: 2,
    overdue: 1,
    unassigned: 0,
    done_late: 1,
  };
  assert.deepEqual(admin.progressFigures(row), {
    total: 10,
    counted: 8,
    open: 3,
    done: 4,
    unable: 1,
    overdue: 1,
    unassigned: 0,
    doneLate: 1, // 逾期完成, among the done
    percent: 50,
  });
  assert.equal(admin.progressFigures({ total: 3, done: 2, assigned: 1 }).percent, 66);
  assert.equal(admin.progressFigures({ total: 2, cancelled: 2 }).percent, null);
  assert.equal(admin.progressFigures({}).percent, null);
});

test('an admin edits and reassigns open tasks, cancels what is not finished, reopens what is', () => {
  const by = (status) => admin.adminActionsFor({ status });
  assert.deepEqual(by('assigned'), ['edit', 'reassign', 'cancel']);
  assert.deepEqual(by('in_progress'), ['edit', 'reassign', 'cancel']);
  assert.deepEqual(by('unable'), ['cancel', 'reopen']);
  assert.deepEqual(by('done'), ['reopen']);
  assert.deepEqual(by('cancelled'), ['reopen']);
  assert.deepEqual(admin.adminActionsFor({}), ['edit', 'reassign', 'cancel']);
});

test("a cancelled task that carries the worker's work shows it (S4)", () => {
  assert.equal(admin.hasReport({ status: 'cancelled', notes: '已张贴通知' }), true);
  assert.equal(admin.hasReport({ status: 'cancelled', photos: ['a'.repeat(64)] }), true);
  assert.equal(admin.hasReport({ status: 'assigned', photos: [], checklist_answers: {} }), false);
});

test("due times: the form's local time is sent as an instant and read back the same", () => {
  assert.equal(admin.localInputToIso('2026-11-28T17:00'), '2026-11-28T09:00:00.000Z');
  assert.equal(admin.isoToLocalInput('2026-11-28T09:00:00.000Z'), '2026-11-28T17:00');
  assert.equal(
    admin.isoToLocalInput('2026-11-28T09:00:00'),
    '2026-11-28T17:00',
    'no offset: UTC, as the server stores it',
  );
  assert.equal(admin.localInputToIso(''), null);
  assert.equal(admin.localInputToIso('not a time'), null);
  assert.equal(admin.isoToLocalInput(null), '');
});

test('quick due times: today at 18:00 only while it is ahead', () => {
  const morning = admin.dueShortcuts(new Date(2026, 10, 28, 9, 30));
  assert.deepEqual(
    morning.map((s) => [s.key, s.value]),
    [
      ['today', '2026-11-28T18:00'],
      ['tomorrow', '2026-11-29T18:00'],
      ['days3', '2026-12-01T18:00'],
      ['week', '2026-12-05T18:00'],
    ],
  );
  assert.deepEqual(
    admin.dueShortcuts(new Date(2026, 10, 28, 19, 0)).map((s) => s.key),
    ['tomorrow', 'days3', 'week'],
  );
});

test("bulk titles put each target's name in front when asked, and leave the admin's own {target} alone", () => {
  assert.equal(admin.bulkTitle(' 消防器材检查 ', true), '{target} 消防器材检查');
  assert.equal(admin.bulkTitle('消防器材检查', false), '消防器材检查');
  assert.equal(admin.bulkTitle('检查{target}的灭火器', true), '检查{target}的灭火器');
  assert.equal(admin.bulkTitleExample('消防器材检查', true, '幸福小区 3号楼'), '幸福小区 3号楼 消防器材检查');
});

test("bulk areas: the admin's units down to communities, in tree order, never grids", async () => {
  const tree = {
    3: [
      { id: 4, kind: 'community', name: '河西社区' },
      { id: 7, kind: 'community', name: '七里店社区' },
    ],
    4: [{ id: 5, kind: 'grid', name: '第一网格' }],
  };
  const asked = [];
  const children = async (id) => {
    asked.push(id);
    return tree[id] ?? [];
  };
  const units = await admin.bulkUnits([{ id: 3, kind: 'street', name: '文峰街道' }], children);
  assert.deepEqual(
    units.map((u) => [u.name, u.depth]),
    [
      ['文峰街道', 0],
      ['河西社区', 1],
      ['七里店社区', 1],
    ],
  );
  assert.deepEqual(asked, [3], 'communities are leaves: their grids are not asked for');
  assert.equal(
    (await admin.bulkUnits([{ id: 3, kind: 'street', name: '文峰街道' }], children, { limit: 2 })).length,
    2,
  );
});

function fakeClock() {
  let now = 0;
  const timers = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      const i = timers.indexOf(timer);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms) {
      now += ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        if (!timers.length || timers[0].at > now) break;
        const timer = timers.shift();
        await timer.fn();
      }
    },
    pending: () => timers.length,
  };
}

test('live refetch: the first poke fetches at once, a burst within a second fetches once more at its end', async () => {
  const clock = fakeClock();
  let runs = 0;
  const schedule = admin.throttle(
    () => {
      runs += 1;
    },
    1000,
    clock,
  );
  schedule();
  await clock.advance(0);
  assert.equal(runs, 1);
  for (let i = 0; i < 10; i += 1) {
    await clock.advance(50);
    schedule();
  }
  assert.equal(runs, 1, 'nothing more inside the gap');
  assert.equal(clock.pending(), 1, 'one run waits for the gap to end');
  await clock.advance(1000);
  assert.equal(runs, 2);
  await clock.advance(5000);
  assert.equal(runs, 2);
  schedule();
  schedule.cancel();
  await clock.advance(2000);
  assert.equal(runs, 2, 'cancelled');
});

test('live refetch never runs twice at once: a poke during a slow fetch runs once after it', async () => {
  const clock = fakeClock();
  let active = 0;
  let most = 0;
  let release;
  let runs = 0;
  const schedule = admin.throttle(
    async () => {
      runs += 1;
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => {
        release = resolve;
      });
      active -= 1;
    },
    1000,
    clock,
  );
  schedule();
  const first = clock.advance(0);
  schedule();
  schedule();
  release();
  await first;
  const second = clock.advance(1000);
  release();
  await second;
  assert.equal(runs, 2);
  assert.equal(most, 1);
});

test('scorecards: months move across years, stars and scores read as on paper', async () => {
  const { scoreText, shiftMonth, starsText } = await import('../js/scorecards.js');
  assert.equal(shiftMonth('2026-11', 1), '2026-12');
  assert.equal(shiftMonth('2026-12', 1), '2027-01');
  assert.equal(shiftMonth('2026-01', -1), '2025-12');
  assert.equal(shiftMonth('2026-03', -14), '2025-01');
  assert.equal(starsText(4), '★★★★☆');
  assert.equal(starsText(null), '');
  assert.equal(scoreText(92.46), '92.5');
  assert.equal(scoreText(80), '80.0');
  assert.equal(scoreText(null), '—');
});

test('template editor: totals, fresh item codes, the request body, field errors by path', async () => {
  const { flattenFieldErrors, freshCode, templateBody, templateTotals } = await import('../js/template-editor.js');
  const categories = [
    {
      code: 'env',
      name: ' 环境卫生 ',
      items: [{ code: 'env.1', text: ' 干净 ', weight: '40', severity: 'minor', photo_required_on_fail: 1 }],
    },
    {
      code: 'fire',
      name: '消防安全',
      items: [
        { code: 'fire.1', text: '通道畅通', weight: 59.5, severity: 'critical' },
        { code: 'fire.3', text: '灭火器', weight: '0.5', severity: 'major' },
      ],
    },
  ];
  assert.deepEqual(templateTotals(categories), { weight: 100, items: 3 });
  assert.equal(freshCode('fire', ['fire.1', 'fire.3']), 'fire.2');
  assert.equal(freshCode('env', []), 'env.1');
  const body = templateBody({
    code: 'p',
    name: ' 物业 ',
    max_score: '100',
    severity_deadlines: { critical: '24', major: 72, minor: '168' },
    categories,
  });
  assert.equal(body.name, '物业');
  assert.deepEqual(body.severity_deadlines, { critical: 24, major: 72, minor: 168 });
  assert.deepEqual(body.categories[0], {
    code: 'env',
    name: '环境卫生',
    items: [{ code: 'env.1', text: '干净', weight: 40, severity: 'minor', photo_required_on_fail: true }],
  });
  assert.equal(body.categories[1].items[0].photo_required_on_fail, false);
  assert.deepEqual(
    flattenFieldErrors({ categories: { 0: { items: { 1: { weight: ['须大于 0'] } } } }, name: ['必填'] }),
    [
      ['categories.0.items.1.weight', '须大于 0'],
      ['name', '必填'],
    ],
  );
});
