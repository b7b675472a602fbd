// Web Push on this device (issue 6, DESIGN.md §6): ask from a tap (never on load), subscribe with
// the server's VAPID key, tell the server, choose categories, turn it off. The browser's side
// goes through a "provider" so that tests can put in a subscription: headless Chromium refuses
// pushManager.subscribe and there is no push service here (RECIPES.md). A page sets
// `window.__redgridPushProvider` before it subscribes (README, test hooks).
import { base64UrlToBytes, pushSupport, subscriptionBody } from './alerts.js';
import { get, patch, post, request } from './api.js';
import { getCached, setCached } from './db.js';

const KEPT = 'push:device'; // kv: {id, endpoint, categories} of this device's subscription
const DISMISSED = 'push:offer-dismissed-at'; // kv: when the user said 以后再说

function browserProvider() {
  const registration = () => navigator.serviceWorker.ready;
  return {
    permission: () => globalThis.Notification?.permission ?? 'default',
    requestPermission: () => Notification.requestPermission(),
    getSubscription: async () => (await registration()).pushManager.getSubscription(),
    subscribe: async (options) => (await registration()).pushManager.subscribe(options),
  };
}

const provider = () => globalThis.__redgridPushProvider ?? browserProvider();

/** 'supported' | 'ios-install' | 'unsupported' for this browser (alerts.js pushSupport). */
export function thisBrowserSupport() {
  if (globalThis.__redgridPushProvider) return 'supported';
  return pushSupport({
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints ?? 0,
    standalone: globalThis.matchMedia?.('(display-mode: standalone)').matches || navigator.standalone === true,
    hasPushManager: 'PushManager' in globalThis,
    hasNotification: 'Notification' in globalThis,
    hasServiceWorker: 'serviceWorker' in navigator,
  });
}

export const permission = () => provider().permission();

/** {id, endpoint, categories} of this device's subscription as the server took it, or null. */
export async function deviceSubscription() {
  const kept = (await getCached(KEPT)) ?? null;
  if (!kept) return null;
  // The browser may have dropped it (permission revoked in settings): then it is gone here too.
  try {
    const current = await provider().getSubscription();
    if (!current || current.endpoint !== kept.endpoint) return null;
  } catch {
    return null;
  }
  return kept;
}

/** The VAPID public key (URL-safe base64) from the server. */
async function vapidKey() {
  const data = await get('/api/push/vapid-public-key');
  const key = data?.public_key ?? data?.key ?? data?.vapid_public_key;
  if (!key) throw new Error('no VAPID key');
  return key;
}

/**
 * From a tap: asks for permission, subscribes, registers the subscription with the server.
 * Resolves to {state: 'subscribed' | 'denied' | 'dismissed'}; throws ApiError when the server
 * could not be told (nothing pretends to succeed).
 */
export async function turnPushOn({ categories } = {}) {
  const p = provider();
  const answer = p.permission() === 'granted' ? 'granted' : await p.requestPermission();
  if (answer !== 'granted') return { state: answer === 'denied' ? 'denied' : 'dismissed' };
  const key = await vapidKey();
  let subscription = await p.getSubscription();
  if (!subscription)
    subscription = await p.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) });
  const saved = await post(
    '/api/push/subscriptions',
    subscriptionBody(subscription, { categories, device_label: deviceLabel() }),
  ).catch(inTheEndpointsWords);
  await setCached(KEPT, {
    id: saved?.id ?? null,
    endpoint: subscription.toJSON?.().endpoint ?? subscription.endpoint,
    categories: saved?.categories ?? categories ?? null,
  });
  tellServiceWorker(workerCopy(subscription));
  return { state: 'subscribed' };
}

