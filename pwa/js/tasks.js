// The grid worker's task list, without a DOM (DESIGN.md S1): which tasks are "mine", how they
// fall into 已逾期 / 今天 / 即将到期 / 已完成 by their due time and the phone's own clock, and
// the filters and search of the list. Field names and codes are server/tasks/models.py's.

import { TASKS } from './constants.js';

// Types: 入户走访, 信息核实, 隐患排查, 通知送达, 诉求跟进, 代办服务, 其他. Outcomes: 正常, 发现问题,
// 需后续跟进. Checklist answers: 是, 否, 不适用. Report categories: 环境卫生, 安全隐患, 设施损坏,
// 矛盾纠纷, 违章搭建, 困难帮扶, 其他.
export const { TYPES: TASK_TYPES, PRIORITIES, OPEN_STATUSES, OUTCOMES, CHECKLIST_ANSWERS, REPORT_CATEGORIES } = TASKS;
export const CLOSED_STATUSES = TASKS.STATUSES.filter((status) => !OPEN_STATUSES.includes(status));
export const GROUPS = ['overdue', 'today', 'upcoming', 'done'];

const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

/** Local midnight of the day `date` falls on, by the phone's clock and time zone. */
export function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** Local midnight `days` calendar days after `date`'s (DST-safe: by the calendar, not 24 h steps). */
export function addDays(date, days) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

const time = (iso) => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

/**
 * Where a task goes on the list at `now`: finished ones (done, unable, cancelled) under 'done';
 * open ones due before now 'overdue', due later today 'today', later or with no due time 'upcoming'.
 */
export function dueGroup(task, now = new Date()) {
  if (!OPEN_STATUSES.includes(task.status ?? 'assigned')) return 'done';
  const due = time(task.due_at);
  if (due === null) return 'upcoming';
  if (due < now.getTime()) return 'overdue';
  if (due < addDays(now, 1).getTime()) return 'today';
  return 'upcoming';
}

/**
 * 逾期完成: done, and finished (the worker's phone time) after its deadline. The server counts
 * these by the same rule in its progress figures (server/tasks/views.py _done_late).
 */
export function doneLate(task) {
  const [due, finished] = [time(task?.due_at), time(task?.finished_at)];
  return task?.status === 'done' && due !== null && finished !== null && finished > due;
}

/** Earliest due first (no due time last), then the more urgent first, then by title. */
function byDue(a, b) {
  const [da, db] = [time(a.task.due_at), time(b.task.due_at)];
  if (da !== db) return da === null ? 1 : db === null ? -1 : da - db;
  return byPriorityThenTitle(a, b);
}

function byPriorityThenTitle(a, b) {
  const rank = (item) => PRIORITY_RANK[item.task.priority] ?? PRIORITY_RANK.normal;
  return (
    rank(a) - rank(b) ||
    String(a.task.title ?? '').localeCompare(String(b.task.title ?? ''), 'zh-CN') ||
    a.id.localeCompare(b.id)
  );
}

/** Most recently finished first: what the worker just did is at the top. */
function byFinished(a, b) {
  const when = (item) => time(item.task.finished_at) ?? time(item.task.status_device_at) ?? 0;
  return when(b) - when(a) || byPriorityThenTitle(a, b);
}

/**
 * Items ({id, task, …}) in the four groups, each sorted: {overdue, today, upcoming, done}.
 * `now` is the phone's clock: a task due at 17:00 is "today" until 17:00, then "overdue".
 */
export function groupTasks(items, now = new Date()) {
  const groups = Object.fromEntries(GROUPS.map((name) => [name, []]));
  for (const item of items) groups[dueGroup(item.task, now)].push(item);
  for (const name of ['overdue', 'today', 'upcoming']) groups[name].sort(byDue);
  groups.done.sort(byFinished);
  return groups;
}

/**
 * The tasks on "my" list: assigned to me, plus any with edits of mine not yet confirmed (so work
 * done offline never drops out of sight, e.g. when an admin reassigns it meanwhile).
 * records: local records (db.js) of entity 'task'; unconfirmed: Set of ids with outbox entries.
 */
export function myTasks(records, userId, unconfirmed = new Set()) {
  return records.filter(
    (record) => !record.deleted && (record.data?.assignee_id === userId || unconfirmed.has(record.id)),
  );
}

/** Lower-case text a search looks through: title, the address (compound, building, room) and the room alone. */
export function searchText(task, place = {}) {
  return [task.title, place.compound, place.building, place.household, place.room, task.description]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

/**
 * Filters by type, compound and a free-text query (every word must appear: "3号楼 201").
 * filters: {type, compoundId, query}; placeOf(task) → {compound, building, household, room}.
 */
export function filterTasks(items, { type = '', compoundId = '', query = '' } = {}, placeOf = () => ({})) {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter(({ task }) => {
    if (type && task.type !== type) return false;
    if (compoundId !== '' && compoundId !== null && String(task.compound_id ?? '') !== String(compoundId)) return false;
    if (!words.length) return true;
    const text = searchText(task, placeOf(task));
    return words.every((word) => text.includes(word));
  });
}

/** The types and compound ids present among the items, for the filter menus (only choices that find something). */
export function filterChoices(items) {
  const types = TASK_TYPES.filter((type) => items.some(({ task }) => task.type === type));
  const compoundIds = [
    ...new Set(items.map(({ task }) => task.compound_id).filter((id) => id !== undefined && id !== null)),
  ].sort((a, b) => Number(a) - Number(b));
  return { types, compoundIds };
}

/**
 * What the worker may do next, by status: assigned → in_progress → done | unable, and a task
 * done at once (a notice handed over) may skip the start (server/tasks/rules.py WORKER_MOVES).
 */
export function actionsFor(task) {
  if ((task.status ?? 'assigned') === 'assigned') return ['start', 'complete', 'unable'];
  if (task.status === 'in_progress') return ['complete', 'unable'];
  return [];
}
