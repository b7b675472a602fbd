// The per-field merge of one mutation into the server's record (PROTOCOL.md §7), ported from
// sync/_merge.py. Pure: it decides, the engine stores.
import { Conflict, deepCopy, pyEqual, pyGet, sortedStrings } from './values.js';

/** The mutation writes nothing. `code` and `fields` go to the client (§6.3). */
export class Rejection {
  constructor(code, message, fields = {}) {
    Object.assign(this, { code, message, fields });
  }

  toWire() {
    return { code: this.code, message: this.message, fields: this.fields };
  }
}

/** The record's values after the mutation, which fields changed, and the conflicts. */
export class Merged {
  constructor(values, changed, conflicts, deleted = false) {
    Object.assign(this, { values, changed, conflicts, deleted });
  }
}

const intersects = (a, b) => [...a].some((item) => b.has(item));

/**
 * Applies `mutation`, sent by `clientId`, to `current` (a Record or null) as a user holding
 * `roles` (a Set) (§7.1). The caller has already checked that the record is in the user's
 * scope; `roles` are the roles the user holds in the record's buckets.
 */
export function merge(entity, current, mutation, roles, clientId) {
  if (mutation.op === 'create') return create(entity, current, mutation, roles);
  if (current === null) return new Rejection('not_found', 'the record does not exist');
  if (current.deleted) return new Rejection('deleted', 'the record was deleted on the server');
  if (mutation.op === 'delete') return remove(entity, current, mutation, roles, clientId);
  return update(entity, current, mutation, roles, clientId);
}

function fieldErrors(entity, mutation, roles) {
  const names = Object.keys(mutation.fields);
  const unknown = names.filter((name) => entity.field(name) === null);
  if (unknown.length) {
    return new Rejection(
      'unknown_field',
      'the mutation names fields this entity does not have',
      perField(unknown, 'unknown field'),
    );
  }
  const forbidden = names.filter((name) => !intersects(entity.field(name).writableBy, roles));
  if (forbidden.length) {
    return new Rejection(
      'forbidden_field',
      'your role may not change these fields',
      perField(forbidden, 'not writable by your role'),
    );
  }
  return null;
}

const perField = (names, message) => Object.fromEntries(names.map((name) => [name, [message]]));

function create(entity, current, mutation, roles) {
  if (!intersects(entity.createRoles, roles))
    return new Rejection('forbidden_op', `your role may not create ${entity.name} records`);
  if (current !== null) return new Rejection('exists', 'a record with this id already exists');
  const refused = fieldErrors(entity, mutation, roles);
  if (refused) return refused;
  return new Merged(deepCopy(mutation.fields), new Set(Object.keys(mutation.fields)), []);
}

/** Changed on the server after the client's base version, by someone else (§7.1). */
function changedByOthers(current, name, mutation, clientId) {
  return pyGet(current.fieldVersions, name, 0) > mutation.baseVersion && pyGet(current.fieldWriters, name) !== clientId;
}

function remove(entity, current, mutation, roles, clientId) {
  if (!intersects(entity.deleteRoles, roles))
    return new Rejection('forbidden_op', `your role may not delete ${entity.name} records`);
  const changedSince = sortedStrings(
    Object.keys(current.fieldVersions).filter((f) => changedByOthers(current, f, mutation, clientId)),
  );
  if (changedSince.length) {
    // Deleting over edits the client never saw would lose them silently (§7.3).
    return new Rejection(
      'changed_since',
      'the record changed on the server since you last saw it',
      perField(changedSince, 'changed on the server'),
    );
  }
  return new Merged(deepCopy(current.values), new Set(), [], true);
}

function update(entity, current, mutation, roles, clientId) {
  const refused = fieldErrors(entity, mutation, roles);
  if (refused) return refused;
  const createOnly = Object.keys(mutation.fields).filter((name) => entity.field(name).createOnly);
  if (createOnly.length) {
    return new Rejection(
      'create_only',
      'these fields cannot change after creation',
      perField(createOnly, 'can only be set when the record is created'),
    );
  }
  const values = deepCopy(current.values);
  const changed = new Set();
  const conflicts = [];
  for (const [name, clientValue] of Object.entries(mutation.fields)) {
    const serverValue = pyGet(current.values, name);
    if (pyEqual(clientValue, serverValue)) continue; // both sides agree: nothing to do, nothing to report
    if (!changedByOthers(current, name, mutation, clientId)) {
      values[name] = deepCopy(clientValue); // nobody else touched it since the client's base
      changed.add(name);
      continue;
    }
    const rule = entity.field(name).onConflict;
    if (rule === 'union') {
      const merged = union(serverValue, clientValue);
      if (!pyEqual(merged, serverValue)) {
        values[name] = merged;
        changed.add(name);
      }
      continue;
    }
    const winner = rule === 'client_wins' ? 'client' : 'server';
    if (winner === 'client') {
      values[name] = deepCopy(clientValue);
      changed.add(name);
    }
    conflicts.push(
      new Conflict(name, mutation.baseVersion, deepCopy(serverValue), deepCopy(clientValue), winner, rule),
    );
  }
  return new Merged(values, changed, conflicts);
}

/** Server items in their order, then the client's new ones (§7.2 "union"). */
function union(serverValue, clientValue) {
  const merged = deepCopy([...(serverValue || [])]);
  for (const item of clientValue || []) {
    if (!merged.some((have) => pyEqual(have, item))) merged.push(deepCopy(item));
  }
  return merged;
}
