// 任务管理 (#/admin/tasks): the admin's live view of grid work in their jurisdiction — progress
// per grid (GET /api/tasks/progress: counts per status, done %, overdue) and the tasks
// themselves (GET /api/tasks) with filters by status, type, grid and overdue. Both are fetched
// again when the admin's sync pulls task changes (a worker synced: the server poked the admin's
// org rooms), at most once a second, so the figures move without a reload (DESIGN.md S1).
import { adminUnits, progressFigures, TASK_STATUSES, taskExportUrl } from '../admin.js';
import { adminSession, loadProgress, loadTasks } from '../admin-data.js';
import { getLocale, t } from '../i18n.js';
import { TASK_TYPES } from '../tasks.js';
import {
  adminFrame,
  countPill,
  errorText,
  exportLink as makeExportLink,
  placeText,
  taskStatusChip,
  watchServer,
} from './admin-common.js';
import { h } from './dom.js';
import { filterChips, periodText } from './filter-chips.js';
import { dueText, typeLabel } from './format.js';
import { priorityChip, typeChip } from './tasks.js';

const PAGE = 50;
// Kept while the app is open: back from a task, the list is as the admin left it.
const view = {
  userId: null,
  status: '',
  type: '',
  gridId: '',
  unitId: '',
  overdue: false,
  q: '',
  batchId: '',
  createdIn: '', // a dashboard's period (PROTOCOL.md §26.1)
  finishedIn: '',
  pages: 1,
};

const timeOf = (iso) =>
  new Intl.DateTimeFormat(getLocale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso ?? Date.now()));

function percentText(figures) {
  return figures.percent === null
    ? t('admin.progress.no_tasks')
    : t('admin.progress.percent', { done: figures.done, of: figures.counted, percent: figures.percent });
}

function bar(figures, testid) {
  return h(
    'div',
    { class: 'progress-bar' },
    h('progress', {
      class: 'progress-bar__meter',
      max: 100,
      value: figures.percent ?? 0,
      'aria-label': percentText(figures),
    }),
    h('span', { class: 'progress-bar__text', 'data-testid': testid, text: percentText(figures) }),
  );
}

function totalsCard(totals) {
  const f = progressFigures(totals);
  const big = (key, label, value, testid, sub = null) =>
    h(
      'div',
      { class: `total total--${key}`, 'data-count': key },
      h('span', { class: 'total__value', 'data-testid': testid, text: String(value) }),
      h('span', { class: 'total__label', text: label }),
      sub,
    );
  // 逾期完成 is among the done: said under their figure, not as a figure of its own.
  const late = f.doneLate
    ? h('span', {
        class: 'total__sub',
        'data-testid': 'total-done-late',
        text: t('admin.progress.done_late_of', { count: f.doneLate }),
      })
    : null;
  return h(
    'div',
    { class: 'card totals', 'data-testid': 'progress-totals' },
    h(
      'div',
      { class: 'totals__grid' },
      big('total', t('admin.progress.total'), f.total, 'total-count'),
      big('open', t('admin.progress.open'), f.open, 'total-open'),
      big('done', t('task.status.done'), f.done, 'total-done', late),
      big('overdue', t('admin.progress.overdue'), f.overdue, 'total-overdue'),
    ),
    bar(f, 'total-percent'),
  );
}

function gridRow(grid, onShow) {
  const f = progressFigures(grid);
  const workers = grid.workers?.length ? grid.workers.map((worker) => worker.name).join('、') : null;
  return h(
    'li',
    {
      class: `grid-progress${f.overdue ? ' grid-progress--late' : ''}`,
      'data-testid': 'progress-grid',
      'data-grid-id': grid.grid_id,
    },
    h(
      'div',
      { class: 'grid-progress__head' },
      h('strong', { class: 'grid-progress__name', text: grid.grid_name }),
      h('span', {
        class: workers ? 'grid-progress__who' : 'grid-progress__who grid-progress__who--none',
        text: workers ?? t('admin.progress.no_worker'),
      }),
    ),
    bar(f, 'grid-percent'),
    h(
      'div',
      { class: 'pills' },
      countPill('assigned', t('task.status.assigned'), grid.assigned),
      countPill('in_progress', t('task.status.in_progress'), grid.in_progress),
      countPill('done', t('task.status.done'), grid.done),
      grid.done_late ? countPill('done_late', t('task.done_late'), grid.done_late) : null,
      grid.unable ? countPill('unable', t('task.status.unable'), grid.unable) : null,
      grid.overdue ? countPill('overdue', t('admin.progress.overdue'), grid.overdue, ' pill--alert') : null,
      grid.unassigned ? countPill('unassigned', t('admin.progress.unassigned'), grid.unassigned, ' pill--alert') : null,
      grid.cancelled ? countPill('cancelled', t('task.status.cancelled'), grid.cancelled) : null,
    ),
    h('button', {
      type: 'button',
      class: 'btn btn--ghost grid-progress__show',
      'data-testid': 'progress-show',
      onclick: () => onShow(grid.grid_id),
      text: t('admin.progress.show_tasks'),
    }),
  );
}

