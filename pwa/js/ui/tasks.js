// 我的任务: the grid worker's tasks from IndexedDB, in 已逾期 / 今天 / 即将到期 (and 已完成,
// folded), with filters by type and compound and a search over title, address and room. Drawn
// again whenever the local data changes (an edit, the server's answer, a pull: a new assignment
// appears without a reload) and every minute (a task due at 17:00 turns overdue at 17:00).
import { t } from '../i18n.js';
import { compoundName, describePlace, placeLine } from '../places.js';
import { loadMyTasks } from '../task-data.js';
import { filterChoices, filterTasks, GROUPS, groupTasks, OPEN_STATUSES } from '../tasks.js';
import { h } from './dom.js';
import { dueText, priorityLabel, taskStatusClass, taskStatusLabel, typeLabel } from './format.js';
import { firstScreenDrawn } from './ready.js';
import { budgetOf, drawSliced } from './sliced.js';
import { watchLocalData } from './watch.js';

// Kept while the app is open: back from a task, the list is as the worker left it.
const view = { type: '', compoundId: '', query: '', doneOpen: false };
// Opening the app draws the groups with their counts and a screenful of rows at once; the other
// rows follow in slices between frames (ui/sliced.js).

/** The chips every row and the detail share: pending sync, refused, local-only. */
export function syncBadges(item) {
  return [
    item.rejected
      ? h('span', { class: 'badge badge--refused', 'data-testid': 'badge-refused', text: t('badge.refused') })
      : null,
    item.pending
      ? h('span', { class: 'badge badge--pending', 'data-testid': 'badge-pending', text: t('badge.pending') })
      : null,
  ];
}

export function typeChip(type) {
  return h('span', { class: `chip chip--type chip--${type ?? 'other'}`, text: typeLabel(type ?? 'other') });
}

export function priorityChip(priority) {
  if (priority !== 'high' && priority !== 'urgent') return null; // normal and low need no shouting
  return h('span', { class: `chip chip--${priority}`, text: priorityLabel(priority) });
}

function taskRow(item, places, now) {
  const { task } = item;
  const due = dueText(task, now);
  const inProgress = task.status === 'in_progress';
  return h(
    'li',
    { class: 'task-row' },
    h(
      'a',
      {
        class: 'task-row__link',
        href: `#/tasks/${encodeURIComponent(item.id)}`,
        'data-testid': 'task-row',
        'data-id': item.id,
        'data-status': task.status ?? 'assigned',
      },
      h(
        'span',
        { class: 'task-row__chips' },
        typeChip(task.type),
        priorityChip(task.priority),
        inProgress || !OPEN_STATUSES.includes(task.status ?? 'assigned')
          ? h('span', {
              class: `chip chip--status chip--status-${taskStatusClass(task)}`,
              'data-testid': 'task-row-status',
              text: taskStatusLabel(task),
            })
          : null,
        syncBadges(item),
      ),
      h('span', { class: 'task-row__title', text: task.title ?? '' }),
      h('span', { class: 'task-row__place', text: placeLine(task, places) }),
      h('span', { class: `task-row__due${due.overdue ? ' task-row__due--overdue' : ''}`, text: due.text }),
    ),
  );
}

/** A group: its title, its count of all items, and an empty list for their rows (ui/sliced.js). */
function section(name, items) {
  const list = h('ul', { class: 'task-list' });
  const title = t(`tasks.group.${name}`);
  if (name === 'done') {
    // Folded: the day's work is above; what is finished is one tap away.
    const details = h(
      'details',
      { class: 'task-section task-section--done', 'data-testid': 'section-done', open: view.doneOpen },
      h(
        'summary',
        { class: 'task-section__summary' },
        h('span', { text: title }),
        h('span', { class: 'count', text: String(items.length) }),
      ),
      list,
    );
    details.addEventListener('toggle', () => {
      view.doneOpen = details.open;
    });
    return { node: details, list };
  }
  const node = h(
    'section',
    { class: `task-section task-section--${name}`, 'data-testid': `section-${name}` },
    h(
      'h3',
      { class: 'task-section__title' },
      h('span', { text: title }),
      h('span', { class: 'count', text: String(items.length) }),
    ),
    list,
  );
  return { node, list };
}

