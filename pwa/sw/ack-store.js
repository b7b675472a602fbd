// The service worker's own IndexedDB, `redgrid-sw`: the only module of the worker that touches
// IndexedDB. js/db.js is the page's only one; this is the second, sanctioned one (STYLE.md rule 10),
// written the same way (idb, versioned upgrade steps).
//
// Why not js/db.js's 'redgrid': a worker of one release often runs beside a page of another, so
// one shared database would have them fight over its version (the newer open blocks, the older
// fails with VersionError). The page's data is never touched here, so nothing of it needs migrating.
//
// Stores (version 1), kept across the worker's restarts:
//   acks  key seq (auto-increment, so they stay in the order they happened): acks the server has
//         not taken yet, {token, state, at, endpoint, url} (PROTOCOL.md §13.3)
//   kv    out-of-line keys: 'subscription' {endpoint, auth}, this device's subscription as the
//         page registered it, for a pushsubscriptionchange without oldSubscription (§13.4)
import { openDB } from 'idb';

const DB_NAME = 'redgrid-sw';
const DB_VERSION = 1;

let dbPromise = null;

function open() {
  dbPromise ??= openDB(DB_NAME, DB_VERSION, {
    // Each step upgrades from the one before (add `if (oldVersion < 2) { ... }`, never edit a step).
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('acks', { keyPath: 'seq', autoIncrement: true });
        db.createObjectStore('kv');
      }
    },
    // A newer worker upgrades: let go so it is not blocked; the next call here reopens.
    blocking(_currentVersion, _blockedVersion, event) {
      event.target.close();
      dbPromise = null;
    },
    // Storage cleared: reopen on next use.
    terminated() {
      dbPromise = null;
    },
  }).catch((err) => {
    dbPromise = null;
    throw err;
  });
  return dbPromise;
}

/** Keeps an ack, after the ones kept before it; resolves once it is stored. */
export async function keepAck(entry) {
  const tx = (await open()).transaction('acks', 'readwrite');
  await Promise.all([tx.store.add(entry), tx.done]);
}

/** The kept acks, oldest first. */
export async function keptAcks() {
  return (await open()).getAll('acks');
}

/** Forgets an ack (sent, refused for good, or too old). */
export async function forgetAck(seq) {
  const tx = (await open()).transaction('acks', 'readwrite');
  await Promise.all([tx.store.delete(seq), tx.done]);
}

/** This device's subscription as the page registered it, {endpoint, auth} (null: none). */
export async function keptSubscription() {
  return (await (await open()).get('kv', 'subscription')) ?? null;
}

/** Keeps {endpoint, auth}, or forgets it (null: push turned off on the page). */
export async function keepSubscription(subscription) {
  const tx = (await open()).transaction('kv', 'readwrite');
  const done = subscription ? tx.store.put(subscription, 'subscription') : tx.store.delete('subscription');
  await Promise.all([done, tx.done]);
}
