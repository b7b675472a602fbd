// The admin's side of grid work without a DOM (DESIGN.md §1 admin, S1, S4): who is an admin and
// of which org units, what a task list query asks the server, progress figures per grid, what
// an admin may do to a task in each status (server/tasks/rules.py ADMIN_MOVES), the due time of
// a form as an instant, and a throttle so live redraws fetch at most once a second.
// Authorization stays the server's: this only decides what to offer.
import { TASKS } from './constants.js';
import { OPEN_STATUSES, TASK_TYPES } from './tasks.js';

export const { STATUSES: TASK_STATUSES, TARGET_KINDS, BULK_TARGET_KINDS: BULK_KINDS } = TASKS;
export const REPORT_FILTERS = [...TASKS.REPORT_STATUSES, 'handled', 'all']; // handled: converted or dismissed
// Org units a bulk creation may cover: one task per target below them (server/tasks/service.py).
export const BULK_UNIT_KINDS = ['city', 'district', 'street', 'community'];
export const LIVE_GAP_MS = 1000;
// "{target}" in a bulk title becomes each target's name on the server (TaskBulkSchema).
export const TARGET_TOKEN = '{target}';

/** The admin role assignments of /api/me as org units: [{id, name, path}] (none: not an admin). */
export function adminUnits(me) {
  return (me?.roles ?? [])
    .filter((role) => role.role === 'admin' && role.scope_type === 'org_unit')
    .map((role) => ({ id: role.scope_id, name: role.scope_name, path: role.scope_path ?? [] }));
}

export const isAdmin = (me) => adminUnits(me).length > 0;

/**
 * The query string of GET /api/tasks for the list's filters: {status, type, gridId, overdue,
 * q, batchId}; empty ones are left out.
 */
export function taskListQuery(filters = {}, { page = 1, perPage = 50 } = {}) {
  const params = taskFilterParams(filters);
  params.set('page', String(page));
  params.set('per_page', String(perPage));
  return params.toString();
}

/** The workbook of the task list as filtered (GET /api/tasks/export.xlsx, PROTOCOL.md §24): a plain link. */
export const taskExportUrl = (filters = {}) => `/api/tasks/export.xlsx?${taskFilterParams(filters)}`;

/**
 * GET /api/field-reports's query for the filters shown: status, a grid (gridId) or a unit's subtree
 * (unitId), a dashboard's period (PROTOCOL.md §26.1); its workbook takes the same.
 */
export function reportFilterParams({ status = 'new', gridId = '', unitId = '', period = '' } = {}) {
  const params = new URLSearchParams({ status });
  if (gridId) params.set('grid_id', String(gridId));
  if (unitId) params.set('org_unit_id', String(unitId));
  if (period) params.set('period', period);
  return params;
}

/** The field reports' workbook for the filters shown (GET /api/field-reports/export.xlsx). */
export const reportExportUrl = (filters = {}) => `/api/field-reports/export.xlsx?${reportFilterParams(filters)}`;

function taskFilterParams(filters) {
  const params = new URLSearchParams();
  if (TASK_STATUSES.includes(filters.status)) params.set('status', filters.status);
  if (filters.status === 'open') params.set('open', 'true'); // assigned or in progress (a dashboard's 未完成)
  if (filters.unitId) params.set('org_unit_id', String(filters.unitId));
  if (TASK_TYPES.includes(filters.type)) params.set('type', filters.type);
  if (filters.gridId) params.set('grid_id', String(filters.gridId));
  if (filters.overdue) params.set('overdue', 'true');
  const q = (filters.q ?? '').trim().slice(0, 40);
  if (q) params.set('q', q);
  if (filters.batchId) params.set('batch_id', filters.batchId);
  // A dashboard's period (PROTOCOL.md §26.1): given out in it (its 下派), finished in it (its 完成).
  if (filters.createdIn) params.set('created_in', filters.createdIn);
  if (filters.finishedIn) params.set('finished_in', filters.finishedIn);
  return params;
}

/**
 * Figures of a progress row (GET /api/tasks/progress, totals or a grid): {total, open, done,
 * closed, percent}. Cancelled tasks are no work to do: they count neither way; percent is done
 * of the rest, rounded down (100 only when everything is done), null with nothing to do.
 */
export function progressFigures(row = {}) {
  const n = (key) => Number(row[key] ?? 0);
  const counted = n('total') - n('cancelled');
  const open = n('assigned') + n('in_progress');
  const percent = counted > 0 ? Math.floor((n('done') * 100) / counted) : null;
  return {
    total: n('total'),
    counted,
    open,
    done: n('done'),
    unable: n('unable'),
    overdue: n('overdue'),
    unassigned: n('unassigned'),
    doneLate: n('done_late'),
    percent,
  };
}

