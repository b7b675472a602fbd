// Reads what the micro-wish screens show, all from IndexedDB (works with no signal): wishes
// and wall cards as the user sees them (the server's copy + their queued edits,
// local-records.js), with their pending / refused state. The buckets decide whose: a resident
// holds their own wishes and their cards, a volunteer the community's cards, an admin both.
import { getRecord, listOutbox, listRecords } from './db.js';
import { itemOf, outboxStateOf } from './task-data.js';

export const WISH = 'wish';
export const CARD = 'wish_card';

async function loadAll(entity, key) {
  const [records, entries] = await Promise.all([listRecords(entity), listOutbox()]);
  const states = outboxStateOf(entries, entity);
  return records.filter((record) => !record.deleted).map((record) => itemOf(record, states.get(record.id), key));
}

export const loadWishes = () => loadAll(WISH, 'wish');
export const loadCards = () => loadAll(CARD, 'card');

/** One record with its refused changes: {item, refused}, item null when it is not on this phone. */
async function loadOne(entity, key, id) {
  const [record, entries] = await Promise.all([getRecord(entity, id), listOutbox()]);
  if (!record || record.deleted) return { item: null, refused: [] };
  const state = outboxStateOf(entries, entity).get(id);
  return { item: itemOf(record, state, key), refused: (state?.entries ?? []).filter((e) => e.status === 'rejected') };
}

export const loadWish = (id) => loadOne(WISH, 'wish', id);
export const loadCard = (id) => loadOne(CARD, 'card', id);

/** The card of a wish (by the wish's card_id, else the card naming the wish), or null. */
export async function loadCardOfWish(wish, wishId) {
  if (wish?.card_id) {
    const found = await loadCard(wish.card_id);
    if (found.item) return found;
  }
  const item = (await loadCards()).find((card) => card.card.wish_id === wishId) ?? null;
  return item ? loadCard(item.id) : { item: null, refused: [] };
}