/** Turns push off on this device: the server forgets it, then the browser unsubscribes. */
export async function turnPushOff() {
  const kept = await getCached(KEPT);
  // Nothing registered from this phone: nothing to undo (and serviceWorker.ready may never settle).
  if (!kept?.endpoint) return;
  const subscription = await provider()
    .getSubscription()
    .catch(() => null);
  await request('DELETE', '/api/push/subscriptions', { endpoint: kept.endpoint });
  await subscription?.unsubscribe?.();
  await setCached(KEPT, null);
  tellServiceWorker(null);
}

/** Which categories this device takes (null: all). */
export async function saveCategories(categories) {
  const kept = await getCached(KEPT);
  if (!kept?.endpoint) throw new Error('not subscribed');
  const saved = await patch('/api/push/subscriptions', { endpoint: kept.endpoint, categories });
  await setCached(KEPT, { ...kept, categories: saved?.categories ?? categories ?? null });
}

// --- the service worker's side (sw.js) ----------------------------------------------------------

/**
 * At start and back online: the worker sends the acks it kept while offline, and learns this
 * device's subscription if it was registered before the worker kept one (an older release).
 */
export async function greetServiceWorker() {
  tellServiceWorker(null, 'flush-acks');
  const kept = await getCached(KEPT);
  if (!kept?.endpoint) return;
  const current = await provider()
    .getSubscription()
    .catch(() => null);
  const copy = current ? workerCopy(current) : null;
  if (!copy) return;
  if (copy.endpoint !== kept.endpoint) await adoptChangedSubscription(current, kept);
  tellServiceWorker(copy);
}

/**
 * The browser replaced the subscription while no page was open (pushsubscriptionchange, sw.js):
 * the server has the new one when the worker could tell it; else it is registered now, with this
 * device's categories. Either way this page keeps the new endpoint (or it would show push as off).
 */
async function adoptChangedSubscription(current, kept) {
  const endpoint = workerCopy(current).endpoint;
  const known = ((await get('/api/push/subscriptions'))?.items ?? []).find((s) => s.endpoint === endpoint);
  const saved =
    known ??
    (await post(
      '/api/push/subscriptions',
      subscriptionBody(current, { categories: kept.categories ?? null, device_label: deviceLabel() }),
    ).catch(inTheEndpointsWords));
  await setCached(KEPT, { id: saved?.id ?? null, endpoint, categories: saved?.categories ?? kept.categories ?? null });
}

/**
 * A refused subscription says why in its endpoint's words (PROTOCOL.md §13.4: not a push service
 * the server allows, not https, …): the general "some fields are invalid" would tell a resident
 * nothing, there being no field on the screen to correct. Rethrows.
 */
function inTheEndpointsWords(err) {
  const reason = err?.fields?.endpoint?.[0];
  if (typeof reason === 'string' && reason) err.message = reason;
  throw err;
}

/**
 * {endpoint, auth} of a subscription: with them the worker proves a pushsubscriptionchange to the
 * server, which it must do without a session (PROTOCOL.md §13.4). The auth secret never leaves
 * this browser except to our own server, which has it already.
 */
function workerCopy(subscription) {
  const json = subscription.toJSON?.() ?? subscription;
  return json?.endpoint && json.keys?.auth ? { endpoint: json.endpoint, auth: json.keys.auth } : null;
}

/** Posts to the active worker, not waiting for it (serviceWorker.ready may never settle without one). */
function tellServiceWorker(subscription, type = 'push-subscription') {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return;
  const message = type === 'push-subscription' ? { type, subscription } : { type };
  container.ready.then((registration) => registration.active?.postMessage(message)).catch(() => {});
}

/** The user said 以后再说 on the card: not asked again for a week. */
export const dismissOffer = () => setCached(DISMISSED, Date.now());
export const offerDismissedAt = async () => (await getCached(DISMISSED)) ?? null;

function deviceLabel() {
  const ua = navigator.userAgent;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac/.test(ua)
          ? 'macOS'
          : 'Linux';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : '';
  return [os, browser].filter(Boolean).join(' · ').slice(0, 80);
}
