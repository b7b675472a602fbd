// Alerts on the phone without a browser (issue 6): the inbox's order, filters and unread count
// over IndexedDB, reading an entry as an outbox edit of read_at, the publish form's checks and
// body, live delivery counts, Web Push support and the card's rule. The service worker's push
// handlers: sw-push.test.mjs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { beforeEach, test } from 'node:test';

import './support/setup.mjs';

const { IDBFactory } = await import('fake-indexeddb');
const db = await import('../js/db.js');
const alerts = await import('../js/alerts.js');
const inbox = await import('../js/inbox-data.js');
const { receiveServerCopy } = await import('../js/local-records.js');

beforeEach(async () => {
  await db.closeDb();
  globalThis.indexedDB = new IDBFactory();
});

const entry = (id, over = {}) =>
  alerts.entryOf(id, {
    title: id,
    level: 'notice',
    category: 'utility',
    created_at: '2026-11-27T08:00:00Z',
    read_at: null,
    ...over,
  });

async function pulled(id, data) {
  await db.transact(['records', 'outbox'], (tx) =>
    receiveServerCopy(tx, { entity: 'inbox', id, version: 1, data, bucket: 'user:7' }),
  );
}

test('the inbox puts a fresh unread urgent or warning notice on top, then unread, each newest first', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  const sorted = alerts.sortInbox(
    [
      entry('old-read', { read_at: '2026-11-27T09:00:00Z', level: 'urgent' }),
      entry('new', { created_at: '2026-11-27T10:00:00Z' }),
      entry('older', { created_at: '2026-11-26T10:00:00Z' }),
      entry('stale-urgent', { level: 'urgent', created_at: '2026-11-20T10:00:00Z' }),
      entry('warning', { level: 'warning', created_at: '2026-11-27T06:00:00Z' }),
      entry('urgent-over', { level: 'urgent', created_at: '2026-11-27T07:00:00Z', expires_at: '2026-11-27T11:00:00Z' }),
    ],
    now,
  );
  assert.deepEqual(
    sorted.map((e) => e.id),
    ['warning', 'new', 'urgent-over', 'older', 'stale-urgent', 'old-read'],
  );
});

test('filters by category, lists the categories present in catalog order', () => {
  const entries = [
    entry('a', { category: 'weather' }),
    entry('b'),
    entry('c', { category: 'task', read_at: '2026-11-27T09:00:00Z' }),
  ];
  assert.deepEqual(
    alerts.filterInbox(entries, 'weather').map((e) => e.id),
    ['a'],
  );
  assert.equal(alerts.filterInbox(entries, 'all').length, 3);
  assert.deepEqual(alerts.categoriesOf(entries), ['utility', 'weather', 'task']);
  assert.equal(
    alerts.isExpired(entry('x', { expires_at: '2026-11-27T00:00:00Z' }), Date.parse('2026-11-28T00:00:00Z')),
    true,
  );
});

test('the inbox is read from IndexedDB; opening an entry queues read_at and it counts as read at once', async () => {
  const hoursAgo = (h) => new Date(Date.now() - h * 3600e3).toISOString();
  await pulled('e1', {
    user_id: 7,
    alert_id: 3,
    title: '停水通知',
    body: '明日 8:00–18:00 停水',
    level: 'notice',
    category: 'utility',
    created_at: hoursAgo(1),
  });
  await pulled('e2', {
    user_id: 7,
    alert_id: 4,
    title: '暴雨预警',
    level: 'urgent',
    category: 'weather',
    created_at: hoursAgo(2),
  });
  let entries = await inbox.loadInbox();
  assert.deepEqual(
    entries.map((e) => e.id),
    ['e2', 'e1'],
    'a fresh urgent notice on top',
  );
  assert.equal(await inbox.countUnreadInbox(), 2);
  const one = await inbox.loadInboxEntry('e1');
  const result = await inbox.markEntryRead(one, new Date('2026-11-27T09:30:00Z'));
  assert.deepEqual(result.mutation.fields, { read_at: '2026-11-27T09:30:00.000Z' });
  assert.equal(result.mutation.entity, 'inbox');
  entries = await inbox.loadInbox();
  assert.deepEqual(
    entries.map((e) => [e.id, Boolean(e.readAt)]),
    [
      ['e2', false],
      ['e1', true],
    ],
  );
  assert.equal(await inbox.countUnreadInbox(), 1);
  assert.equal(await inbox.markEntryRead(await inbox.loadInboxEntry('e1')), null, 'read once only');
  assert.equal((await inbox.loadInboxEntry('3')).id, 'e1', 'found by its alert id too (a banner knows only that)');
  assert.equal(await inbox.loadInboxEntry('nope'), null);
});

