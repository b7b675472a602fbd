// Reads the evaluator's scoring forms and their rounds from IndexedDB (works with no signal):
// each form as the phone holds it (the server's copy + queued edits), with its round.
import { getRecord, listOutbox, listRecords } from './db.js';
import { itemOf, outboxStateOf } from './task-data.js';

export const ROUND = 'evaluation_round';
export const BALLOT = 'evaluation_ballot';

const roundOf = (records, id) => records.find((r) => r.id === id && !r.deleted)?.data ?? null;

/** [{item, round}] of every form on this phone, the open rounds' first, newest year first. */
export async function loadForms() {
  const [ballots, rounds, entries] = await Promise.all([listRecords(BALLOT), listRecords(ROUND), listOutbox()]);
  const states = outboxStateOf(entries, BALLOT);
  return ballots
    .filter((record) => !record.deleted)
    .map((record) => {
      const item = itemOf(record, states.get(record.id), 'ballot');
      return { item, round: roundOf(rounds, item.ballot.round_id) };
    })
    .sort(
      (a, b) =>
        Number(b.round?.status === 'open') - Number(a.round?.status === 'open') ||
        (b.round?.year ?? 0) - (a.round?.year ?? 0),
    );
}

/** One form with its round and refused edits: {item, round, refused}; item null when not here. */
export async function loadForm(id) {
  const [record, entries] = await Promise.all([getRecord(BALLOT, id), listOutbox()]);
  if (!record || record.deleted) return { item: null, round: null, refused: [] };
  const state = outboxStateOf(entries, BALLOT).get(id);
  const item = itemOf(record, state, 'ballot');
  const round = (await getRecord(ROUND, item.ballot.round_id))?.data ?? null;
  return { item, round, refused: (state?.entries ?? []).filter((e) => e.status === 'rejected') };
}
