// The shared JSON vectors (sync/vectors) against the JavaScript port, asserting what the Python
// runner (tests/sync/vectors.py, test_vectors_memory.py) asserts; and the cursor and mutation
// checks that must agree with sync/_cursor.py and sync/_types.py byte for byte.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  Actor,
  BadMutation,
  CursorExpired,
  CursorInvalid,
  decodeCursor,
  Engine,
  Entity,
  encodeCursor,
  MemoryStore,
  Mutation,
  pageChanges,
} from '../js/sync-core.js';

const VECTOR_DIR = new URL('../../sync/vectors/', import.meta.url);
const VECTORS = readdirSync(VECTOR_DIR)
  .filter((name) => /^[0-9].*\.json$/.test(name))
  .sort();
const readJson = (name) => JSON.parse(readFileSync(new URL(name, VECTOR_DIR), 'utf8'));

const actorOf = (spec) => new Actor(spec.user_id, spec.buckets);

function checkResult(got, want, where) {
  assert.equal(got.status, want.status, `${where}: ${JSON.stringify(got)}`);
  if ('version' in want) assert.equal(got.version, want.version, where);
  if ('error' in want) {
    assert.equal(got.error.code, want.error, where);
    assert.ok(got.error.message, 'a refusal says why');
  }
  if ('fields' in want) assert.deepEqual(Object.keys(got.error.fields).sort(), [...want.fields].sort(), where);
  if ('conflicts' in want) {
    assert.equal(got.conflicts.length, want.conflicts.length, where);
    const trimmed = want.conflicts.map((w, i) =>
      Object.fromEntries(Object.keys(w).map((k) => [k, got.conflicts[i][k]])),
    );
    assert.deepEqual(trimmed, want.conflicts, where);
  }
}

function runVector(vector) {
  const store = new MemoryStore();
  const engine = new Engine(store, [Entity.fromDict(vector.entity)]);
  const actors = Object.fromEntries(Object.entries(vector.actors).map(([name, spec]) => [name, actorOf(spec)]));
  const clients = Object.fromEntries(Object.entries(vector.actors).map(([name, spec]) => [name, spec.client_id]));
  const cursors = {};
  vector.steps.forEach((step, index) => {
    const where = `${vector.name} step ${index + 1}`;
    if ('push' in step) {
      const results = engine.push(
        actors[step.push],
        clients[step.push],
        step.mutations.map((m) => Mutation.fromWire(m)),
      );
      assert.equal(results.length, step.results.length, where);
      results.forEach((got, i) => checkResult(got.toWire(), step.results[i], where));
    } else if ('pull' in step) {
      const cursor = step.cursor === 'start' ? null : cursors[step.pull];
      const page = engine.pull(actors[step.pull], cursor, step.limit ?? 500).toWire();
      cursors[step.pull] = page.cursor;
      assert.deepEqual(page.changes, step.changes, where);
      for (const key of ['has_more', 'removed_buckets', 'reset_buckets']) {
        if (key in step) assert.deepEqual(page[key], step[key], `${where}: ${key}`);
      }
    } else if ('set_buckets' in step) {
      actors[step.set_buckets] = actorOf({ ...vector.actors[step.set_buckets], buckets: step.buckets });
    } else if ('purge_tombstones_through' in step) {
      store.purgeTombstones(step.purge_tombstones_through);
    } else {
      assert.fail(`${where}: unknown step ${JSON.stringify(step)}`);
    }
  });
  for (const want of vector.records) {
    const record = store.getRecord(vector.entity.name, want.id);
    assert.deepEqual(
      [record.version, record.deleted, record.values],
      [want.version, want.deleted, want.values],
      want.id,
    );
  }
  const tuple = (c) => JSON.stringify([c.record_id, c.field, c.winner, c.server_value, c.client_value]);
  assert.deepEqual(store.conflicts.map(tuple).sort(), vector.conflicts.map(tuple).sort(), 'conflict records');
}

test('a format 2 page (PROTOCOL.md §5.2.2) reads back as its format 1 changes, as in Python', () => {
  const { changes, groups } = readJson('_page_format_2.json');
  assert.deepEqual(pageChanges({ groups }), changes);
  assert.equal(pageChanges({ changes }), changes); // format 1 as it came
  assert.throws(() => pageChanges({ groups: [{ ...groups[0], ids: 'AAAA' }] }), /malformed pull page/);
});

test('there are vectors', () => {
  assert.ok(VECTORS.length >= 12, `found ${VECTORS.length}`);
});

for (const name of VECTORS) {
  test(`vector ${name}`, () => {
    const vector = readJson(name);
    vector.entity = readJson(vector.entity_file);
    runVector(vector);
  });
}

// Made by sync/_cursor.py (encode_cursor); the port must produce and read the same strings.
const PYTHON_CURSORS = [
  [
    'epoch-1',
    { 'grid:1': 5, 'user:3': 0 },
    'eyJ2IjoxLCJlIjoiZXBvY2gtMSIsInAiOjAsImIiOnsiZ3JpZDoxIjo1LCJ1c2VyOjMiOjB9fQ',
  ],
  // integer-like keys sort as strings; non-ASCII stays raw UTF-8 (ensure_ascii=False)
  [
    'e9',
    { 9: 1, 10: 2, b: 3, '网格:1': 4 },
    'eyJ2IjoxLCJlIjoiZTkiLCJwIjowLCJiIjp7IjEwIjoyLCI5IjoxLCJiIjozLCLnvZHmoLw6MSI6NH19',
  ],
  ['', {}, 'eyJ2IjoxLCJlIjoiIiwicCI6MCwiYiI6e319'],
  // escapes, and code point order past U+FFFF
  [
    'x"\\\n\u2028',
    { '\u{1F600}': 1, '\uffff': 2 },
    'eyJ2IjoxLCJlIjoieFwiXFxcbuKAqCIsInAiOjAsImIiOnsi77-_IjoyLCLwn5iAIjoxfX0',
  ],
  // the purge mark
  ['epoch-1', { 'grid:1': 5 }, 'eyJ2IjoxLCJlIjoiZXBvY2gtMSIsInAiOjcsImIiOnsiZ3JpZDoxIjo1fX0', 7],
];

