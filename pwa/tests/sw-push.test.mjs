// The service worker's Web Push handlers (issue 6: sw/push.js, sw/ack-store.js) run in a VM, bundled
// as dist/sw.js ships them (build-sw.mjs), with a fake `self` and an in-memory IndexedDB: push
// shows a notification and acks it; a click opens the alert and acks it; acks that fail offline
// are kept and sent once each, in order, on the next push, on Background Sync or the page's
// message; a refused one is dropped; pushsubscriptionchange proves itself by the old
// subscription (the event's, else the one the page told the worker).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import vm from 'node:vm';

import {
  IDBCursor,
  IDBDatabase,
  IDBFactory,
  IDBIndex,
  IDBObjectStore,
  IDBRequest,
  IDBTransaction,
} from 'fake-indexeddb';

import { bundleServiceWorker } from '../build-sw.mjs';

const { code: SOURCE } = await bundleServiceWorker();
// What idb looks up as globals, besides indexedDB.
const IDB_CLASSES = { IDBCursor, IDBDatabase, IDBIndex, IDBObjectStore, IDBRequest, IDBTransaction };

/**
 * A worker with its own fake network: `network.mode` 'online' answers (`network.status(url,
 * body)` picks the status, 200 by default), 'offline' throws as fetch does. Every request that
 * reached the server is in `posted`. indexedDB: pass the previous worker's to restart it with its
 * storage (the browser stops idle workers).
 */
