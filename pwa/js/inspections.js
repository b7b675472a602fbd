// Red steward inspections and rectification orders without a DOM (DESIGN.md S2): which
// inspections are "mine" and how they fall into 待检查 / 进行中 / 已提交, the items of a template
// version, the progress of a form, what stops a submission before it leaves the phone, and the
// orders of a property company by deadline (overdue first). Field names and codes are
// server/inspections/models.py's.

import { INSPECTIONS } from './constants.js';

// Item results: 合格, 不合格, 不适用. Severities: 严重, 较重, 一般. At most MAX_ITEM_PHOTOS photos an
// item (PROTOCOL.md §12.1).
export const { ITEM_RESULTS, SEVERITIES, MAX_ITEM_PHOTOS } = INSPECTIONS;
export const INSPECTION_GROUPS = INSPECTIONS.STATUSES; // one group per status
export const ORDER_GROUPS = ['overdue', 'open', 'responded', 'closed'];
const ORDER_OPEN = ['open', 'reopened']; // the company's turn
const SEVERITY_RANK = { critical: 0, major: 1, minor: 2 };

const time = (iso) => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

/** Earliest first, none last; items carry their fields under `key` (inspection, order). */
const byTime = (key, field) => (a, b) => {
  const [ta, tb] = [time(a[key][field]), time(b[key][field])];
  if (ta === tb) return a.id.localeCompare(b.id);
  return ta === null ? 1 : tb === null ? -1 : ta - tb;
};

/** The compounds a user inspects ([{id, name}]) from the red_steward roles of /api/me. */
export function stewardCompounds(me) {
  return (me?.roles ?? [])
    .filter((r) => r.role === 'red_steward' && r.scope_type === 'compound')
    .map((r) => ({ id: r.scope_id, name: r.scope_name }));
}

/** The property companies a user works for ([{id, name}]), from the property_staff roles. */
export function staffCompanies(me) {
  return (me?.roles ?? [])
    .filter((r) => r.role === 'property_staff')
    .map((r) => ({ id: r.scope_id, name: r.scope_name }));
}

export const hasRole = (me, role) => (me?.roles ?? []).some((r) => r.role === role);

/**
 * The inspections on "my" list: for me or for no steward in particular (the compound's), and any
 * with edits of mine not yet confirmed. records: local records of entity 'inspection'.
 */
export function myInspections(records, userId, unconfirmed = new Set()) {
  return records.filter(
    (record) =>
      !record.deleted &&
      (record.data?.steward_id == null || record.data.steward_id === userId || unconfirmed.has(record.id)),
  );
}

/**
 * Items ({id, inspection: its fields, …}) in {planned, in_progress, submitted}:
 * planned by due time, in progress by start, submitted newest first.
 */
export function groupInspections(items) {
  const groups = Object.fromEntries(INSPECTION_GROUPS.map((name) => [name, []]));
  for (const item of items) {
    const status = INSPECTION_GROUPS.includes(item.inspection.status) ? item.inspection.status : 'planned';
    groups[status].push(item);
  }
  groups.planned.sort(byTime('inspection', 'due_at'));
  groups.in_progress.sort(byTime('inspection', 'started_at'));
  groups.submitted.sort((a, b) => byTime('inspection', 'submitted_at')(b, a));
  return groups;
}

/** Every item of a template version, in order, each with its category: [{…item, category}]. */
export function templateItems(template) {
  return (template?.categories ?? []).flatMap((category) =>
    (category.items ?? []).map((item) => ({ ...item, category: { code: category.code, name: category.name } })),
  );
}

/**
 * The latest published template among those kept ({id, code, version, status, published_at}):
 * what an ad-hoc inspection is made with. null when the phone has none.
 */
export function latestPublished(templates) {
  const published = (templates ?? []).filter((tpl) => tpl && tpl.status === 'published');
  published.sort(
    (a, b) =>
      (time(b.published_at) ?? 0) - (time(a.published_at) ?? 0) || (b.version ?? 0) - (a.version ?? 0) || b.id - a.id,
  );
  return published[0] ?? null;
}

/** {answered, total, failed, passed, na}: how far a form is, over the template's items. */
export function progressOf(template, answers = {}) {
  const counts = { answered: 0, total: 0, failed: 0, passed: 0, na: 0 };
  for (const item of templateItems(template)) {
    counts.total += 1;
    const result = answers?.[item.code]?.result;
    if (!ITEM_RESULTS.includes(result)) continue;
    counts.answered += 1;
    if (result === 'fail') counts.failed += 1;
    else if (result === 'pass') counts.passed += 1;
    else counts.na += 1;
  }
  return counts;
}

/**
 * What stops a submission, item by item: {item_code: 'unanswered' | 'photo_required' |
 * 'too_many_photos'}. Empty when it may be submitted. A failed item whose template says so
 * needs at least one photo; no item takes more than MAX_ITEM_PHOTOS.
 */