function select({ label, testid, value, options, onChange }) {
  const el = h(
    'select',
    { class: 'field__input filter__select', 'aria-label': label, 'data-testid': testid },
    options.map((option) =>
      h('option', { value: option.value, selected: String(option.value) === String(value), text: option.label }),
    ),
  );
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

/** The "我的任务" part of the grid worker's home: filters, search and the grouped list. */
export function myTasksSection({ me, settle = null }) {
  const userId = me.user.id;
  const filters = h('div', { class: 'filters' });
  const body = h('div', { class: 'task-groups', 'aria-live': 'polite' });
  const summary = h('span', { class: 'count', 'data-testid': 'tasks-open-count' });
  const search = h('input', {
    type: 'search',
    class: 'field__input search',
    'data-testid': 'task-search',
    value: view.query,
    enterkeyhint: 'search',
    placeholder: t('tasks.search_placeholder'),
    'aria-label': t('tasks.search_label'),
  });
  search.addEventListener('input', () => {
    view.query = search.value;
    draw();
  });
  const root = h(
    'section',
    { class: 'tasks', 'data-testid': 'my-tasks', 'aria-labelledby': 'my-tasks-title' },
    h('h2', { class: 'section-title', id: 'my-tasks-title' }, h('span', { text: t('tasks.title') }), summary),
    // 地图: only where the deployment has a tile server (/api/me's map, PROTOCOL.md §22).
    me.map?.tile_url
      ? h('a', { class: 'btn btn--ghost tasks__map', href: '#/map', 'data-testid': 'tasks-map', text: t('map.open') })
      : null,
    search,
    filters,
    body,
  );
  let loaded = null;
  let drawn = 0; // draws so far: a slice of an older draw stops

  function drawFilters() {
    // Nothing to search or filter yet: the controls would only be in the way.
    search.hidden = filters.hidden = !loaded.items.length;
    const { types, compoundIds } = filterChoices(loaded.items);
    // A choice that no longer finds anything (the last such task went) is dropped.
    if (view.type && !types.includes(view.type)) view.type = '';
    if (view.compoundId && !compoundIds.map(String).includes(String(view.compoundId))) view.compoundId = '';
    filters.replaceChildren(
      select({
        label: t('tasks.filter_type'),
        testid: 'filter-type',
        value: view.type,
        options: [
          { value: '', label: t('tasks.all_types') },
          ...types.map((type) => ({ value: type, label: typeLabel(type) })),
        ],
        onChange: (value) => {
          view.type = value;
          draw();
        },
      }),
      select({
        label: t('tasks.filter_compound'),
        testid: 'filter-compound',
        value: view.compoundId,
        options: [
          { value: '', label: t('tasks.all_compounds') },
          ...compoundIds.map((id) => ({ value: String(id), label: compoundName(id, loaded.places) })),
        ],
        onChange: (value) => {
          view.compoundId = value;
          draw();
        },
      }),
    );
  }

  function draw() {
    if (!loaded) return;
    const now = new Date();
    const placeOf = (task) => describePlace(task, loaded.places);
    const shown = filterTasks(loaded.items, view, placeOf);
    const groups = groupTasks(shown, now);
    const open = groups.overdue.length + groups.today.length + groups.upcoming.length;
    summary.textContent = t('tasks.open_count', { count: open });
    const filtered = view.type || view.compoundId || view.query.trim();
    const budget = budgetOf(body, '.task-row');
    const row = (item) => taskRow(item, loaded.places, now);
    const sections = GROUPS.filter((name) => groups[name].length).map((name) => ({
      ...section(name, groups[name]),
      items: groups[name],
      row,
    }));
    const parts = sections.map((part) => part.node);
    if (!loaded.items.length)
      parts.push(h('p', { class: 'empty', 'data-testid': 'tasks-empty', text: t('tasks.none') }));
    else if (!shown.length)
      parts.push(h('p', { class: 'empty', 'data-testid': 'tasks-empty', text: t('tasks.none_matching') }));
    else if (!open && !filtered) parts.unshift(h('p', { class: 'empty empty--good', text: t('tasks.all_done') }));
    body.replaceChildren(...parts);
    body.dataset.rows = 'partial';
    const generation = ++drawn;
    drawSliced(sections, budget, {
      current: () => generation === drawn && root.isConnected, // drawn again since, or left
      done: () => {
        body.dataset.rows = 'all';
        performance.mark('redgrid:tasks-all');
      },
    });
  }

  async function reload() {
    loaded = await loadMyTasks(userId);
    performance.mark('redgrid:tasks-read');
    drawFilters();
    draw();
    performance.mark('redgrid:tasks-drawn');
    firstScreenDrawn();
  }

  body.append(h('p', { class: 'muted', text: t('app.loading') }));
  const first = reload().catch((err) => {
    console.error('could not read the tasks', err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
    firstScreenDrawn();
  });
  settle?.after(first, { node: root });
  watchLocalData(root, reload, { everyMs: 60000 });
  return root;
}
