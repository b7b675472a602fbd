// The grid directory on the phone: what a grid worker types becomes a search (directory-search.js),
// and directories are kept in IndexedDB and revalidated with If-None-Match (directory.js, db.js),
// over fake-indexeddb and a fake fetch that answers like server/org/routes.py.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const directory = await import('../js/directory.js');
const search = await import('../js/directory-search.js');
const { loadPlaces } = await import('../js/places.js');

// --- a directory as GET /api/grids/<id>/directory sends it -----------------------------------

const resident = (id, name, extra = {}) => ({
  id,
  name,
  phone_masked: '139****0001',
  gender: 'F',
  birth_year: 1950,
  relation: 'head',
  care_flags: [],
  ...extra,
});

function gridDirectory(gridId = 11, { households } = {}) {
  return {
    grid: {
      id: gridId,
      name: '河西社区第一网格',
      path: ['许昌市', '魏都区', '文峰街道', '河西社区', '河西社区第一网格'],
    },
    compounds: [{ id: 1, name: '河西花园', address: null }],
    buildings: [
      { id: 3, compound_id: 1, name: '3号楼', units: 2, floors: 6 },
      { id: 10, compound_id: 1, name: '10号楼', units: 2, floors: 18 },
    ],
    households: households ?? [
      {
        id: 100,
        building_id: 3,
        unit: '1单元',
        room: '301',
        residents: [resident(1, '王秀英', { care_flags: ['elderly_alone'] })],
      },
      {
        id: 101,
        building_id: 3,
        unit: '2单元',
        room: '301',
        residents: [
          resident(2, '张建华', { care_flags: ['low_income'] }),
          resident(3, '李梅', { relation: 'spouse', care_flags: ['low_income', 'disability'] }),
        ],
      },
      { id: 102, building_id: 3, unit: '2单元', room: '502', residents: [resident(4, '赵磊', { gender: 'M' })] },
      { id: 103, building_id: 10, unit: '2单元', room: '301', residents: [resident(5, '刘洋')] },
      { id: 104, building_id: 10, unit: '1单元', room: '1001', residents: [] },
    ],
  };
}

const rooms = (entries) => entries.map((e) => `${e.building.name}-${e.household.unit}-${e.household.room}`);

// --- search ------------------------------------------------------------------------------------

test('queries are read the way addresses are written in China', () => {
  const parse = (text) => {
    const { building, unit, room, any, words } = search.parseQuery(text);
    return { building, unit, room, any, words };
  };
  const q = (building, unit, room, any = null, words = []) => ({ building, unit, room, any, words });
  assert.deepEqual(parse('3-2-301'), q(3, 2, '301'));
  assert.deepEqual(parse('３－２－３０１'), q(3, 2, '301')); // full-width, as some Chinese keyboards type
  assert.deepEqual(parse('3号楼 301'), q(3, null, '301'));
  assert.deepEqual(parse('3号楼2单元301室'), q(3, 2, '301'));
  assert.deepEqual(parse('3栋2单元'), q(3, 2, null));
  assert.deepEqual(parse('三号楼 二单元 502'), q(3, 2, '502'));
  assert.deepEqual(parse('十号楼'), q(10, null, null));
  assert.deepEqual(parse('3#301'), q(3, null, '301'));
  assert.deepEqual(parse('3-301'), q(3, null, '301')); // two numbers: building and room
  assert.deepEqual(parse('3/2/301'), q(3, 2, '301'));
  assert.deepEqual(parse('301'), q(null, null, null, '301')); // alone: a building or a room
  assert.deepEqual(parse('2单元 5'), q(null, 2, '5')); // the room being typed
  assert.deepEqual(parse('王秀英'), q(null, null, null, null, ['王秀英']));
  assert.deepEqual(parse('3号楼 张'), q(3, null, null, null, ['张']));
  assert.deepEqual(parse('  '), q(null, null, null));
  assert.equal(search.chineseNumber('二十三'), 23);
  assert.equal(search.numberIn('10号楼'), 10);
  assert.equal(search.numberIn('A座'), null);
});

test('search finds households by building, unit, room or name, in display order', () => {
  const index = search.buildIndex([gridDirectory()]);
  const find = (text, flags = []) => rooms(search.searchDirectory(index, text, flags));
  assert.equal(find('').length, 5);
  assert.deepEqual(find('3-2-301'), ['3号楼-2单元-301']);
  assert.deepEqual(find('3号楼 301'), ['3号楼-1单元-301', '3号楼-2单元-301']);
  assert.deepEqual(find('10-2-301'), ['10号楼-2单元-301']); // building 10 is not building 1 or 3
  assert.deepEqual(find('3栋2单元'), ['3号楼-2单元-301', '3号楼-2单元-502']);
  assert.deepEqual(find('3-2-5'), ['3号楼-2单元-502']); // while typing 502
  assert.deepEqual(find('301'), ['3号楼-1单元-301', '3号楼-2单元-301', '10号楼-2单元-301']);
  assert.deepEqual(find('10'), ['10号楼-2单元-301', '10号楼-1单元-1001']); // building 10 or rooms 10…
  assert.deepEqual(find('李梅'), ['3号楼-2单元-301']);
  assert.deepEqual(find('3号楼 赵'), ['3号楼-2单元-502']);
  assert.deepEqual(find('河西花园 1001'), ['10号楼-1单元-1001']);
  assert.deepEqual(find('7-1-101'), []);
  assert.deepEqual(find('0003'), []); // not building 3
});

