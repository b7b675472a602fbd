// What a grid worker's taps write: each is one outbox entry (outbox.js), saved on the phone at
// once, shown at once and sent with the next sync. A worker writes only the status and report
// fields of a task (server/tasks/models.py); everything else is the admin's. Times are the
// device's clock with its offset (status_device_at, started_at, finished_at, reported_at).
import { positionFields } from './geo.js';
import { enqueue, localIsoTime } from './outbox.js';
import { CHECKLIST_ANSWERS } from './tasks.js';

/** The fields that record a status change: when (device clock) and where it happened. */
function statusChange(status, now, position) {
  const { location } = positionFields(position);
  return { status, status_device_at: localIsoTime(now), status_location: location };
}

/** 开始: assigned → in_progress. */
export function startFields({ now = new Date(), position } = {}) {
  return { ...statusChange('in_progress', now, position), started_at: localIsoTime(now) };
}

/**
 * 完成: in_progress → done, with the report. answers: {key: yes|no|na} of the task's checklist
 * (answers to keys not on it are dropped); photos: SHA-256 hashes in the order taken.
 */
export function completionFields(task, { outcome, notes = '', answers = {}, photos = [], position, now = new Date() }) {
  const keys = new Set((task.checklist ?? []).map((item) => item.key));
  const checklistAnswers = Object.fromEntries(
    Object.entries(answers).filter(([key, answer]) => keys.has(key) && CHECKLIST_ANSWERS.includes(answer)),
  );
  const fields = {
    ...statusChange('done', now, position),
    ...positionFields(position),
    outcome,
    checklist_answers: checklistAnswers,
    photos: [...new Set(photos)],
    finished_at: localIsoTime(now),
  };
  if (notes.trim() || task.notes) fields.notes = notes.trim();
  // Finished without a recorded start (e.g. the start came from another device): now is the start.
  if (!task.started_at) fields.started_at = fields.finished_at;
  return fields;
}

/** 无法完成: in_progress → unable; the reason is required (the server refuses it without one). */
export function unableFields({ reason, position, now = new Date() }) {
  return { ...statusChange('unable', now, position), unable_reason: reason.trim(), finished_at: localIsoTime(now) };
}

/** A problem found in the field (问题上报); status is the admin's, so it is not sent. */
export function reportFields({
  category,
  description,
  photos = [],
  position,
  gridId,
  buildingId = null,
  householdId = null,
  now = new Date(),
}) {
  const fields = {
    category,
    description: description.trim(),
    photos: [...new Set(photos)],
    ...positionFields(position),
    grid_id: Number(gridId),
    reported_at: localIsoTime(now),
  };
  if (buildingId !== null && buildingId !== '') fields.building_id = Number(buildingId);
  if (householdId !== null && householdId !== '') fields.household_id = Number(householdId);
  return fields;
}

/** Problems in a form, before anything is saved: {field: message key}. Empty when it may be saved. */
export function completionProblems(task, { outcome, answers = {} }) {
  const problems = {};
  if (!outcome) problems.outcome = 'complete.required_outcome';
  const missing = (task.checklist ?? []).filter((item) => !CHECKLIST_ANSWERS.includes(answers[item.key]));
  if (missing.length) problems.checklist = 'complete.required_checklist';
  return problems;
}

export function reportProblems({ category, description, gridId }) {
  const problems = {};
  if (!category) problems.category = 'report.required_category';
  if (!description?.trim()) problems.description = 'report.required_description';
  if (gridId === null || gridId === undefined || gridId === '') problems.grid = 'report.required_grid';
  return problems;
}

// The server records each status change with the when and where sent with it (history).
const STATUS_CHANGE = ['status_device_at', 'status_location'];

export const startTask = (id, options) =>
  enqueue({ entity: 'task', id, op: 'update', fields: startFields(options), always: STATUS_CHANGE });
export const completeTask = (task, id, form) =>
  enqueue({ entity: 'task', id, op: 'update', fields: completionFields(task, form), always: STATUS_CHANGE });
export const markUnable = (id, form) =>
  enqueue({ entity: 'task', id, op: 'update', fields: unableFields(form), always: STATUS_CHANGE });
export const createReport = (form) => enqueue({ entity: 'field_report', op: 'create', fields: reportFields(form) });
