// What a steward's and a property company's taps write: each is one outbox entry (outbox.js),
// saved on the phone at once, shown at once and sent with the next sync (DESIGN.md S2). Times
// are the device's clock with its offset; positions as geo.js gives them. Field names are
// server/inspections/models.py's; the server stamps the rest (score, orders, submitted_at).
import { positionFields } from './geo.js';
import { enqueue, localIsoTime } from './outbox.js';

/** start_* or finish_* fields of a position: where and when the steward began or ended. */
function placeAndTime(prefix, position, now) {
  const { location, location_status: status } = positionFields(position);
  return {
    [`${prefix}ed_at`]: localIsoTime(now),
    [`${prefix}_location`]: location,
    [`${prefix}_location_status`]: status,
  };
}

/** 开始检查: planned → in_progress, with the time and the GPS fix (or why there is none). */
export function startFields({ position, now = new Date() } = {}) {
  return { status: 'in_progress', ...placeAndTime('start', position, now) };
}

/**
 * An ad-hoc inspection (临时检查) of one of the steward's compounds, made on the phone with the
 * latest published template it keeps, started at once.
 */
export function adhocFields({ compoundId, templateId, position, now = new Date() }) {
  return {
    compound_id: Number(compoundId),
    template_id: Number(templateId),
    kind: 'adhoc',
    answers: {},
    ...startFields({ position, now }),
  };
}

/** 提交: in_progress → submitted, with the finish time and fix; the server scores it. */
export function submitFields({ position, now = new Date() } = {}) {
  return { status: 'submitted', ...placeAndTime('finish', position, now) };
}

/** The company's answer to an order (整改回复): text and evidence photos. */
export function responseFields({ text, photos = [], now = new Date() }) {
  return {
    status: 'responded',
    response_text: text.trim(),
    response_photos: [...new Set(photos)],
    responded_at: localIsoTime(now),
  };
}

/** The steward's re-inspection (复查): decision 'closed' or 'reopened', with a note and photos. */
export function reviewFields({ decision, note = '', photos = [], now = new Date() }) {
  return {
    status: decision,
    review_note: note.trim(),
    review_photos: [...new Set(photos)],
    reviewed_at: localIsoTime(now),
  };
}

const INSPECTION = 'inspection';
const ORDER = 'rectification_order';

export const createAdhocInspection = (form) => enqueue({ entity: INSPECTION, op: 'create', fields: adhocFields(form) });
export const startInspection = (id, options) =>
  enqueue({ entity: INSPECTION, id, op: 'update', fields: startFields(options) });
/** One item answered, its note or photos changed: only `answers` is sent (changed fields only). */
export const saveAnswers = (id, answers) => enqueue({ entity: INSPECTION, id, op: 'update', fields: { answers } });
/** The inspection's overall note (总体意见). */
export const saveNotes = (id, notes) => enqueue({ entity: INSPECTION, id, op: 'update', fields: { notes } });
export const submitInspection = (id, options) =>
  enqueue({ entity: INSPECTION, id, op: 'update', fields: submitFields(options) });
export const respondToOrder = (id, form) => enqueue({ entity: ORDER, id, op: 'update', fields: responseFields(form) });
export const reviewOrder = (id, form) => enqueue({ entity: ORDER, id, op: 'update', fields: reviewFields(form) });