test('care filters keep households where anyone has any chosen flag, and are counted', () => {
  const index = search.buildIndex([gridDirectory()]);
  assert.deepEqual(rooms(search.searchDirectory(index, '', ['elderly_alone'])), ['3号楼-1单元-301']);
  assert.deepEqual(rooms(search.searchDirectory(index, '', ['disability'])), ['3号楼-2单元-301']);
  assert.deepEqual(rooms(search.searchDirectory(index, '', new Set(['elderly_alone', 'low_income']))), [
    '3号楼-1单元-301',
    '3号楼-2单元-301',
  ]);
  assert.deepEqual(rooms(search.searchDirectory(index, '10号楼', ['low_income'])), []);
  assert.deepEqual(search.countFlags(index), { elderly_alone: 1, low_income: 1, disability: 1 });
});

// --- storage and revalidation -----------------------------------------------------------------

const ME = {
  user: { id: 7, phone: '13800000003', display_name: '王志强' },
  roles: [
    {
      id: 1,
      role: 'grid_worker',
      scope_type: 'org_unit',
      scope_id: 11,
      scope_name: '河西社区第一网格',
      scope_path: [],
    },
  ],
};
const withGrids = (...ids) => ({
  ...ME,
  roles: ids.map((id, i) => ({ ...ME.roles[0], id: i + 1, scope_id: id, scope_name: `网格${id}` })),
});

/** Answers like server/org/routes.py: 200 with a weak ETag, 304 when If-None-Match matches. */
function fakeServer() {
  const server = {
    directories: new Map([
      [11, gridDirectory(11)],
      [12, gridDirectory(12)],
    ]),
    requests: [],
    offline: false,
  };
  const tag = (gridId) =>
    `W/"${JSON.stringify(server.directories.get(gridId)).length}-${server.directories.get(gridId).households.length}"`;
  server.fetch = async (path, init = {}) => {
    if (server.offline) throw new TypeError('Failed to fetch');
    const headers = init.headers ?? {};
    server.requests.push({ path, ifNoneMatch: headers['If-None-Match'] ?? null });
    const phone = /^\/api\/residents\/(\d+)\/phone$/.exec(path);
    if (phone)
      return new Response(JSON.stringify({ id: Number(phone[1]), phone: '13912345678' }), {
        headers: { 'Content-Type': 'application/json' },
      });
    const gridId = Number(/^\/api\/grids\/(\d+)\/directory$/.exec(path)?.[1]);
    if (!server.directories.has(gridId)) {
      return new Response(
        JSON.stringify({ error: { code: 'not_found', message: '找不到该内容，或您无权查看。', fields: {} } }),
        { status: 404, headers: { 'Content-Type': 'application/json' } },
      );
    }
    const etag = tag(gridId);
    if (headers['If-None-Match'] === etag) return new Response(null, { status: 304, headers: { ETag: etag } });
    return new Response(JSON.stringify(server.directories.get(gridId)), {
      headers: { 'Content-Type': 'application/json', ETag: etag },
    });
  };
  return server;
}

let server;

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
  server = fakeServer();
  globalThis.fetch = server.fetch;
});

