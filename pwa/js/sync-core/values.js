// The small values the protocol exchanges (PROTOCOL.md §4–§7), ported from sync/_types.py and
// sync/_errors.py, plus the few Python semantics the port must copy so that both sides decide
// alike: equality (1 == 1.0 == True), string order (by code point) and str() of bucket values.

// --- errors (sync/_errors.py) ----------------------------------------------------------------

export class SyncError extends Error {
  constructor(message = '', details = {}) {
    super(message || new.target.code);
    this.name = new.target.name;
    this.code = new.target.code;
    this.details = details;
  }
}
SyncError.code = 'sync_error';

/** The client speaks a protocol version this server does not (§3). */
export class UnsupportedProtocol extends SyncError {}
UnsupportedProtocol.code = 'unsupported_protocol';

/** The cursor is not one this server issued (§5.2). */
export class CursorInvalid extends SyncError {}
CursorInvalid.code = 'cursor_invalid';

/** The cursor predates a database reset: resync from scratch (§5.5). */
export class CursorExpired extends SyncError {}
CursorExpired.code = 'cursor_expired';

/** A mutation is malformed; the whole batch is refused (§6.1). details.field names the key. */
export class BadMutation extends SyncError {}
BadMutation.code = 'bad_mutation';

// --- Python semantics -------------------------------------------------------------------------

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Python's == over JSON values: merge() skips a field whose value the server already has and
 * union() skips items already present, so both languages must agree on "equal". Python counts
 * True == 1 and compares dicts without regard to key order.
 */
export function pyEqual(a, b) {
  const numeric = (v) => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => pyEqual(item, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && pyEqual(a[k], b[k]));
  }
  return a === b; // strings and null (None == None)
}