async function serviceWorker({
  windows = [],
  indexedDB = new IDBFactory(),
  subscription = { endpoint: 'https://push.example/mine' },
} = {}) {
  const listeners = {};
  const shown = [];
  const posted = [];
  const opened = [];
  const syncs = [];
  const network = { mode: 'online', status: () => 200 };
  const registration = {
    scope: 'http://127.0.0.1:5000/',
    showNotification: async (title, options) => {
      shown.push({ title, options });
    },
    pushManager: {
      getSubscription: async () => subscription,
      subscribe: async (options) => ({
        endpoint: 'https://push.example/new',
        options,
        toJSON: () => ({ endpoint: 'https://push.example/new', keys: { p256dh: 'P', auth: 'A' } }),
      }),
    },
    sync: {
      register: async (tag) => {
        syncs.push(tag);
      },
    },
  };
  const self = {
    location: new URL('http://127.0.0.1:5000/sw.js'),
    registration,
    addEventListener: (name, fn) => {
      (listeners[name] ??= []).push(fn);
    },
    clients: {
      matchAll: async () => windows,
      openWindow: async (url) => {
        opened.push(url);
      },
      claim: async () => {},
    },
    skipWaiting: async () => {},
  };
  const fetch = async (url, init = {}) => {
    if (network.mode === 'offline') throw new TypeError('Failed to fetch');
    const body = init.body ? JSON.parse(init.body) : null;
    const status = network.status(url, body);
    posted.push({ url, init, body, status });
    return new Response(JSON.stringify({ public_key: 'AQID', state: body?.state }), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  vm.runInNewContext(SOURCE, {
    self,
    caches: {},
    fetch,
    indexedDB,
    ...IDB_CLASSES,
    DOMException,
    URL,
    Response,
    JSON,
    Date,
    console,
    setTimeout,
    clearTimeout,
    Promise,
    Error,
    TypeError,
  });
  /** Fires an event at every listener; resolves (or rejects) as the promises given to waitUntil do. */
  const fire = async (name, event) => {
    const waited = [];
    for (const listener of listeners[name] ?? [])
      listener({
        ...event,
        waitUntil: (promise) => {
          waited.push(promise);
        },
      });
    await Promise.all(waited);
  };
  const acks = () =>
    posted.filter((p) => p.url === '/api/alerts/ack').map((p) => [p.body.token, p.body.state, p.status]);
  return { fire, shown, posted, opened, syncs, network, indexedDB, acks };
}

// As server/alerts/jobs.py push() makes it.
const PAYLOAD = {
  id: 'e1',
  alert_id: 3,
  title: '停水通知',
  body: '河西小区明日停水',
  level: 'urgent',
  category: 'utility',
  link: '#/inbox/e1',
  ack: 'tok-1234567890abcdef',
  ack_url: '/api/alerts/ack',
};
const push = (payload) => ({ data: { json: () => payload, text: () => JSON.stringify(payload) } });
const click = (token) => ({
  notification: {
    data: { url: 'http://127.0.0.1:5000/#/inbox/e1', token, ackUrl: '/api/alerts/ack' },
    close: () => {},
  },
});

test('push shows the notification with the topic as tag and the link, and acks delivered', async () => {
  const page = {
    url: 'http://127.0.0.1:5000/#/',
    messages: [],
    postMessage(m) {
      this.messages.push(m);
    },
  };
  const sw = await serviceWorker({ windows: [page] });
  await sw.fire('push', push(PAYLOAD));
  assert.equal(sw.shown.length, 1);
  const { title, options } = sw.shown[0];
  assert.equal(title, '停水通知');
  assert.equal(options.tag, 'alert-3');
  assert.equal(options.requireInteraction, true);
  assert.equal(options.data.url, 'http://127.0.0.1:5000/#/inbox/e1');
  assert.equal(sw.posted.length, 1);
  const { url, body, init } = sw.posted[0];
  assert.equal(url, '/api/alerts/ack');
  assert.deepEqual(
    { ...body, at: undefined },
    { token: PAYLOAD.ack, state: 'delivered', endpoint: 'https://push.example/mine', at: undefined },
  );
  assert.ok(Math.abs(Date.parse(body.at) - Date.now()) < 5000, 'the time it happened on the phone');
  assert.equal(init.credentials, 'omit', 'the token authenticates, not the session');
  assert.equal(page.messages[0].type, 'push');
  assert.equal(page.messages[0].alert.ack, undefined, 'the token stays in the worker');
  assert.deepEqual(sw.syncs, [], 'nothing kept, no sync asked for');
});

test('a push that is not JSON still shows a notification (no silent pushes)', async () => {
  const sw = await serviceWorker();
  await sw.fire('push', {
    data: {
      json: () => {
        throw new SyntaxError('x');
      },
      text: () => '有新消息',
    },
  });
  assert.equal(sw.shown[0].title, '红格');
  assert.equal(sw.shown[0].options.body, '有新消息');
  assert.equal(sw.posted.length, 0, 'no token, no ack');
});

test('a click focuses an open window and sends it to the alert, or opens one; acks clicked', async () => {
  const page = {
    url: 'http://127.0.0.1:5000/#/',
    focused: false,
    messages: [],
    focus() {
      this.focused = true;
    },
    postMessage(m) {
      this.messages.push(m);
    },
  };
  let sw = await serviceWorker({ windows: [page] });
  let closed = false;
  const event = click('tok-1234567890abcdef');
  event.notification.close = () => {
    closed = true;
  };
  await sw.fire('notificationclick', event);
  assert.equal(closed, true);
  assert.equal(page.focused, true);
  assert.deepEqual(JSON.parse(JSON.stringify(page.messages)), [
    { type: 'open', url: 'http://127.0.0.1:5000/#/inbox/e1' },
  ]);
  assert.deepEqual(sw.acks(), [['tok-1234567890abcdef', 'clicked', 200]]);
  assert.equal(sw.posted[0].body.endpoint, 'https://push.example/mine');
  sw = await serviceWorker();
  await sw.fire('notificationclick', event);
  assert.deepEqual(sw.opened, ['http://127.0.0.1:5000/#/inbox/e1']);
});

test(
  'acks made offline are kept and sent once each, in order, with their own times, when the ' + 'network is back',
  async () => {
    const sw = await serviceWorker();
    sw.network.mode = 'offline';
    await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-a' }));
    await sw.fire('notificationclick', click('tok-a'));
    await sw.fire('push', push({ ...PAYLOAD, id: 'e2', ack: 'tok-b' }));
    assert.deepEqual(sw.posted, [], 'nothing reached the server');
    assert.deepEqual(sw.syncs, ['redgrid-acks', 'redgrid-acks', 'redgrid-acks'], 'Background Sync asked for');
    await assert.rejects(
      sw.fire('sync', { tag: 'redgrid-acks' }),
      /3 ack\(s\) kept/,
      'still offline: the browser tries again later',
    );

    // The worker was stopped meanwhile; a new one finds the queue in IndexedDB.
    const next = await serviceWorker({ indexedDB: sw.indexedDB });
    await next.fire('sync', { tag: 'redgrid-acks' });
    assert.deepEqual(next.acks(), [
      ['tok-a', 'delivered', 200],
      ['tok-a', 'clicked', 200],
      ['tok-b', 'delivered', 200],
    ]);
    const times = next.posted.map((p) => Date.parse(p.body.at));
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      'each with the time it happened, oldest first',
    );
    await next.fire('sync', { tag: 'redgrid-acks' });
    await next.fire('message', { data: { type: 'flush-acks' } });
    assert.equal(next.posted.length, 3, 'once each');
  },
);

test("the next push sends the kept acks before its own; the page's message sends them too", async () => {
  const sw = await serviceWorker();
  sw.network.mode = 'offline';
  await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-a' }));
  sw.network.mode = 'online';
  await sw.fire('push', push({ ...PAYLOAD, id: 'e2', ack: 'tok-b' }));
  assert.deepEqual(sw.acks(), [
    ['tok-a', 'delivered', 200],
    ['tok-b', 'delivered', 200],
  ]);

  sw.network.mode = 'offline';
  await sw.fire('notificationclick', click('tok-b'));
  sw.network.mode = 'online';
  await Promise.all([
    sw.fire('message', { data: { type: 'flush-acks' } }),
    sw.fire('message', { data: { type: 'flush-acks' } }),
  ]);
  assert.deepEqual(sw.acks().slice(2), [['tok-b', 'clicked', 200]], 'two flushes at once: still once');
});

test('the page\'s "back online" may come a moment early: the worker tries again shortly after', async () => {
  const sw = await serviceWorker();
  sw.network.mode = 'offline';
  await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-a' }));
  setTimeout(() => {
    sw.network.mode = 'online';
  }, 300); // requests get through 0.3 s after 'online'
  const started = Date.now();
  await sw.fire('message', { data: { type: 'flush-acks' } });
  assert.deepEqual(sw.acks(), [['tok-a', 'delivered', 200]]);
  assert.ok(Date.now() - started < 3000, 'at the first retry');
});

test('an ack the server refuses for good is dropped; a busy or failing server keeps it', async () => {
  const sw = await serviceWorker();
  const answers = { 'tok-gone': 404, 'tok-busy': 429, 'tok-down': 503 };
  sw.network.status = (_url, body) => answers[body?.token] ?? 200;
  await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-gone' }));
  await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-busy' }));
  await sw.fire('push', push({ ...PAYLOAD, ack: 'tok-ok' }));
  // 404 dropped; 429 kept, and the one after it waits behind it (order is kept).
  assert.deepEqual(sw.acks(), [
    ['tok-gone', 'delivered', 404],
    ['tok-busy', 'delivered', 429],
    ['tok-busy', 'delivered', 429],
  ]);
  answers['tok-busy'] = 503;
  await assert.rejects(sw.fire('sync', { tag: 'redgrid-acks' }));
  answers['tok-busy'] = 200;
  await sw.fire('sync', { tag: 'redgrid-acks' });
  assert.deepEqual(sw.acks().slice(3), [
    ['tok-busy', 'delivered', 503],
    ['tok-busy', 'delivered', 200],
    ['tok-ok', 'delivered', 200],
  ]);
  await sw.fire('sync', { tag: 'redgrid-acks' });
  assert.equal(sw.acks().filter(([token]) => token === 'tok-gone').length, 1, 'the refused one never again');
});

test(
  'pushsubscriptionchange subscribes again with the old key and proves the change by the old ' + 'endpoint and auth',
  async () => {
    const sw = await serviceWorker();
    const old = {
      endpoint: 'https://push.example/old',
      options: { applicationServerKey: new Uint8Array([1, 2, 3]) },
      toJSON: () => ({ endpoint: 'https://push.example/old', keys: { p256dh: 'OP', auth: 'old-auth' } }),
    };
    await sw.fire('pushsubscriptionchange', { oldSubscription: old, newSubscription: null });
    const change = sw.posted.find((p) => p.url === '/api/push/subscriptions/change');
    assert.deepEqual(change.body, {
      old_endpoint: 'https://push.example/old',
      old_auth: 'old-auth',
      subscription: { endpoint: 'https://push.example/new', keys: { p256dh: 'P', auth: 'A' } },
    });
    assert.equal(change.init.credentials, 'omit', 'no session, no CSRF token: the old subscription is the proof');
    assert.equal(change.init.headers['X-CSRFToken'], undefined);
    assert.equal(
      sw.posted.some((p) => p.url === '/api/csrf'),
      false,
    );
  },
);

test(
  'without oldSubscription, the change is proved by what the page told the worker; the new ' +
    'one is kept for next time',
  async () => {
    const sw = await serviceWorker();
    await sw.fire('message', {
      data: { type: 'push-subscription', subscription: { endpoint: 'https://push.example/old', auth: 'page-auth' } },
    });
    const fresh = {
      endpoint: 'https://push.example/fresh',
      toJSON: () => ({ endpoint: 'https://push.example/fresh', keys: { p256dh: 'FP', auth: 'fresh-auth' } }),
    };
    await sw.fire('pushsubscriptionchange', { oldSubscription: null, newSubscription: fresh });
    const bodies = () => sw.posted.filter((p) => p.url === '/api/push/subscriptions/change').map((p) => p.body);
    assert.deepEqual(bodies(), [
      {
        old_endpoint: 'https://push.example/old',
        old_auth: 'page-auth',
        subscription: { endpoint: 'https://push.example/fresh', keys: { p256dh: 'FP', auth: 'fresh-auth' } },
      },
    ]);
    // Rotated again, still without oldSubscription: the worker proves it with the one it kept.
    await sw.fire('pushsubscriptionchange', { oldSubscription: null, newSubscription: null });
    assert.deepEqual(bodies()[1], {
      old_endpoint: 'https://push.example/fresh',
      old_auth: 'fresh-auth',
      subscription: { endpoint: 'https://push.example/new', keys: { p256dh: 'P', auth: 'A' } },
    });
    // Turned off on the page: nothing kept, nothing to prove with.
    await sw.fire('message', { data: { type: 'push-subscription', subscription: null } });
    await sw.fire('pushsubscriptionchange', { oldSubscription: null, newSubscription: fresh });
    assert.equal(bodies().length, 2);
  },
);