test('a directory is stored on the phone and then revalidated with its ETag: 304, nothing rewritten', async () => {
  const first = await directory.refreshDirectories(ME, { prune: true });
  assert.deepEqual(first.updated, [11]);
  const [entry] = await db.listDirectoryEntries();
  assert.equal(entry.grid_id, 11);
  assert.match(entry.etag, /^W\/"/);
  assert.deepEqual(entry.data, gridDirectory(11));
  assert.deepEqual(await db.listDirectories(), [gridDirectory(11)]); // what places.js reads

  const second = await directory.refreshDirectories(ME, { prune: true });
  assert.deepEqual(second, { updated: [], unchanged: [11], failed: [] });
  assert.equal(server.requests.at(-1).ifNoneMatch, entry.etag);
  const after = await db.getDirectoryEntry(11);
  assert.equal(after.saved_at, entry.saved_at);
  assert.ok(after.checked_at >= entry.checked_at);

  server.directories.get(11).households.pop(); // the register changed on the server
  const third = await directory.refreshDirectories(ME);
  assert.deepEqual(third.updated, [11]);
  assert.equal((await db.getDirectoryEntry(11)).data.households.length, 4);
});

test('listeners hear about new directories; the task screens read them through places.js', async () => {
  const heard = [];
  const stop = directory.onDirectoriesChange((result) => heard.push(result.updated));
  await directory.refreshDirectories(ME);
  await directory.refreshDirectories(ME); // unchanged: nothing to say
  stop();
  assert.deepEqual(heard, [[11]]);
  const places = await loadPlaces();
  assert.equal(places.buildings.get(10).name, '10号楼');
  assert.equal(places.households.get(101).residents[1].care_flags[1], 'disability');
});

test('a directory poke fetches the named grids again, after a refresh under way, pokes in a row as one', async () => {
  await directory.refreshDirectories(withGrids(11, 12));
  const heard = [];
  const stop = directory.onDirectoriesChange((result) => heard.push(result.updated));
  server.directories.get(12).households.pop(); // a care flag changed on the server: grid 12 poked
  const before = server.requests.length;
  const running = directory.refreshDirectories(withGrids(11, 12)); // e.g. the app came online just now
  const poked = directory.refreshPokedDirectories(['grid:12', 'org:4']);
  const again = directory.refreshPokedDirectories(['grid:12']);
  assert.equal(again, poked, 'pokes while one waits join it');
  await running;
  const result = await poked;
  stop();
  assert.deepEqual(
    result,
    { updated: [], unchanged: [12], failed: [] },
    'the refresh under way already had the change',
  );
  assert.deepEqual(
    server.requests.slice(before).map((r) => r.path),
    ['/api/grids/11/directory', '/api/grids/12/directory', '/api/grids/12/directory'],
  );
  assert.deepEqual(heard, [[12]]);
  server.directories.get(12).households.pop();
  assert.deepEqual((await directory.refreshPokedDirectories(['grid:12'])).updated, [12]);
  assert.equal((await db.getDirectoryEntry(12)).data.households.length, 3);
  assert.deepEqual(await directory.refreshPokedDirectories(['org:4']), { updated: [], unchanged: [], failed: [] });
});

test("live.js: the server's directory poke fetches that grid's directory", async () => {
  const { sockets } = await import('./support/fake-socket.io.mjs');
  const live = await import('../js/live.js');
  await directory.refreshDirectories(withGrids(11, 12));
  await live.startLive();
  try {
    const before = server.requests.length;
    server.directories.get(11).households.pop();
    sockets.at(-1).fire('directory:poke', { buckets: ['grid:11'] });
    await directory.refreshPokedDirectories([]); // joins the poke's refresh: resolves when it is done
    assert.deepEqual(
      server.requests.slice(before).map((r) => r.path),
      ['/api/grids/11/directory'],
    );
    assert.equal((await db.getDirectoryEntry(11)).data.households.length, 4);
  } finally {
    live.stopLive();
  }
});

test('offline, the kept copy stays and the refresh says why it failed, without throwing', async () => {
  await directory.refreshDirectories(ME);
  server.offline = true;
  const result = await directory.refreshDirectories(ME, { prune: true });
  assert.equal(result.failed[0].error.code, 'offline');
  assert.deepEqual(await db.listDirectories(), [gridDirectory(11)]);
  await assert.rejects(directory.fetchFullPhone(1), (err) => err.code === 'offline');
});

test('each grid of the worker is kept; a grid taken away leaves the phone only on a fresh /api/me', async () => {
  await directory.refreshDirectories(withGrids(11, 12));
  assert.deepEqual(
    (await db.listDirectoryEntries()).map((e) => e.grid_id),
    [11, 12],
  );
  await directory.refreshDirectories(withGrids(12)); // the offline copy of /api/me: nothing dropped
  assert.deepEqual(
    (await db.listDirectoryEntries()).map((e) => e.grid_id),
    [11, 12],
  );
  await directory.refreshDirectories(withGrids(12), { prune: true });
  assert.deepEqual(
    (await db.listDirectoryEntries()).map((e) => e.grid_id),
    [12],
  );
  const other = await directory.refreshDirectories(withGrids(99));
  assert.equal(other.failed[0].error.status, 404); // not (or no longer) this user's grid
});

test('signing out forgets the directories with the rest of the user data', async () => {
  await directory.refreshDirectories(ME);
  await db.forgetUserData();
  assert.deepEqual(await db.listDirectoryEntries(), []);
});

test('the full number comes from the server when asked and is not stored', async () => {
  await directory.refreshDirectories(ME);
  assert.equal(await directory.fetchFullPhone(2), '13912345678');
  assert.equal(server.requests.at(-1).path, '/api/residents/2/phone');
  const stored = JSON.stringify(await db.listDirectoryEntries());
  assert.ok(!stored.includes('13912345678'));
});

test('a phone on the version 2 database upgrades without losing its records', async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
  const { openDB } = await import('idb');
  const old = await openDB('redgrid', 2, {
    upgrade(database) {
      database.createObjectStore('kv');
      database.createObjectStore('records', { keyPath: ['entity', 'id'] }).createIndex('entity', 'entity');
      database.createObjectStore('meta');
    },
  });
  await old.put('records', { entity: 'note', id: 'n1', data: { title: '老数据' } });
  old.close();
  assert.equal((await db.getRecord('note', 'n1')).data.title, '老数据');
  await directory.refreshDirectories(ME);
  assert.equal((await db.listDirectories()).length, 1);
});