/** Python's str ordering (by code point); JS's < orders UTF-16 units, which differs past U+FFFF. */
export function compareStrings(a, b) {
  if (!/[\uD800-\uDFFF]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** sorted() of strings, as Python does it. */
export const sortedStrings = (items) => [...items].sort(compareStrings);

/** Python's str() for the scalar values a bucket template may meet (§7.4): True, not true. */
export function pyStr(value) {
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/** Python's len() of a str: code points, not UTF-16 units. */
export const pyLen = (text) => [...text].length;

/** dict.get(key, fallback): own keys only, so a field named "constructor" is just a field. */
export const pyGet = (object, key, fallback = null) =>
  object != null && Object.hasOwn(object, key) ? object[key] : fallback;

export const deepCopy = (value) => (value === undefined ? undefined : structuredClone(value));

// --- wire values (sync/_types.py) -------------------------------------------------------------

export const OPS = ['create', 'update', 'delete'];
const KEYS = new Set(['id', 'entity', 'record_id', 'op', 'fields', 'base_version', 'client_time', 'epoch']);
export const SEQ_MAX = 2n ** 63n - 1n; // sequence numbers are 64-bit (§4.2)
/** A non-negative integer a 64-bit sequence number can hold (1.0 passes: JSON cannot tell it from 1). */
export const isSeq = (v) => Number.isInteger(v) && v >= 0 && BigInt(v) <= SEQ_MAX;

/** One change a client made offline (§6.1). `fields` holds only the changed fields. */
export class Mutation {
  // epoch: the server epoch of the data the edit was made on; a base from another is unknown (§7.1).
  constructor(id, entity, recordId, op, fields = {}, baseVersion = null, clientTime = null, epoch = null) {
    Object.assign(this, { id, entity, recordId, op, fields, baseVersion, clientTime, epoch });
    Object.freeze(this);
  }

  /** Checks the shape of one mutation as sent by a client (Mutation.from_wire). */
  static fromWire(raw) {
    if (!isPlainObject(raw)) throw new BadMutation('a mutation must be an object');
    const unknown = sortedStrings(Object.keys(raw).filter((k) => !KEYS.has(k)));
    if (unknown.length) throw new BadMutation(`unknown key '${unknown[0]}'`, { field: unknown[0] });
    for (const key of ['id', 'entity', 'record_id', 'op']) {
      const value = raw[key];
      if (typeof value !== 'string' || !value || pyLen(value) > 64) {
        throw new BadMutation(`'${key}' must be a non-empty string of at most 64 characters`, { field: key });
      }
    }
    if (!OPS.includes(raw.op)) throw new BadMutation(`'op' must be one of ${OPS.join(', ')}`, { field: 'op' });
    const fields = raw.fields ?? {};
    if (!isPlainObject(fields)) throw new BadMutation("'fields' must be an object", { field: 'fields' });
    const base = raw.base_version ?? null;
    // JSON gives JS no way to tell 1.0 from 1, so 1.0 passes here where Python refuses it.
    if (base !== null && !isSeq(base)) {
      throw new BadMutation("'base_version' must be a non-negative 64-bit integer", { field: 'base_version' });
    }
    if (raw.op !== 'create' && base === null) {
      throw new BadMutation("'base_version' is required to update or delete", { field: 'base_version' });
    }
    const clientTime = raw.client_time ?? null;
    if (clientTime !== null && typeof clientTime !== 'string') {
      throw new BadMutation("'client_time' must be a string", { field: 'client_time' });
    }
    const epoch = raw.epoch ?? null;
    if (epoch !== null && (typeof epoch !== 'string' || pyLen(epoch) > 64)) {
      throw new BadMutation("'epoch' must be a string of at most 64 characters", { field: 'epoch' });
    }
    return new Mutation(raw.id, raw.entity, raw.record_id, raw.op, deepCopy(fields), base, clientTime, epoch);
  }
}

/** A synced record as the server holds it: values, a version, and a version per field (§4.2). */
export class Record {
  constructor(entity, id, values, fieldVersions, version, deleted = false, fieldWriters = {}) {
    // fieldWriters: which client last wrote each field; a client never conflicts with its own edits (§7.1).
    Object.assign(this, { entity, id, values, fieldVersions, version, deleted, fieldWriters });
  }

  toWire() {
    return {
      entity: this.entity,
      id: this.id,
      version: this.version,
      deleted: this.deleted,
      data: this.deleted ? null : { ...this.values },
    };
  }
}

/** A field both sides changed: the rule's winner is stored, the loser is kept here (§7). */
export class Conflict {
  constructor(field, baseVersion, serverValue, clientValue, winner, rule) {
    Object.assign(this, { field, baseVersion, serverValue, clientValue, winner, rule });
    Object.freeze(this);
  }

  get losingValue() {
    return this.winner === 'server' ? this.clientValue : this.serverValue;
  }

  toWire() {
    return {
      field: this.field,
      base_version: this.baseVersion,
      server_value: this.serverValue,
      client_value: this.clientValue,
      winner: this.winner,
      rule: this.rule,
    };
  }
}

/** What became of one mutation (§6.2). Stored, so that a retry returns it unchanged. */
export class MutationResult {
  constructor(mutationId, entity, recordId, status, version = null, record = null, conflicts = [], error = null) {
    Object.assign(this, { mutationId, entity, recordId, status, version, record, conflicts, error });
  }

  toWire() {
    return {
      mutation_id: this.mutationId,
      entity: this.entity,
      record_id: this.recordId,
      status: this.status,
      version: this.version,
      record: this.record,
      conflicts: this.conflicts.map((c) => c.toWire()),
      error: this.error,
    };
  }
}

/** The latest change of one record in one bucket (§5.1): a put with data, or a delete. */
export class LogEntry {
  constructor(seq, bucket, entity, recordId, op, version, data) {
    Object.assign(this, { seq, bucket, entity, recordId, op, version, data });
    Object.freeze(this);
  }

  toWire() {
    return {
      bucket: this.bucket,
      entity: this.entity,
      id: this.recordId,
      op: this.op,
      version: this.version,
      data: this.data === null ? null : { ...this.data },
    };
  }
}

/** Who is syncing: a user id and, per bucket in scope, the roles held there (§2). */
export class Actor {
  /** buckets: {bucket: [role, …]} or a Map of bucket → Set of roles. */
  constructor(userId, buckets) {
    this.userId = userId;
    const entries = buckets instanceof Map ? [...buckets] : Object.entries(buckets);
    this.buckets = new Map(entries.map(([bucket, roles]) => [bucket, new Set(roles)]));
    Object.freeze(this);
  }

  rolesIn(buckets) {
    const roles = new Set();
    for (const bucket of buckets) for (const role of this.buckets.get(bucket) ?? []) roles.add(role);
    return roles;
  }
}