function progressList(grids, onShow) {
  if (!grids.length) return h('p', { class: 'empty', text: t('admin.progress.no_grids') });
  const communities = [...new Set(grids.map((g) => g.community_name))];
  if (communities.length < 2)
    return h(
      'ul',
      { class: 'grid-progress-list' },
      grids.map((g) => gridRow(g, onShow)),
    );
  // Several communities (a street's or district's admin): one heading each.
  return communities.map((name) =>
    h(
      'section',
      { class: 'community-progress' },
      h('h3', { class: 'community-progress__title', text: name }),
      h(
        'ul',
        { class: 'grid-progress-list' },
        grids.filter((g) => g.community_name === name).map((g) => gridRow(g, onShow)),
      ),
    ),
  );
}

function taskRow(task, now) {
  const due = dueText(task, now);
  const href = `#/admin/tasks/${encodeURIComponent(task.id)}`;
  return h(
    'tr',
    {
      class: `task-table__row${task.overdue ? ' task-table__row--late' : ''}`,
      'data-testid': 'admin-task-row',
      'data-id': task.id,
      'data-status': task.status,
    },
    h(
      'td',
      { class: 'task-table__task' },
      h('a', { class: 'task-table__link', href, 'data-testid': 'admin-task-open', text: task.title }),
      h('span', { class: 'task-row__chips' }, typeChip(task.type), priorityChip(task.priority)),
    ),
    h('td', { class: 'task-table__place', 'data-label': t('detail.place'), text: placeText(task) }),
    h(
      'td',
      { 'data-label': t('field.task.assignee_id') },
      task.assignee_id
        ? h('span', { text: task.assignee_name ?? '' })
        : h('span', { class: 'unassigned', text: t('admin.unassigned') }),
    ),
    h(
      'td',
      { 'data-label': t('field.task.status') },
      taskStatusChip(task, 'admin-task-status'),
      task.overdue ? h('span', { class: 'chip chip--urgent', text: t('admin.progress.overdue') }) : null,
    ),
    h('td', {
      class: `task-table__due${due.overdue ? ' task-row__due--overdue' : ''}`,
      'data-label': t('field.task.due_at'),
      text: due.text,
    }),
  );
}

function taskTable(items) {
  const now = new Date();
  return h(
    'table',
    { class: 'task-table', 'data-testid': 'admin-task-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          t('admin.list.task'),
          t('admin.list.place'),
          t('field.task.assignee_id'),
          t('field.task.status'),
          t('field.task.due_at'),
        ].map((label) => h('th', { scope: 'col', text: label })),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((task) => taskRow(task, now)),
    ),
  );
}

function select(label, testid, value, options, onChange) {
  const el = h(
    'select',
    { class: 'field__input filter__select', 'aria-label': label, 'data-testid': testid },
    options.map((o) =>
      h('option', { value: String(o.value), selected: String(o.value) === String(value), text: o.label }),
    ),
  );
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** The screen at #/admin/tasks (?batch=<id>: one bulk creation's tasks; ?grid=<id>: one grid's; ?unit=<id>:
 * an org subtree's; ?status=<status>, ?open=1, ?overdue=1 — the addresses a dashboard's figures link to). */
