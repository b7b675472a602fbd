// Web Push (issue 6, DESIGN.md §6): every push shows a notification and is acked `delivered`; a
// tap opens the alert and is acked `clicked` (PROTOCOL.md §13.3); acks that fail are kept
// (ack-store.js) and sent in order later; pushsubscriptionchange subscribes again (§13.4).
// The server's payload (server/alerts/jobs.py push, PROTOCOL.md §13): {id (the inbox entry),
// alert_id, title, body, level, category, link, ack (the delivery's token), ack_url}. Every push
// shows a notification: a silent one gets the subscription revoked (iOS), and the user agreed to
// be told, not to be tracked.
import { forgetAck, keepAck, keepSubscription, keptAcks, keptSubscription } from './ack-store.js';

const ACK_URL = '/api/alerts/ack';
const SUBSCRIPTION_CHANGE_URL = '/api/push/subscriptions/change';
const VAPID_KEY_URL = '/api/push/vapid-public-key';
const ACK_SYNC_TAG = 'redgrid-acks';
// An ack kept this long is dropped unsent: the alert's counts were read long ago.
const ACK_KEEP_MS = 14 * 24 * 3600e3;
// 'online' may come a moment before requests get through (and in Chromium the worker's network
// can follow the page's): tries after the page's message, before leaving it to Background Sync.
const ACK_RETRY_DELAYS_MS = [1000, 4000, 10000];

/** The push's JSON, or a plain-text body under the app's name (never a silent push). */
function readPush(data) {
  let payload = {};
  try {
    payload = data ? data.json() : {};
  } catch {
    payload = { body: data?.text() ?? '' };
  }
  return payload && typeof payload === 'object' ? payload : {};
}

/** The app's address for a payload: its inbox entry, its in-app link, else the inbox. */
function appUrlOf(payload) {
  const scope = self.registration?.scope ?? '/';
  const id = payload.id ?? payload.inbox_id ?? payload.alert_id;
  if (id != null && id !== '') return `${scope}#/inbox/${encodeURIComponent(id)}`;
  if (typeof payload.link === 'string' && payload.link.startsWith('#/')) return `${scope}${payload.link}`;
  return `${scope}#/inbox`;
}

/** What showNotification gets: the topic as tag, so a newer version of a notice replaces the older. */
function notificationOf(payload) {
  const urgent = payload.level === 'urgent';
  return {
    title: payload.title || '红格',
    options: {
      body: payload.body ?? '',
      // The push's Topic header is topic_for("alert", alert_id) = "alert-<id>" (server/push/sender.py).
      tag: payload.topic ?? (payload.alert_id != null ? `alert-${payload.alert_id}` : undefined),
      renotify: Boolean(payload.topic ?? payload.alert_id), // a replaced notice alerts again
      requireInteraction: urgent,
      icon: '/icons/icon-192.png',
      badge: '/icons/favicon-32.png',
      lang: 'zh-CN',
      timestamp: payload.sent_at ? Date.parse(payload.sent_at) || Date.now() : Date.now(),
      data: { url: appUrlOf(payload), token: payload.ack ?? payload.token ?? null, ackUrl: payload.ack_url ?? ACK_URL },
    },
  };
}

// --- acks (PROTOCOL.md §13.3) ---
// Every ack goes into the queue first and the queue is sent in order, so one that failed (no
// signal in the stairwell) goes out before the next, with the time it happened. The queue is
// sent again on the next push or click, on Background Sync where the browser has it, and when the
// page starts or comes back online (its 'flush-acks' message, js/push.js).

/**
 * Tells the server the push reached this device (delivered) or was tapped (clicked). No session
 * here: the delivery's token in the payload authenticates it.
 */
async function ack(data, state) {
  if (!data?.token) return;
  // The endpoint tells the server which of the user's devices this is (several may have it).
  const subscription = await self.registration.pushManager?.getSubscription?.().catch(() => null);
  const entry = {
    token: data.token,
    state,
    at: new Date().toISOString(),
    endpoint: subscription?.endpoint ?? null,
    url: data.ackUrl ?? ACK_URL,
  };
  try {
    await keepAck(entry);
  } catch {
    await sendAck(entry); // no IndexedDB here (a private window): one try, nothing kept
    return;
  }
  if (await flushAcks()) await registerAckSync();
}

/** 'done' (taken), 'drop' (refused for good: an unknown token, a bad body) or 'keep' (try later). */
async function sendAck(entry) {
  let response;
  try {
    response = await fetch(entry.url ?? ACK_URL, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: entry.token, state: entry.state, endpoint: entry.endpoint, at: entry.at }),
    });
  } catch {
    return 'keep'; // offline
  }
  if (response.ok) return 'done';
  return response.status === 408 || response.status === 429 || response.status >= 500 ? 'keep' : 'drop';
}

