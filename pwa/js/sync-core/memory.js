// The reference store, ported from sync/_memory.py: everything in Maps. Values are copied in
// and out, as a database would, so a caller can never edit what the store holds.
import { compareStrings, deepCopy } from './values.js';

const copyRecord = (record) =>
  record && Object.assign(Object.create(Object.getPrototypeOf(record)), deepCopy({ ...record }));

export class MemoryStore {
  constructor(epoch = null) {
    this.epochValue = epoch || crypto.randomUUID().replaceAll('-', '');
    this.records = new Map(); // JSON [entity, id] -> Record
    this.log = new Map(); // JSON [bucket, entity, id] -> latest LogEntry (Maps keep first insertion order, as dicts do)
    this.results = new Map(); // mutation id -> [userId, MutationResult]
    this.conflicts = [];
    this.lastSeq = 0;
    this.purgedSeq = 0;
  }

  epoch() {
    return this.epochValue;
  }

  /** One thread: nothing to lock. */
  beginWrite() {}

  getRecord(entity, id) {
    return copyRecord(this.records.get(JSON.stringify([entity, id])) ?? null);
  }

  putRecord(record) {
    this.records.set(JSON.stringify([record.entity, record.id]), copyRecord(record));
  }

  allocate(count) {
    const first = this.lastSeq + 1;
    this.lastSeq += count;
    return Array.from({ length: count }, (_, i) => first + i);
  }

  logPut(entry) {
    this.log.set(JSON.stringify([entry.bucket, entry.entity, entry.recordId]), entry);
  }

  liveBuckets(entity, id) {
    const live = new Set();
    for (const entry of this.log.values()) {
      if (entry.entity === entity && entry.recordId === id && entry.op === 'put') live.add(entry.bucket);
    }
    return live;
  }

  getResult(mutationId) {
    const prior = this.results.get(mutationId);
    return prior ? [prior[0], copyResult(prior[1])] : null;
  }

  saveResult(userId, _clientId, result) {
    this.results.set(result.mutationId, [userId, copyResult(result)]);
  }

  saveConflicts(userId, mutation, conflicts) {
    for (const conflict of conflicts) {
      this.conflicts.push({
        user_id: userId,
        mutation_id: mutation.id,
        entity: mutation.entity,
        record_id: mutation.recordId,
        ...deepCopy(conflict.toWire()),
      });
    }
  }

  /**
   * Rows after each bucket's position, by (seq, bucket); a fresh bucket (position 0) gets no
   * tombstones: a client that never had the records has nothing to delete.
   */
  changesSince(positions, limit) {
    const rows = [...this.log.values()].filter((entry) => {
      if (!Object.hasOwn(positions, entry.bucket)) return false;
      const from = positions[entry.bucket];
      return entry.seq > from && (from > 0 || entry.op === 'put');
    });
    rows.sort((a, b) => a.seq - b.seq || compareStrings(a.bucket, b.bucket));
    return rows.slice(0, limit);
  }

  highWater() {
    return this.lastSeq;
  }

  purgedThrough() {
    return this.purgedSeq;
  }

  /** Forgets tombstones up to a sequence number (the server does it by age, §5.5). */
  purgeTombstones(throughSeq) {
    const doomed = [...this.log].filter(([, e]) => e.op === 'delete' && e.seq <= throughSeq).map(([key]) => key);
    for (const key of doomed) this.log.delete(key);
    this.purgedSeq = Math.max(this.purgedSeq, throughSeq);
    return doomed.length;
  }
}

function copyResult(result) {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(result)), result);
  copy.record = deepCopy(result.record);
  copy.error = deepCopy(result.error);
  copy.conflicts = [...result.conflicts]; // Conflicts are frozen
  return copy;
}
