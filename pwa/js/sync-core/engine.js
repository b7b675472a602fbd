// The sync engine (PROTOCOL.md §5, §6), ported from sync/_engine.py: push (apply a batch of
// mutations) and pull (changes since a cursor) over any store with MemoryStore's methods.
// In the browser nothing runs this; pwa/tests use it as the server the client talks to.
import { decodeCursor, encodeCursor } from './cursor.js';
import { merge, Rejection } from './merge.js';
import {
  CursorExpired,
  deepCopy,
  LogEntry,
  Mutation,
  MutationResult,
  Record,
  sortedStrings,
  UnsupportedProtocol,
} from './values.js';

export const PROTOCOL_VERSION = 'redgrid-sync/1';
export const SUPPORTED_PROTOCOLS = [PROTOCOL_VERSION];
export const DEFAULT_PAGE = 500;
export const MAX_PAGE = 2000;
export const MAX_BATCH = 500;

export class PullPage {
  constructor(changes, cursor, hasMore, buckets, removedBuckets = [], resetBuckets = [], epoch = '') {
    Object.assign(this, { changes, cursor, hasMore, buckets, removedBuckets, resetBuckets, epoch });
  }

  toWire() {
    return {
      protocol: PROTOCOL_VERSION,
      epoch: this.epoch,
      changes: this.changes.map((c) => c.toWire()),
      cursor: this.cursor,
      has_more: this.hasMore,
      buckets: this.buckets,
      removed_buckets: this.removedBuckets,
      reset_buckets: this.resetBuckets,
    };
  }
}

/** §3: refuse a protocol version this server does not speak. */
export function checkProtocol(version) {
  if (!SUPPORTED_PROTOCOLS.includes(version)) {
    throw new UnsupportedProtocol(`unsupported protocol ${JSON.stringify(version ?? null)}`, {
      supported: [...SUPPORTED_PROTOCOLS],
    });
  }
}

const intersection = (a, b) => new Set([...a].filter((item) => b.has(item)));
const keyOf = (entity, id) => JSON.stringify([entity, id]);

/** Push and pull for a set of entity types over one store. */
export class Engine {
  constructor(store, entities) {
    this.store = store;
    this.entities = new Map([...entities].map((e) => [e.name, e]));
    this.epoch = null; // the store's, read once per push that needs it
  }

  // --- push (§6) -------------------------------------------------------------------------------

  /** Applies mutations in order; a mutation id seen before returns its first result and writes nothing (§6.4). */
  push(actor, clientId, mutations) {
    this.store.beginWrite();
    this.epoch = mutations.some((m) => m.epoch !== null) ? this.store.epoch() : null;
    const batch = new Map();
    const overlay = new Map();
    const results = [];
    for (const mutation of mutations) {
      let result = batch.get(mutation.id) ?? this.replayed(actor, mutation);
      if (result === null) {
        result = this.apply(actor, clientId, mutation, overlay);
        this.store.saveResult(actor.userId, clientId, result);
        batch.set(mutation.id, result);
      }
      results.push(result);
    }
    return results;
  }

  replayed(actor, mutation) {
    const prior = this.store.getResult(mutation.id);
    if (prior === null) return null;
    const [userId, result] = prior;
    if (userId !== actor.userId) {
      // Mutation ids are UUIDs; a collision with another user's is refused, never replayed.
      return rejected(mutation, new Rejection('mutation_id_taken', 'this mutation id belongs to another user'));
    }
    return result;
  }