test('cursors are byte for byte those of sync/_cursor.py', () => {
  for (const [epoch, positions, token, mark = 0] of PYTHON_CURSORS) {
    assert.equal(encodeCursor(epoch, positions, mark), token);
    const [gotEpoch, gotPositions, gotMark] = decodeCursor(token);
    assert.equal(gotEpoch, epoch);
    assert.equal(gotMark, mark);
    assert.deepEqual(gotPositions, Object.fromEntries(Object.entries(positions).map(([k, v]) => [String(k), v])));
  }
  assert.deepEqual(decodeCursor(null), [null, {}, 0]);
  assert.deepEqual(decodeCursor(''), [null, {}, 0]);
});

test('cursors are read as leniently and as strictly as Python reads them', () => {
  // base64.urlsafe_b64decode: padding optional, stray characters skipped …
  assert.deepEqual(decodeCursor('eyJ2IjoxLCJlIjoiZSIsInAiOjAsImIiOnt9fQ=='), ['e', {}, 0]);
  assert.deepEqual(decodeCursor(encodeCursor('e', { g: 1 }).replace(/^(.{6})/, '$1.')), ['e', { g: 1 }, 0]);
  // … but a partial quantum, a bad version, a negative or fractional seq, non-ASCII: invalid
  const bad = [
    'garbage!',
    'eyJ2Ij!oxLCJlIjoiZSIsImIiOnt9fQ',
    'eyJ2IjoxLCJlIjoiZSIsImIiOnt9fQ=xx',
    encodeCursor('e', { g: 1 }).slice(0, -3),
    encodeCursor('e', { g: 1 }).replace('e', 'x'),
    btoa('{"v":2,"e":"e","b":{}}'),
    btoa('{"v":1,"e":"e","b":{"g":-1}}'),
    btoa('{"v":1,"e":"e","b":{"g":1.5}}'),
    btoa('[]'),
    btoa('1'),
    btoa('"x"'),
    btoa('{"v":1,"e":5,"b":{}}'),
    btoa('{"v":true,"e":"e","b":{}}'),
    btoa('{"v":1,"e":"e","p":-1,"b":{}}'),
    btoa('{"v":1,"e":"e","b":{"g":true}}'),
    btoa('{"v":1,"e":"e","b":{"g":9223372036854775808}}'),
    btoa('{"v":1,"e":"e","p":18446744073709551616,"b":{}}'),
    'eyJ2IjoxLCJlIjoiZSIsImIiOnt9fQ网',
  ];
  for (const token of bad) assert.throws(() => decodeCursor(token), CursorInvalid, token);
});

test('a cursor from another database means start again', () => {
  const engine = new Engine(new MemoryStore('new'), []);
  assert.throws(
    () => engine.pull(new Actor(1, { 'grid:1': ['grid_worker'] }), encodeCursor('old', { 'grid:1': 3 })),
    CursorExpired,
  );
});

test('malformed mutations are refused with the field, as sync/_types.py does', () => {
  const cases = [
    ['not an object', undefined],
    [{ entity: 'note', record_id: 'n1', op: 'create' }, 'id'],
    [{ id: 'm1', entity: 'note', record_id: '', op: 'create' }, 'record_id'],
    [{ id: 'm'.repeat(65), entity: 'note', record_id: 'n1', op: 'create' }, 'id'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'upsert' }, 'op'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'create', fields: [] }, 'fields'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'update', fields: {} }, 'base_version'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'update', base_version: -1 }, 'base_version'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'update', base_version: true }, 'base_version'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'update', base_version: 2 ** 63 }, 'base_version'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'create', colour: 'red' }, 'colour'],
    [{ id: 'm1', entity: 'note', record_id: 'n1', op: 'create', epoch: 7 }, 'epoch'],
  ];
  for (const [raw, field] of cases) {
    assert.throws(
      () => Mutation.fromWire(raw),
      (err) => err instanceof BadMutation && err.details.field === field,
      JSON.stringify(raw),
    );
  }
  // 64 characters counted as Python counts them (code points), not UTF-16 units
  assert.equal(
    Mutation.fromWire({ id: '😀'.repeat(64), entity: 'note', record_id: 'n1', op: 'create' }).id.length,
    128,
  );
});

test('bucket templates: null, empty and list values, Python str() of values', () => {
  const entity = Entity.fromDict({ name: 'x', fields: {}, buckets: ['grid:{grid_id}', 'compound:{compounds}'] });
  assert.deepEqual(entity.buckets({ grid_id: 12, compounds: [3, 1, 3, null, ''] }), [
    'compound:1',
    'compound:3',
    'grid:12',
  ]);
  assert.deepEqual(entity.buckets({ grid_id: null }), []);
  assert.deepEqual(entity.buckets({ grid_id: true }), ['grid:True']);
  assert.deepEqual(entity.buckets({ grid_id: '$&' }), ['grid:$&']);
  assert.throws(
    () => Entity.fromDict({ name: 'x', fields: {}, buckets: ['a:{b}{c}'] }).buckets({}),
    /exactly one placeholder/,
  );
});