export function adminTasksScreen({ me, query }) {
  adminSession(me.user.id);
  if (view.userId !== me.user.id)
    Object.assign(view, {
      userId: me.user.id,
      status: '',
      type: '',
      gridId: '',
      unitId: '',
      overdue: false,
      q: '',
      batchId: '',
      createdIn: '',
      finishedIn: '',
      pages: 1,
    });
  if (['grid', 'unit', 'status', 'open', 'overdue', 'created', 'finished'].some((key) => query.has(key)))
    Object.assign(view, {
      gridId: query.get('grid') ?? '',
      unitId: query.get('unit') ?? '',
      status:
        query.get('open') === '1' ? 'open' : TASK_STATUSES.includes(query.get('status')) ? query.get('status') : '',
      overdue: query.get('overdue') === '1',
      createdIn: query.get('created') ?? '',
      finishedIn: query.get('finished') ?? '',
      type: '',
      q: '',
      batchId: '',
      pages: 1,
    });
  if (query.get('batch')) Object.assign(view, { batchId: query.get('batch'), pages: 1 });
  const units = adminUnits(me);
  const { screen, body } = adminFrame({
    testid: 'admin-tasks',
    title: t('admin.tasks.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const scopeLine = h('p', {
    class: 'muted admin-scope',
    text: t('admin.scope', { units: units.map((u) => u.name).join('、') }),
  });
  const actions = h(
    'div',
    { class: 'admin-actions' },
    h('a', {
      class: 'btn btn--primary',
      href: '#/admin/tasks/new',
      'data-testid': 'admin-new-task',
      text: t('admin.new.open'),
    }),
    h('a', {
      class: 'btn btn--secondary',
      href: '#/admin/tasks/bulk',
      'data-testid': 'admin-bulk-open',
      text: t('admin.bulk.open'),
    }),
    h('a', {
      class: 'btn btn--ghost',
      href: '#/admin/reports',
      'data-testid': 'admin-reports-link',
      text: t('admin.reports.title'),
    }),
    h('a', {
      class: 'btn btn--ghost',
      href: '#/sync',
      'data-testid': 'admin-conflicts-link',
      text: t('conflicts.title'),
    }),
  );
  const updated = h('p', { class: 'live-line', 'data-testid': 'progress-updated', 'aria-live': 'off' });
  const progressBody = h(
    'div',
    { class: 'progress-body', 'data-testid': 'progress', 'aria-busy': 'true' },
    h('p', { class: 'muted', text: t('app.loading') }),
  );
  const problem = h('p', { class: 'alert', role: 'alert', 'data-testid': 'admin-tasks-error' });
  const listTitle = h('h2', { class: 'section-title__text', id: 'admin-list-title', tabindex: '-1' });
  const listCount = h('span', { class: 'count', 'data-testid': 'admin-task-count' });
  const filters = h('div', { class: 'filters filters--admin', role: 'group', 'aria-label': t('admin.list.filters') });
  const batchNote = h('div', { class: 'batch-note', hidden: true });
  const chips = filterChips({ testid: 'tasks-filters' });
  const listBody = h('div', { class: 'admin-list', 'aria-live': 'polite' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--block',
    'data-testid': 'admin-more',
    hidden: true,
    text: t('admin.list.more'),
  });
  // 导出 Excel: a plain link to the workbook of the list as filtered now (the session cookie applies).
  const exportLink = makeExportLink({ testid: 'admin-tasks-export', href: taskExportUrl(view) });
  let grids = [];

  const search = h('input', {
    type: 'search',
    class: 'field__input search',
    'data-testid': 'admin-search',
    value: view.q,
    enterkeyhint: 'search',
    placeholder: t('admin.list.search'),
    'aria-label': t('admin.list.search'),
  });
  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      view.q = search.value;
      view.pages = 1;
      refresh();
    }, 300);
  });

  function drawChips() {
    const cleared = (changes) => () => {
      Object.assign(view, changes, { pages: 1 });
      drawFilters();
      refresh();
    };
    const period = (key, name, label) =>
      view[key] && { key: name, label: t(label), text: periodText(view[key]), onClear: cleared({ [key]: '' }) };
    chips.draw([
      view.unitId && { key: 'unit', unitId: view.unitId, onClear: cleared({ unitId: '' }) },
      view.gridId && { key: 'grid', unitId: view.gridId, onClear: cleared({ gridId: '' }) },
      period('createdIn', 'created', 'filter.created'),
      period('finishedIn', 'finished', 'filter.finished'),
    ]);
  }

  function drawFilters() {
    const overdue = h('button', {
      type: 'button',
      class: 'toggle',
      'aria-pressed': String(view.overdue),
      'data-testid': 'filter-overdue',
      text: t('admin.list.only_overdue'),
    });
    overdue.addEventListener('click', () => {
      view.overdue = !view.overdue;
      view.pages = 1;
      drawFilters();
      refresh();
    });
    const change = (key) => (value) => {
      view[key] = value;
      view.pages = 1;
      drawChips();
      refresh();
    };
    filters.replaceChildren(
      search,
      select(
        t('admin.list.filter_status'),
        'filter-status',
        view.status,
        [
          { value: '', label: t('admin.list.all_statuses') },
          { value: 'open', label: t('admin.progress.open') },
          ...TASK_STATUSES.map((s) => ({ value: s, label: t(`task.status.${s}`) })),
        ],
        change('status'),
      ),
      select(
        t('tasks.filter_type'),
        'filter-type',
        view.type,
        [
          { value: '', label: t('tasks.all_types') },
          ...TASK_TYPES.map((type) => ({ value: type, label: typeLabel(type) })),
        ],
        change('type'),
      ),
      select(
        t('admin.list.filter_grid'),
        'filter-grid',
        view.gridId,
        [
          { value: '', label: t('admin.list.all_grids') },
          ...grids.map((g) => ({ value: g.grid_id, label: g.grid_name })),
        ],
        change('gridId'),
      ),
      overdue,
    );
    drawChips();
    batchNote.hidden = !view.batchId;
    batchNote.replaceChildren(
      h('span', { text: t('admin.list.batch_only') }),
      h('button', {
        type: 'button',
        class: 'btn btn--ghost',
        'data-testid': 'batch-clear',
        text: t('admin.list.batch_clear'),
        onclick: () => {
          view.batchId = '';
          drawFilters();
          refresh();
        },
      }),
    );
  }

  function showGrid(gridId) {
    view.gridId = String(gridId);
    view.pages = 1;
    drawFilters();
    refresh().then(() => listTitle.focus());
    listTitle.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  async function refresh() {
    exportLink.href = taskExportUrl(view);
    try {
      const [progress, page] = await Promise.all([
        loadProgress({ batchId: view.batchId || undefined }),
        loadTasks(view, { page: 1, perPage: PAGE * view.pages }),
      ]);
      problem.textContent = '';
      const gridsChanged = grids.map((g) => g.grid_id).join() !== (progress.grids ?? []).map((g) => g.grid_id).join();
      grids = progress.grids ?? [];
      if (gridsChanged) drawFilters();
      progressBody.removeAttribute('aria-busy');
      progressBody.replaceChildren(totalsCard(progress.totals ?? {}), ...[progressList(grids, showGrid)].flat());
      updated.textContent = t('admin.progress.updated', { time: timeOf(progress.generated_at) });
      updated.dataset.generatedAt = progress.generated_at ?? '';
      const items = page.items ?? [];
      listCount.textContent = String(page.total ?? items.length);
      const filtered =
        view.status ||
        view.type ||
        view.gridId ||
        view.unitId ||
        view.overdue ||
        view.q.trim() ||
        view.batchId ||
        view.createdIn ||
        view.finishedIn;
      listBody.replaceChildren(
        items.length
          ? taskTable(items)
          : h('p', {
              class: 'empty',
              'data-testid': 'admin-tasks-empty',
              text: t(filtered ? 'admin.list.none_matching' : 'admin.list.none'),
            }),
      );
      more.hidden = items.length >= (page.total ?? 0);
    } catch (err) {
      problem.textContent = errorText(err);
    }
  }

  more.addEventListener('click', () => {
    view.pages += 1;
    refresh();
  });
  listTitle.textContent = t('admin.list.title');
  drawFilters();
  body.replaceChildren(
    scopeLine,
    actions,
    problem,
    h(
      'section',
      { class: 'admin-section', 'aria-labelledby': 'admin-progress-title' },
      h(
        'div',
        { class: 'section-title' },
        h('h2', { class: 'section-title__text', id: 'admin-progress-title', text: t('admin.progress.title') }),
        updated,
      ),
      progressBody,
    ),
    h(
      'section',
      { class: 'admin-section', 'aria-labelledby': 'admin-list-title' },
      h('div', { class: 'section-title' }, listTitle, listCount),
      batchNote,
      chips,
      filters,
      h('div', { class: 'admin-actions' }, exportLink),
      listBody,
      more,
    ),
  );
  refresh();
  watchServer(screen, refresh, { entities: ['task'] });
  return screen;
}