test('the publish form is checked on the phone: title, body length, category, an audience, times', () => {
  const now = Date.parse('2026-11-27T08:00:00Z');
  const good = {
    title: '停水通知',
    body: '明日停水',
    level: 'notice',
    category: 'utility',
    targeting: { compound_ids: ['3', '5'] },
  };
  assert.deepEqual(alerts.alertFormProblems(good, now), {});
  assert.deepEqual(
    Object.keys(
      alerts.alertFormProblems(
        { ...good, title: ' ', body: '水'.repeat(alerts.BODY_MAX + 1), category: null, targeting: {} },
        now,
      ),
    ).sort(),
    ['body', 'category', 'targeting', 'title'],
  );
  assert.equal(
    alerts.alertFormProblems({ ...good, body: '水'.repeat(alerts.BODY_MAX) }, now).body,
    undefined,
    'CJK counts per character',
  );
  assert.deepEqual(alerts.alertFormProblems({ ...good, targeting: {}, everywhere: true }, now), {});
  assert.equal(
    alerts.alertFormProblems({ ...good, sendAt: '2026-11-27T07:00:00Z' }, now).send_at,
    'alerts.form.send_at_past',
  );
  assert.equal(
    alerts.alertFormProblems({ ...good, sendAt: '2026-11-28T07:00:00Z', expiresAt: '2026-11-28T06:00:00Z' }, now)
      .expires_at,
    'alerts.form.expires_before',
  );
  assert.equal(alerts.charCount('停水👍'), 3);
});

test('the form sends numbers per place kind and the roles; everywhere sends no place', () => {
  const body = alerts.alertPayload({
    title: ' 停水通知 ',
    body: '明日停水\n',
    level: 'urgent',
    category: 'utility',
    targeting: { compound_ids: ['3', '5'], roles: ['resident'] },
  });
  assert.deepEqual(body.targeting, {
    org_unit_ids: [],
    grid_ids: [],
    compound_ids: [3, 5],
    building_ids: [],
    roles: ['resident'],
  });
  assert.equal(body.title, '停水通知');
  assert.equal(body.send_at, null);
  const all = alerts.alertPayload({
    title: 't',
    body: 'b',
    level: 'info',
    category: 'other',
    targeting: { grid_ids: ['1'] },
    everywhere: true,
  });
  assert.deepEqual(all.targeting.grid_ids, []);
});

test('the preview asks about the audience only once there is one, and 紧急 or a whole jurisdiction is confirmed', () => {
  assert.equal(alerts.reachBody({ targeting: { roles: ['resident'] } }), null); // nothing to count yet
  assert.deepEqual(alerts.reachBody({ category: 'utility', targeting: { compound_ids: ['3'] } }), {
    targeting: { org_unit_ids: [], grid_ids: [], compound_ids: [3], building_ids: [], roles: [] },
    category: 'utility',
  });
  const everywhere = alerts.reachBody({ everywhere: true, targeting: { compound_ids: ['3'] } });
  assert.deepEqual(everywhere.targeting.compound_ids, []);
  assert.equal(everywhere.category, null); // no category chosen: devices of any category
  assert.equal(alerts.needsConfirmation('urgent', { whole_jurisdiction: false }), true);
  assert.equal(alerts.needsConfirmation('notice', { whole_jurisdiction: true }), true);
  assert.equal(alerts.needsConfirmation('warning', { whole_jurisdiction: false }), false);
});

test("a push that could not be turned on is explained by the catalog, never in the browser's English", () => {
  const dom = (name, message) => Object.assign(new Error(message), { name });
  assert.equal(
    alerts.pushErrorKey(dom('NotAllowedError', 'Registration failed - permission denied')),
    'alerts.push.error.blocked',
  );
  assert.equal(
    alerts.pushErrorKey(dom('AbortError', 'Registration failed - push service error')),
    'alerts.push.error.service',
  );
  assert.equal(alerts.pushErrorKey(dom('NotSupportedError', 'Push is not supported')), 'alerts.push.error.unsupported');
  assert.equal(alerts.pushErrorKey(new Error('anything else')), 'alerts.push.error.service');
  assert.equal(alerts.pushErrorKey({ name: 'ApiError', code: 'offline', message: 'x' }), 'alerts.push.offline');
  // The server's refusal is already in the user's language: shown as it is.
  assert.equal(alerts.pushErrorKey({ name: 'ApiError', status: 422, message: '推送地址不被允许。' }), null);
});