  apply(actor, clientId, mutation, overlay) {
    const entity = this.entities.get(mutation.entity);
    if (!entity) return rejected(mutation, new Rejection('unknown_entity', `unknown entity '${mutation.entity}'`));
    const key = keyOf(mutation.entity, mutation.recordId);
    const current = overlay.get(key) ?? this.store.getRecord(mutation.entity, mutation.recordId);
    const inScope = new Set(actor.buckets.keys());
    let roles;
    if (current !== null) {
      const visible = intersection(entity.buckets(current.values), inScope);
      if (!visible.size) {
        // Same answer as a missing record: ids outside a scope reveal nothing (§6.3).
        return rejected(mutation, new Rejection('out_of_scope', 'the record does not exist or is outside your scope'));
      }
      roles = actor.rolesIn(visible);
    } else if (mutation.op === 'create') {
      roles = actor.rolesIn(intersection(entity.buckets(mutation.fields), inScope));
      if (!roles.size)
        return rejected(mutation, new Rejection('out_of_scope', 'the record would be outside your scope'));
    } else {
      return rejected(mutation, new Rejection('not_found', 'the record does not exist or is outside your scope'));
    }
    if (current !== null && !this.baseKnown(mutation, current)) {
      // A base this server never issued for this record (forged, or from before a restore,
      // §5.5): merged as from base 0, so every field someone else wrote conflicts (§7.1).
      mutation = new Mutation(
        mutation.id,
        mutation.entity,
        mutation.recordId,
        mutation.op,
        mutation.fields,
        0,
        mutation.clientTime,
        mutation.epoch,
      );
    }
    const outcome = merge(entity, current, mutation, roles, clientId);
    if (outcome instanceof Rejection) return rejected(mutation, outcome);
    if (!outcome.deleted) {
      if (!intersection(entity.buckets(outcome.values), inScope).size) {
        return rejected(mutation, new Rejection('out_of_scope', 'the change would move the record outside your scope'));
      }
      const errors = entity.validate ? entity.validate(outcome.values, mutation.op) : {};
      if (Object.keys(errors).length) {
        const fields = Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [...v]]));
        return rejected(mutation, new Rejection('invalid', 'some fields are invalid', fields));
      }
    }
    // Kept whether or not anything else changed: a losing value is never dropped (§7.3).
    if (outcome.conflicts.length) this.store.saveConflicts(actor.userId, mutation, outcome.conflicts);
    const status = outcome.conflicts.length ? 'conflict' : 'applied';
    if (!outcome.changed.size && !outcome.deleted && current !== null) {
      // Nothing new to store (every field lost, or already had the client's value): no version bump.
      return new MutationResult(
        mutation.id,
        mutation.entity,
        mutation.recordId,
        status,
        current.version,
        current.toWire(),
        outcome.conflicts,
      );
    }
    const record = this.write(entity, current, mutation, outcome, clientId);
    overlay.set(key, record);
    return new MutationResult(
      mutation.id,
      mutation.entity,
      mutation.recordId,
      status,
      record.version,
      record.toWire(),
      outcome.conflicts,
    );
  }

  /** The base is a version this server issued for this record: not above it, from this epoch (§7.1). */
  baseKnown(mutation, current) {
    if (mutation.baseVersion === null) return true;
    if (mutation.baseVersion > current.version) return false;
    return mutation.epoch === null || mutation.epoch === this.epoch;
  }

  /** Stores the new state with a new sequence number and logs it in every bucket (§5.1). */
  write(entity, current, mutation, outcome, clientId) {
    const [seq] = this.store.allocate(1);
    const fieldVersions = current ? { ...current.fieldVersions } : {};
    const fieldWriters = current ? { ...current.fieldWriters } : {};
    for (const name of outcome.changed) {
      fieldVersions[name] = seq;
      fieldWriters[name] = clientId;
    }
    const record = new Record(
      mutation.entity,
      mutation.recordId,
      outcome.values,
      fieldVersions,
      seq,
      outcome.deleted,
      fieldWriters,
    );
    this.store.putRecord(record);
    const nowIn = new Set(outcome.deleted ? [] : entity.buckets(record.values));
    const before = this.store.liveBuckets(mutation.entity, mutation.recordId);
    for (const bucket of sortedStrings(nowIn)) {
      this.store.logPut(new LogEntry(seq, bucket, record.entity, record.id, 'put', seq, deepCopy(record.values)));
    }
    for (const bucket of sortedStrings([...before].filter((b) => !nowIn.has(b)))) {
      // Deleted, or moved out of this bucket: a tombstone tells the bucket's clients (§5.4).
      this.store.logPut(new LogEntry(seq, bucket, record.entity, record.id, 'delete', seq, null));
    }
    return record;
  }

  // --- pull (§5) -------------------------------------------------------------------------------

  /** Changes in the actor's buckets since the cursor, oldest first, at most `limit`. */
  pull(actor, cursor, limit = DEFAULT_PAGE) {
    limit = Math.max(1, Math.min(limit, MAX_PAGE));
    const [epoch, positions, mark] = decodeCursor(cursor);
    const currentEpoch = this.store.epoch();
    if (epoch !== null && epoch !== currentEpoch) {
      throw new CursorExpired("the server's data was reset; pull again from the start");
    }
    // Read before the changes: every later commit takes a higher seq (§5.3).
    const highWater = this.store.highWater();
    if (Object.values(positions).some((seq) => seq > highWater)) {
      // Beyond anything this server committed: its data was restored from a backup (§5.5).
      throw new CursorExpired("the cursor is ahead of the server's data; pull again from the start");
    }
    const position = (bucket) => (Object.hasOwn(positions, bucket) ? positions[bucket] : 0);
    const inScope = sortedStrings(actor.buckets.keys());
    const purged = this.store.purgedThrough();
    // Only a cursor issued before the latest purge can have missed purged tombstones (§5.5).
    const reset = inScope.filter((b) => mark < purged && position(b) > 0 && position(b) < purged);
    const query = Object.fromEntries(inScope.map((b) => [b, reset.includes(b) ? 0 : position(b)]));
    let rows = inScope.length ? this.store.changesSince(query, limit + 1) : [];
    const hasMore = rows.length > limit;
    rows = rows.slice(0, limit);
    const newPositions = { ...query };
    if (rows.length) {
      const last = rows[rows.length - 1].seq;
      const returnedAtLast = new Set(rows.filter((r) => r.seq === last).map((r) => r.bucket));
      for (const bucket of inScope) {
        // Every row of this bucket below `last` was returned (rows come in seq order);
        // at `last` itself only if it was in this page (§5.2).
        const reached = returnedAtLast.has(bucket) || !hasMore ? last : last - 1;
        newPositions[bucket] = Math.max(query[bucket], reached);
      }
    }
    if (!hasMore) {
      // Caught up: nothing below the high-water mark is left, so quiet buckets move on too.
      for (const bucket of inScope) newPositions[bucket] = Math.max(newPositions[bucket], highWater);
    }
    const removed = sortedStrings(Object.keys(positions).filter((b) => !actor.buckets.has(b)));
    return new PullPage(
      rows,
      encodeCursor(currentEpoch, newPositions, purged),
      hasMore,
      inScope,
      removed,
      reset,
      currentEpoch,
    );
  }
}

function rejected(mutation, rejection) {
  return new MutationResult(
    mutation.id,
    mutation.entity,
    mutation.recordId,
    'rejected',
    null,
    null,
    [],
    rejection.toWire(),
  );
}
