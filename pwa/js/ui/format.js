// Words and times for the grid worker's screens: codes of server/tasks/models.py as labels,
// due times relative to the phone's clock ("今天 17:00", "已逾期 2 天"), and any synced field's
// value as a person reads it (the conflict view shows both values of any field).
import { getLocale, hasKey, t } from '../i18n.js';
import { CHECKLIST_ANSWERS, doneLate, OPEN_STATUSES, startOfDay } from '../tasks.js';

/** The catalog's label for a code ("task.type.visit" → 入户走访), or the code itself if unknown. */
export function codeLabel(prefix, code) {
  if (code === null || code === undefined || code === '') return '';
  const key = `${prefix}.${code}`;
  return hasKey(key) ? t(key) : String(code);
}

export const typeLabel = (type) => codeLabel('task.type', type);
export const priorityLabel = (priority) => codeLabel('task.priority', priority);
export const statusLabel = (status) => codeLabel('task.status', status ?? 'assigned');
/** A task's status as shown: 逾期完成 for one done after its deadline, else its status's label. */
export const taskStatusLabel = (task) => (doneLate(task) ? t('task.done_late') : statusLabel(task?.status));
/** The chip's modifier: done_late, else the status. */
export const taskStatusClass = (task) => (doneLate(task) ? 'done_late' : (task?.status ?? 'assigned'));
export const outcomeLabel = (outcome) => codeLabel('task.outcome', outcome);
export const answerLabel = (answer) => codeLabel('checklist.answer', answer);
export const categoryLabel = (category) => codeLabel('report.category', category);

/** What a task's history entry records: 派发任务, the new status, or 改派 (a reassignment alone). */
export function historyLabel(entry) {
  if (entry.from == null && entry.to === 'assigned') return t('history.created');
  if ('assignee_to' in entry && entry.from === entry.to) return t('history.reassigned');
  return statusLabel(entry.to);
}

// A time without an offset comes from the server, which keeps UTC: read it as UTC, never as
// the phone's local time (JavaScript would).
const NO_OFFSET = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/;

const parse = (iso) => {
  if (!iso) return null;
  const ms = Date.parse(NO_OFFSET.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(ms) ? null : new Date(ms);
};

const clock = (date) =>
  new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
const dayMonth = (date, now) =>
  new Intl.DateTimeFormat(getLocale(), {
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}),
  }).format(date);

/** "今天 17:00", "明天 09:00", "昨天 18:00", else "11月28日周五 17:00" (by the phone's calendar). */
export function dayAndTime(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return '';
  const days = Math.round((startOfDay(date) - startOfDay(now)) / 86400000);
  const day =
    days === 0
      ? t('time.today')
      : days === 1
        ? t('time.tomorrow')
        : days === -1
          ? t('time.yesterday')
          : dayMonth(date, now);
  return `${day} ${clock(date)}`;
}

/** A full time for records and history: "2026年11月27日 09:14". */
export function dateTime(iso) {
  const date = parse(iso);
  if (!date) return '';
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(
    date,
  );
}

/**
 * The due line of a task row: {text, overdue}. Overdue ones say by how much ("已逾期 2 天",
 * "已逾期 3 小时"), others when ("今天 17:00 截止"); no due time: "无截止时间".
 */
export function dueText(task, now = new Date()) {
  const due = parse(task.due_at);
  if (!due) return { text: t('task.no_due'), overdue: false };
  const open = OPEN_STATUSES.includes(task.status ?? 'assigned');
  if (!open) {
    // Finished: when it was finished says more than when it was due.
    if (task.status === 'cancelled') return { text: t('task.status.cancelled'), overdue: false };
    if (task.finished_at)
      return { text: t('task.finished_on', { when: dayAndTime(task.finished_at, now) }), overdue: false };
  }
  if (open && due < now) {
    const days = Math.round((startOfDay(now) - startOfDay(due)) / 86400000);
    if (days >= 1)
      return { text: t('task.overdue_days', { count: days, when: dayAndTime(task.due_at, now) }), overdue: true };
    const hours = Math.max(1, Math.floor((now - due) / 3600000));
    return { text: t('task.overdue_hours', { count: hours, when: dayAndTime(task.due_at, now) }), overdue: true };
  }
  return { text: t('task.due_at', { when: dayAndTime(task.due_at, now) }), overdue: false };
}

/** "已定位（精度约 12 米）", or why there is no position. */
export function locationText(location, status) {
  if (location && Number.isFinite(location.lat) && Number.isFinite(location.lng)) {
    return t('location.value', { accuracy: Math.round(location.accuracy ?? 0) });
  }
  if (status === 'denied') return t('location.saved_denied');
  if (status === 'unavailable') return t('location.saved_unavailable');
  return t('location.none');
}

/** "34.03570, 113.85230": the position itself, for whoever needs to find the place again. */
export function coordinatesText(location) {
  if (!location || !Number.isFinite(location.lat) || !Number.isFinite(location.lng)) return '';
  return t('location.coords', { lat: location.lat.toFixed(5), lng: location.lng.toFixed(5) });
}

/**
 * A field's name as the worker reads it, e.g. task.notes → 备注; a path into a field names the
 * field and the rest (inspection answers.env.clean → 检查结果 · env.clean).
 */
export function fieldLabel(entity, field) {
  for (const key of [`field.${entity}.${field}`, `field.${field}`]) if (hasKey(key)) return t(key);
  const dot = field.indexOf('.');
  if (dot > 0) {
    const head = fieldLabel(entity, field.slice(0, dot));
    if (head !== field.slice(0, dot)) return `${head} · ${field.slice(dot + 1)}`;
  }
  return field;
}

/** An entity's name (任务, 问题上报), or its code. */
export const entityLabel = (entity) => codeLabel('entity', entity);

/** Any synced field's value as text, for the conflict view and the history. */
export function valueText(entity, field, value) {
  if (value === null || value === undefined || value === '') return t('value.empty');
  switch (field) {
    case 'status':
      return entity === 'field_report' ? codeLabel('report.status', value) : statusLabel(value);
    case 'type':
      return typeLabel(value);
    case 'priority':
      return priorityLabel(value);
    case 'outcome':
      return outcomeLabel(value);
    case 'category':
      return categoryLabel(value);
    case 'location_status':
      return codeLabel('location.status', value);
    case 'location':
    case 'status_location':
      return [locationText(value, null), coordinatesText(value)].filter(Boolean).join('\n');
    case 'photos':
      return t('value.photos', { count: Array.isArray(value) ? value.length : 0 });
    case 'checklist_answers': {
      const counts = {};
      for (const answer of Object.values(value ?? {})) counts[answer] = (counts[answer] ?? 0) + 1;
      const parts = CHECKLIST_ANSWERS.filter((a) => counts[a]).map((a) => `${answerLabel(a)} ${counts[a]}`);
      return parts.length ? parts.join(' · ') : t('value.empty');
    }
    case 'checklist':
      return t('value.items', { count: Array.isArray(value) ? value.length : 0 });
    default:
      if (/_at$/.test(field)) return dateTime(value) || String(value);
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}