test('delivery counts fill every state; a live update for this alert replaces them, others are ignored', () => {
  const shown = alerts.deliveryCounts({ queued: 2, sent: 3 });
  assert.equal(shown.total, 5);
  assert.equal(shown.failed, 0);
  assert.equal(alerts.applyDeliveryUpdate(shown, '9', { alert_id: 8, counts: { delivered: 1 } }), null);
  const next = alerts.applyDeliveryUpdate(shown, '9', { alert_id: 9, counts: { sent: 2, delivered: 1 } });
  assert.deepEqual([next.sent, next.delivered, next.total], [2, 1, 5]);
});

test('Web Push support: an iPhone outside the Home Screen is told to install, the card is not nagging', () => {
  const iphone =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 ' +
    'Version/17.4 Mobile/15E148 Safari/604.1';
  assert.equal(alerts.pushSupport({ userAgent: iphone }), 'ios-install');
  assert.equal(
    alerts.pushSupport({
      userAgent: iphone,
      standalone: true,
      hasPushManager: true,
      hasNotification: true,
      hasServiceWorker: true,
    }),
    'supported',
  );
  assert.equal(alerts.pushSupport({ userAgent: 'Firefox', hasServiceWorker: true }), 'unsupported');
  const now = Date.parse('2026-11-27T08:00:00Z');
  assert.equal(
    alerts.shouldOfferPush({ support: 'supported', permission: 'default', subscribed: false, dismissedAt: null }, now),
    true,
  );
  assert.equal(alerts.shouldOfferPush({ support: 'supported', permission: 'denied', subscribed: false }, now), false);
  assert.equal(alerts.shouldOfferPush({ support: 'supported', permission: 'granted', subscribed: true }, now), false);
  assert.equal(
    alerts.shouldOfferPush({ support: 'supported', permission: 'default', dismissedAt: now - 86400e3 }, now),
    false,
    'later: a week',
  );
  assert.equal(alerts.shouldOfferPush({ support: 'ios-install', permission: 'default' }, now), true);
  assert.deepEqual([...alerts.base64UrlToBytes('AQID_-8')], [1, 2, 3, 255, 239]);
  assert.deepEqual(
    alerts.subscriptionBody(
      { toJSON: () => ({ endpoint: 'https://p/1', keys: { p256dh: 'k', auth: 'a' }, expirationTime: null }) },
      { categories: null },
    ),
    { endpoint: 'https://p/1', keys: { p256dh: 'k', auth: 'a' }, categories: null },
  );
  assert.equal(
    'categories' in alerts.subscriptionBody({ endpoint: 'e', keys: {} }, { categories: undefined }),
    false,
    'left out: a known device keeps its choice',
  );
});