let flushing = Promise.resolve(0);

/** Sends the kept acks, oldest first, stopping at the first to keep; resolves to how many are left. */
function flushAcks() {
  // One flush at a time (a push and the page's message may come together): each ack once.
  flushing = flushing.catch(() => 0).then(flushOnce);
  return flushing;
}

async function flushOnce() {
  const entries = await keptAcks();
  for (const [i, entry] of entries.entries()) {
    const stale = Date.now() - Date.parse(entry.at) > ACK_KEEP_MS;
    if (!stale && (await sendAck(entry)) === 'keep') return entries.length - i;
    await forgetAck(entry.seq);
  }
  return 0;
}

/** Background Sync (Chromium): the browser wakes us when the network is back, page or not. */
async function registerAckSync() {
  try {
    await self.registration.sync?.register(ACK_SYNC_TAG);
  } catch {
    // not allowed here: the next push or the page's start sends them
  }
}

async function flushAfterOnline() {
  if (!(await flushAcks())) return;
  for (const delay of ACK_RETRY_DELAYS_MS) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (!(await flushAcks())) return;
  }
  await registerAckSync();
}

self.addEventListener('sync', (event) => {
  if (event.tag !== ACK_SYNC_TAG) return;
  // Rejecting asks the browser to try again later (with its own back-off).
  event.waitUntil(
    flushAcks().then((left) => {
      if (left) throw new Error(`${left} ack(s) kept for later`);
    }),
  );
});

// The page (js/push.js): 'flush-acks' when it starts or comes back online; 'push-subscription'
// {endpoint, auth} when it subscribed this device (null: turned off).
self.addEventListener('message', (event) => {
  const { type } = event.data ?? {};
  if (type === 'flush-acks') {
    event.waitUntil(flushAfterOnline());
  } else if (type === 'push-subscription') {
    const { subscription } = event.data;
    const kept =
      subscription?.endpoint && subscription.auth ? { endpoint: subscription.endpoint, auth: subscription.auth } : null;
    event.waitUntil(keepSubscription(kept));
  }
});

self.addEventListener('push', (event) => {
  const payload = readPush(event.data);
  const { title, options } = notificationOf(payload);
  event.waitUntil(
    (async () => {
      await self.registration.showNotification(title, options);
      // An open page shows the alert at once too (it may not be connected over Socket.IO).
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const client of windows)
        client.postMessage({ type: 'push', alert: { ...payload, ack: undefined, token: undefined } });
      await ack(options.data, 'delivered');
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data ?? {};
  const url = data.url ?? `${self.registration.scope}#/inbox`;
  event.waitUntil(
    (async () => {
      // An open window of the app goes to the alert; else a new one opens (offline too: the shell
      // is cached and the inbox is in IndexedDB).
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        open.postMessage({ type: 'open', url });
      } else {
        await self.clients.openWindow(url);
      }
      await ack(data, 'clicked');
    })(),
  );
});

// The push service replaced (or dropped) our subscription: subscribe again with the same key and
// tell the server old → new, or pushes would stop reaching this phone without anyone knowing.
// No session here (it may have ended, and a worker has no CSRF token): the old subscription's
// endpoint and auth secret, which only this browser knows, prove the change (PROTOCOL.md §13.4).
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const old = await oldSubscriptionOf(event.oldSubscription ?? null);
      let fresh = event.newSubscription ?? null;
      if (!fresh) {
        let key = event.oldSubscription?.options?.applicationServerKey ?? null;
        if (!key) {
          const response = await fetch(VAPID_KEY_URL, { credentials: 'omit' });
          key = (await response.json()).public_key;
        }
        fresh = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      }
      if (!old) return; // nothing the server knows to replace; the app registers it at the next visit
      const json = fresh.toJSON();
      const response = await fetch(SUBSCRIPTION_CHANGE_URL, {
        method: 'POST',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          old_endpoint: old.endpoint,
          old_auth: old.auth,
          subscription: { endpoint: json.endpoint, keys: json.keys },
        }),
      });
      if (response.ok) await keepSubscription({ endpoint: json.endpoint, auth: json.keys.auth });
    })(),
  );
});

/**
 * {endpoint, auth} of the subscription the server knows: the event's old subscription, else (some
 * browsers give none, or one without keys) what the page told us when it subscribed.
 */
async function oldSubscriptionOf(oldSubscription) {
  const json = oldSubscription?.toJSON?.() ?? oldSubscription ?? {};
  if (json.endpoint && json.keys?.auth) return { endpoint: json.endpoint, auth: json.keys.auth };
  const kept = await keptSubscription().catch(() => null);
  if (!kept?.endpoint || !kept.auth) return null;
  return !json.endpoint || json.endpoint === kept.endpoint ? kept : null;
}