export function submitProblems(template, answers = {}) {
  const problems = {};
  for (const item of templateItems(template)) {
    const answer = answers?.[item.code];
    if (!ITEM_RESULTS.includes(answer?.result)) problems[item.code] = 'unanswered';
    else if (answer.result === 'fail' && item.photo_required_on_fail && !(answer.photos ?? []).length)
      problems[item.code] = 'photo_required';
    else if ((answer.photos ?? []).length > MAX_ITEM_PHOTOS) problems[item.code] = 'too_many_photos';
  }
  return problems;
}

/**
 * The answers after one item changed: `change` ({result, note, photos}, any of them) merged into
 * that item's answer. The whole `answers` field is what an edit sends (it is one synced field).
 */
export function withAnswer(answers, itemCode, change) {
  const before = answers?.[itemCode] ?? {};
  const next = { result: before.result ?? null, note: before.note ?? '', photos: before.photos ?? [], ...change };
  if (next.photos) next.photos = [...new Set(next.photos)];
  return { ...(answers ?? {}), [itemCode]: next };
}

/**
 * 其余全部合格 / 本类全部合格: every item still unanswered (of `categoryCode` only, when given)
 * answered 合格; an answer already given is never changed. {answers, changed: [item codes]}.
 */
export function passUnanswered(template, answers = {}, categoryCode = null) {
  let next = answers ?? {};
  const changed = [];
  for (const item of templateItems(template)) {
    if (categoryCode != null && item.category.code !== categoryCode) continue;
    if (ITEM_RESULTS.includes(next[item.code]?.result)) continue;
    next = withAnswer(next, item.code, { result: 'pass' });
    changed.push(item.code);
  }
  return { answers: next, changed };
}

/**
 * Where the steward still has to go, in the form's order: {unanswered: [codes], missingPhoto:
 * [codes]} (a failed item whose template asks for a photo and has none: submitProblems).
 */
export function jumpTargets(template, answers = {}) {
  const problems = submitProblems(template, answers);
  const codes = (kind) => Object.keys(problems).filter((code) => problems[code] === kind);
  return { unanswered: codes('unanswered'), missingPhoto: codes('photo_required') };
}

/** What the steward may do next with an inspection. */
export function inspectionActions(inspection) {
  const status = inspection?.status ?? 'planned';
  if (status === 'planned') return ['start'];
  if (status === 'in_progress') return ['answer', 'submit'];
  return [];
}

/** Where an order goes on the list at `now`: the company's turn overdue or not, awaiting 复查, or closed. */
export function orderGroup(order, now = new Date()) {
  const status = order.status ?? 'open';
  if (status === 'closed') return 'closed';
  if (status === 'responded') return 'responded';
  const deadline = time(order.deadline_at);
  return deadline !== null && deadline < now.getTime() ? 'overdue' : 'open';
}

export const isOverdue = (order, now = new Date()) => orderGroup(order, now) === 'overdue';

/**
 * Orders (items {id, order: its fields, …}) in {overdue, open, responded, closed}: the first three
 * by deadline (then severity), closed ones most recently closed first.
 */
export function groupOrders(items, now = new Date()) {
  const groups = Object.fromEntries(ORDER_GROUPS.map((name) => [name, []]));
  for (const item of items) groups[orderGroup(item.order, now)].push(item);
  const deadline = (item) => time(item.order.deadline_at) ?? Infinity;
  const byDeadline = (a, b) =>
    deadline(a) - deadline(b) ||
    (SEVERITY_RANK[a.order.severity] ?? 3) - (SEVERITY_RANK[b.order.severity] ?? 3) ||
    a.id.localeCompare(b.id);
  for (const name of ['overdue', 'open', 'responded']) groups[name].sort(byDeadline);
  const closedAt = (item) => time(item.order.closed_at ?? item.order.reviewed_at) ?? 0;
  groups.closed.sort((a, b) => closedAt(b) - closedAt(a));
  return groups;
}

/** What a user may do with an order: staff answer an open or reopened one; a steward re-inspects a responded one. */
export function orderActions(order, { staff = false, steward = false } = {}) {
  const status = order?.status ?? 'open';
  if (staff && ORDER_OPEN.includes(status)) return ['respond'];
  if (steward && status === 'responded') return ['close', 'reopen'];
  return [];
}

/** Problems of a response or a re-inspection form before saving: {field: message key}. */
export function responseProblems({ text = '', photos = [] } = {}) {
  const problems = {};
  // The server takes a text or a photo; the company is asked for the text either way.
  if (!text.trim() && !photos.length) problems.response_text = 'order.required_response';
  return problems;
}

export function reviewProblems({ decision, note = '' } = {}) {
  const problems = {};
  if (decision === 'reopened' && !note.trim()) problems.review_note = 'order.required_review_note';
  return problems;
}