test('a subscription the browser replaced while the app was closed is adopted, and the worker is told it', async () => {
  const push = await import('../js/push.js');
  const fresh = {
    endpoint: 'https://push.example/fresh',
    toJSON: () => ({ endpoint: 'https://push.example/fresh', keys: { p256dh: 'FP', auth: 'FA' } }),
  };
  const told = [];
  const requests = [];
  let known = [];
  const realFetch = globalThis.fetch;
  globalThis.__redgridPushProvider = { permission: () => 'granted', getSubscription: async () => fresh };
  globalThis.navigator = {
    userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0',
    serviceWorker: { ready: Promise.resolve({ active: { postMessage: (m) => told.push(m) } }) },
  };
  globalThis.fetch = async (url, init = {}) => {
    const body = init.body ? JSON.parse(init.body) : null;
    requests.push([init.method, url, body]);
    const answer =
      url === '/api/csrf'
        ? { csrf_token: 'csrf-1' }
        : init.method === 'GET'
          ? { items: known }
          : { id: 9, endpoint: body.endpoint, categories: body.categories };
    return new Response(JSON.stringify(answer), {
      status: init.method === 'POST' ? 201 : 200,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 10)); // the worker's messages are not awaited
  try {
    // The worker could not tell the server (offline then): registered now, with the device's categories.
    await db.setCached('push:device', { id: 4, endpoint: 'https://push.example/old', categories: ['weather'] });
    await push.greetServiceWorker();
    await settled();
    const post = requests.find(([method]) => method === 'POST');
    assert.deepEqual(post.slice(1), [
      '/api/push/subscriptions',
      {
        endpoint: 'https://push.example/fresh',
        keys: { p256dh: 'FP', auth: 'FA' },
        categories: ['weather'],
        device_label: 'Android · Chrome',
      },
    ]);
    assert.deepEqual(await db.getCached('push:device'), {
      id: 9,
      endpoint: 'https://push.example/fresh',
      categories: ['weather'],
    });
    assert.deepEqual(told, [
      { type: 'flush-acks' },
      { type: 'push-subscription', subscription: { endpoint: 'https://push.example/fresh', auth: 'FA' } },
    ]);

    // The worker told the server already: nothing is registered twice.
    requests.length = 0;
    known = [{ id: 4, endpoint: 'https://push.example/fresh', categories: ['weather'] }];
    await db.setCached('push:device', { id: 4, endpoint: 'https://push.example/old', categories: ['weather'] });
    await push.greetServiceWorker();
    assert.deepEqual(
      requests.map(([method, url]) => `${method} ${url}`),
      ['GET /api/push/subscriptions'],
    );
    assert.equal((await db.getCached('push:device')).endpoint, 'https://push.example/fresh');

    // Unchanged: no request at all, the worker is reminded of the subscription.
    requests.length = 0;
    told.length = 0;
    await push.greetServiceWorker();
    await settled();
    assert.deepEqual(requests, []);
    assert.deepEqual(
      told.map((m) => m.type),
      ['flush-acks', 'push-subscription'],
    );
  } finally {
    globalThis.fetch = realFetch;
    delete globalThis.navigator;
    delete globalThis.__redgridPushProvider;
  }
});

test('a subscription the server refuses says why in the words of its endpoint field', async () => {
  const push = await import('../js/push.js');
  const refused = {
    endpoint: 'https://push.example/x',
    toJSON: () => ({ endpoint: 'https://push.example/x', keys: { p256dh: 'P', auth: 'A' } }),
  };
  const reason = '推送地址不属于本系统允许的推送服务（谷歌 FCM、Mozilla、苹果、微软等），此浏览器暂不能接收通知。';
  const realFetch = globalThis.fetch;
  globalThis.__redgridPushProvider = { permission: () => 'granted', getSubscription: async () => refused };
  globalThis.navigator = { userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0' };
  globalThis.fetch = async (url) => {
    const [status, answer] =
      url === '/api/csrf'
        ? [200, { csrf_token: 'csrf-1' }]
        : url === '/api/push/vapid-public-key'
          ? [200, { public_key: 'AQID' }]
          : [
              422,
              {
                error: {
                  code: 'validation',
                  message: '提交的内容有误，请按提示修改。',
                  fields: { endpoint: [reason] },
                },
              },
            ];
    return new Response(JSON.stringify(answer), { status, headers: { 'Content-Type': 'application/json' } });
  };
  try {
    await db.setCached('push:device', null);
    await assert.rejects(
      push.turnPushOn(),
      (err) => err.status === 422 && err.code === 'validation' && err.message === reason,
    );
    assert.equal(await db.getCached('push:device'), null, 'nothing pretends to be on');
  } finally {
    globalThis.fetch = realFetch;
    delete globalThis.navigator;
    delete globalThis.__redgridPushProvider;
  }
});

test('every code the alert screens name through a built key has an entry in both catalogs', async () => {
  const catalogs = await Promise.all(
    ['zh-CN', 'en'].map(async (locale) =>
      JSON.parse(await readFile(new URL(`../i18n/${locale}.json`, import.meta.url), 'utf8')),
    ),
  );
  // server/alerts/limits.py
  const STATUSES = ['draft', 'pending_approval', 'scheduled', 'sending', 'sent', 'cancelled'];
  const keys = [
    ...alerts.LEVELS.map((code) => `alerts.level.${code}`),
    ...alerts.CATEGORIES.map((code) => `alerts.category.${code}`),
    ...alerts.DELIVERY_STATES.map((state) => `alerts.delivery.${state}`),
    ...STATUSES.flatMap((status) => [`alerts.status.${status}`, `alerts.admin.published_${status}`]),
    ...['resend', 'approve', 'cancel'].map((action) => `alerts.admin.alert-${action}_done`),
    ...alerts.TARGET_ROLES.map((role) => `role.${role}.name`),
    'alerts.push.ios_step1',
    'alerts.push.ios_step2',
    'alerts.push.ios_step3',
  ];
  for (const catalog of catalogs)
    assert.deepEqual(
      keys.filter((key) => !(key in catalog)),
      [],
    );
});
