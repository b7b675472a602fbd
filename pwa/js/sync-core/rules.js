// Per-entity field rules (PROTOCOL.md §7.4), ported from sync/_rules.py: who may write each
// field, which fields only the server sets, and how a same-field conflict is resolved. The JSON
// form (Entity.fromDict) is what sync/vectors carries.
import { pyGet, pyStr, sortedStrings } from './values.js';

// §7.2: the rules a field may declare for a same-field conflict.
export const CONFLICT_RULES = ['server_wins', 'client_wins', 'union'];

/** One synced field. An empty `writableBy` means server-only: no client may send it. */
export class Field {
  constructor(name, writableBy = [], onConflict = 'server_wins', createOnly = false) {
    if (!CONFLICT_RULES.includes(onConflict)) throw new Error(`${name}: unknown conflict rule '${onConflict}'`);
    Object.assign(this, { name, writableBy: new Set(writableBy), onConflict, createOnly });
    Object.freeze(this);
  }
}

/** The rules of one entity type. `buckets(values)` lists the buckets a record lives in. */
export class Entity {
  constructor(name, fields, createRoles, deleteRoles, buckets, validate = null) {
    Object.assign(this, {
      name,
      fields,
      createRoles: new Set(createRoles),
      deleteRoles: new Set(deleteRoles),
      buckets,
      validate,
    });
    this.byName = new Map(fields.map((f) => [f.name, f]));
    Object.freeze(this);
  }

  field(name) {
    return this.byName.get(name) ?? null;
  }

  /** Rules from the JSON form used by sync/vectors: buckets are templates such as "grid:{grid_id}". */
  static fromDict(spec, validate = null) {
    const fields = Object.entries(spec.fields).map(
      ([name, rule]) =>
        new Field(name, rule.writable_by ?? [], rule.on_conflict ?? 'server_wins', Boolean(rule.create_only ?? false)),
    );
    return new Entity(
      spec.name,
      fields,
      spec.create_roles ?? [],
      spec.delete_roles ?? [],
      templateBuckets(spec.buckets),
      validate,
    );
  }
}

// Python's \w: letters, digits and "_" of any script.
const PLACEHOLDER = /\{([\p{L}\p{N}_]+)\}/gu;

/**
 * Buckets from templates like "grid:{grid_id}": a template whose value is unset, null or ""
 * gives no bucket; a list value gives one bucket per item. Like Python, a template with other
 * than one placeholder fails when used, not when declared.
 */
export function templateBuckets(templates) {
  templates = [...templates];
  return function buckets(values) {
    const out = [];
    for (const template of templates) {
      const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
      if (names.length !== 1) throw new Error(`bucket template needs exactly one placeholder: '${template}'`);
      const value = pyGet(values, names[0]);
      for (const item of Array.isArray(value) ? value : [value]) {
        // A replacement function, so "$&" or "\1" in a value is taken literally.
        if (item !== null && item !== undefined && item !== '')
          out.push(template.replace(PLACEHOLDER, () => pyStr(item)));
      }
    }
    return sortedStrings(new Set(out));
  };
}
