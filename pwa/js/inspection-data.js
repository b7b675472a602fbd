// Reads what the steward's and the property staff's screens show, all from IndexedDB (works
// with no signal): inspections and rectification orders as the user sees them (the server's
// copy + their queued edits, local-records.js), with their pending / refused state, and the
// template version each inspection uses (inspection-templates.js).
import { getRecord, listOutbox, listRecords } from './db.js';
import { loadTemplate } from './inspection-templates.js';
import { myInspections, templateItems } from './inspections.js';
import { itemOf, outboxStateOf } from './task-data.js';

export const INSPECTION = 'inspection';
export const ORDER = 'rectification_order';

async function itemsOf(entity, key) {
  const [records, entries] = await Promise.all([listRecords(entity), listOutbox()]);
  const states = outboxStateOf(entries, entity);
  return {
    records: records.filter((record) => !record.deleted),
    states,
    item: (record) => itemOf(record, states.get(record.id), key),
  };
}

/** The steward's inspections: [{id, inspection, record, pending, rejected, local}]. */
export async function loadMyInspections(userId) {
  const { records, states, item } = await itemsOf(INSPECTION, 'inspection');
  return myInspections(records, userId, new Set(states.keys())).map(item);
}

/** Every order on the phone (the buckets decide whose): [{id, order, …}]. */
export async function loadOrders() {
  const { records, item } = await itemsOf(ORDER, 'order');
  return records.map(item);
}

/** One record with its refused changes: {item, refused}, item null when it is not on this phone. */
async function loadOne(entity, key, id) {
  const [record, entries] = await Promise.all([getRecord(entity, id), listOutbox()]);
  if (!record || record.deleted) return { item: null, refused: [] };
  const state = outboxStateOf(entries, entity).get(id);
  return { item: itemOf(record, state, key), refused: (state?.entries ?? []).filter((e) => e.status === 'rejected') };
}

/** {item, refused, template} of one inspection; template null when the phone lacks its version. */
export async function loadInspection(id) {
  const found = await loadOne(INSPECTION, 'inspection', id);
  const template = found.item ? await loadTemplate(found.item.inspection.template_id) : null;
  return { ...found, template };
}

export const loadOrder = (id) => loadOne(ORDER, 'order', id);

/** The orders a submitted inspection made, in the order of the template's items. */
export async function ordersOfInspection(inspectionId, template = null) {
  const position = new Map(templateItems(template).map((item, index) => [item.code, index]));
  return (await loadOrders())
    .filter((item) => item.order.inspection_id === inspectionId)
    .sort(
      (a, b) =>
        (position.get(a.order.item_code) ?? Infinity) - (position.get(b.order.item_code) ?? Infinity) ||
        a.id.localeCompare(b.id),
    );
}