/**
 * What an admin may do to a task now (server/tasks/rules.py ADMIN_MOVES): edit and reassign
 * while it is open, cancel what is not done or cancelled, reopen what is finished.
 */
export function adminActionsFor(task) {
  const status = task?.status ?? 'assigned';
  const actions = [];
  if (OPEN_STATUSES.includes(status)) actions.push('edit', 'reassign');
  if (['assigned', 'in_progress', 'unable'].includes(status)) actions.push('cancel');
  if (['cancelled', 'unable', 'done'].includes(status)) actions.push('reopen');
  return actions;
}

/** True when the worker's report has anything in it (a cancelled task may still carry work: S4). */
export function hasReport(task) {
  if (!task) return false;
  return (
    ['outcome', 'notes', 'unable_reason', 'finished_at', 'location_status'].some(
      (key) => task[key] != null && task[key] !== '',
    ) ||
    (task.photos ?? []).length > 0 ||
    Object.keys(task.checklist_answers ?? {}).length > 0
  );
}

const pad = (n) => String(n).padStart(2, '0');

/** An <input type="datetime-local"> value (the device's local time) as an instant; null when empty or invalid. */
export function localInputToIso(value) {
  if (!value) return null;
  const date = new Date(value); // "2026-11-28T17:00" without an offset is local time
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An instant as a datetime-local value in the device's time zone ("" for none). */
export function isoToLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(/T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso);
  if (Number.isNaN(date.getTime())) return '';
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Quick due times for a form, by the device's calendar: today 18:00 (when still ahead), tomorrow
 * 18:00, in 3 days and in 7 days at 18:00. [{key, value}] with datetime-local values.
 */
export function dueShortcuts(now = new Date()) {
  const at = (days) => new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, 18, 0);
  const local = (date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T18:00`;
  const out = [];
  if (at(0) > now) out.push({ key: 'today', value: local(at(0)) });
  out.push(
    { key: 'tomorrow', value: local(at(1)) },
    { key: 'days3', value: local(at(3)) },
    { key: 'week', value: local(at(7)) },
  );
  return out;
}

/** The bulk title sent to the server: each target's name in front when asked ("{target} 消防器材检查"). */
export function bulkTitle(title, withName) {
  const text = (title ?? '').trim();
  if (!withName || text.includes(TARGET_TOKEN)) return text;
  return `${TARGET_TOKEN} ${text}`;
}

/** The bulk title as one target will read it, for the form's example line. */
export function bulkTitleExample(title, withName, name) {
  return bulkTitle(title, withName).split(TARGET_TOKEN).join(name);
}

/**
 * The org units a bulk creation may cover, from the admin's units down to communities, in tree
 * order: [{id, name, kind, depth}]. children(id) → Promise of the unit's children (GET
 * /api/org/units?parent_id=); stops at `limit` units.
 */
export async function bulkUnits(roots, children, { limit = 300 } = {}) {
  const out = [];
  async function walk(unit, depth) {
    if (out.length >= limit || !BULK_UNIT_KINDS.includes(unit.kind)) return;
    out.push({ id: unit.id, name: unit.name, kind: unit.kind, depth });
    if (unit.kind === 'community') return;
    for (const child of await children(unit.id)) await walk(child, depth + 1);
  }
  for (const root of roots) await walk(root, 0);
  return out;
}

/**
 * Calls run() on schedule(), at most once per gapMs and never twice at once: the first call
 * runs at once, later ones within the gap collapse into one run at its end. For redraws that
 * fetch from the server when a sync poke brings many changes in a row. clock: {now,
 * setTimeout, clearTimeout} for tests. schedule.cancel() stops a pending run.
 */
export function throttle(run, gapMs = LIVE_GAP_MS, clock = globalThis) {
  const now = () => (clock.now ? clock.now() : Date.now());
  let last = -Infinity;
  let timer = null;
  let running = false;
  let again = false;

  async function fire() {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    last = now();
    try {
      await run();
    } catch (err) {
      console.warn('live refresh failed', err);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      schedule();
    }
  }

  function schedule() {
    if (running) {
      again = true;
      return;
    }
    if (timer !== null) return;
    timer = clock.setTimeout(fire, Math.max(0, last + gapMs - now()));
  }
  schedule.cancel = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    again = false;
  };
  return schedule;
}
