// The PouchDB peer of bench/sync_browser.py (issue 17): express-pouchdb 4.2.0 on in-memory
// PouchDB 9 (pouchdb-adapter-memory), gzip on (express-pouchdb's own compression middleware,
// the `compression` package), serving one database "tasks" of --docs task-sized documents.
//
//   node bench/peers/pouchdb_server.js --docs 10000 --seed 2026
//
// Prints "listening <port>" once the documents are stored. Besides CouchDB's API it serves:
//   GET  /_bench/            the page the browser opens (loads PouchDB's browser build)
//   GET  /_bench/pouchdb.min.js
//   POST /_bench/change?n=N  another device's N updates (status and notes) of existing documents,
//                            written on the server; answers {changed: N} once they are stored
//   GET  /_bench/docs?n=N    N new documents of the same shape, made on the phone (the push row)
'use strict';

const path = require('path');
const express = require('express');
const PouchDB = require('pouchdb').plugin(require('pouchdb-adapter-memory'));
const expressPouchDB = require('express-pouchdb');

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join('=')
    .split(/=?--/)
    .filter(Boolean)
    .map((pair) => pair.split('=')),
);
const DOCS = Number(args.docs ?? 10000);
let seed = Number(args.seed ?? 2026);

// A small seeded generator (mulberry32): the same documents on every run.
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const day = (offset) => new Date(Date.UTC(2026, 10, 1) + offset * 86400000).toISOString();

const KINDS = ['household_visit', 'info_check', 'hazard_check', 'notice', 'follow_up'];
const PLACES = ['河西社区第一网格', '东城街道北关社区', '魏都区西关小区', '建安区文峰花园', '许昌市七里店社区'];
const TITLES = ['入户走访独居老人', '核实常住人口信息', '排查楼道消防隐患', '张贴停水通知', '回访居民诉求办理情况'];
const ITEMS = ['核对住户', '查看燃气', '询问诉求', '拍照记录', '告知电话'];
const STATUSES = ['open', 'in_progress', 'done'];
const GRID = uuid();

/** One document of ~630 bytes: a Chinese title, 5 checklist items, ids and dates. */
function makeDoc() {
  const created = Math.floor(random() * 30);
  return {
    _id: uuid(),
    type: 'task',
    kind: pick(KINDS),
    title: `${pick(PLACES)}：${pick(TITLES)}（第${Math.floor(random() * 900) + 100}号楼）`,
    status: pick(STATUSES),
    grid_id: GRID,
    assignee_id: uuid(),
    due_at: day(created + 7),
    created_at: day(created),
    notes: '',
    checklist: ITEMS.map((label, i) => ({ key: `c${i + 1}`, label, done: random() < 0.5 })),
  };
}

async function main() {
  const MemPouch = PouchDB.defaults({ adapter: 'memory' });
  // express-pouchdb's least mode that PouchDB replication needs, compression included; made
  // before the database, so that its list of databases (pouchdb-all-dbs) holds "tasks".
  const couch = expressPouchDB(MemPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const tasks = new MemPouch('tasks');
  const ids = [];
  for (let start = 0; start < DOCS; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, DOCS - start) }, makeDoc);
    await tasks.bulkDocs(batch);
    ids.push(...batch.map((doc) => doc._id));
  }

  const app = express();
  app.get('/_bench/', (req, res) => {
    res.type('html').send('<!doctype html><meta charset="utf-8"><script src="/_bench/pouchdb.min.js"></script>');
  });
  app.get('/_bench/pouchdb.min.js', (req, res) => {
    res.sendFile(path.join(path.dirname(require.resolve('pouchdb/package.json')), 'dist', 'pouchdb.min.js'));
  });
  app.post('/_bench/change', async (req, res, next) => {
    try {
      const n = Number(req.query.n ?? 100);
      const chosen = new Set();
      while (chosen.size < Math.min(n, ids.length)) chosen.add(pick(ids));
      const docs = (await tasks.allDocs({ keys: [...chosen], include_docs: true })).rows.map((row) => row.doc);
      for (const doc of docs) {
        doc.status = pick(STATUSES);
        doc.notes = `已回访，${pick(ITEMS)}（${hex(6)}）`;
        doc.updated_at = new Date().toISOString();
      }
      await tasks.bulkDocs(docs);
      res.json({ changed: docs.length });
    } catch (err) {
      next(err);
    }
  });
  app.get('/_bench/docs', (req, res) => {
    res.json(Array.from({ length: Number(req.query.n ?? 200) }, makeDoc));
  });
  app.use('/', couch);

  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
