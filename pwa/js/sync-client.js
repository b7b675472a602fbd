// The sync loop (PROTOCOL.md §5, §6, §8; DESIGN.md §5): upload photos, push the outbox, pull
// every page. It runs on app start, when the browser comes online, every 60 s while the page is
// visible, after a local edit, and when the server pokes (poke(), called by the Socket.IO layer).
// One run at a time; failures back off exponentially with full jitter. Screens follow it
// through subscribe(): {state, pending, rejected, conflicts, lastSyncAt, lastError, errorCode,
// retryInMs}.
import { ApiError } from './api.js';
import { getMeta, setMeta, transact } from './db.js';
import { countOutbox, onOutboxChange } from './outbox.js';
import { releaseSentPhotos, uploadQueuedPhotos } from './photos.js';
import { PAGE_LIMIT, pullAll } from './sync-pull.js';
import { BATCH_SIZE, pushOutbox } from './sync-push.js';

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 5 * 60 * 1000;
export const TIMER_MS = 60 * 1000;
const AFTER_EDIT_MS = 1000; // several quick edits leave in one push
// A sync with nothing new does no IndexedDB writes (issue 17): the last-sync time is written at
// most this often, and when the page is hidden or left (so that a reload shows it); bytes of sent
// photos are released after a run that sent something or a change of the outbox, else at most
// this often.
export const LAST_SYNC_WRITE_MS = 60 * 1000;
export const RELEASE_EVERY_MS = 10 * 60 * 1000;

/**
 * How long to wait before retry number `attempt` (0 first): full jitter, a uniform pick in
 * [0, min(cap, 1 s · 2^attempt)], so that phones coming back together do not arrive together;
 * never sooner than the server's Retry-After (§6.4).
 */
export function backoffDelay(attempt, retryAfterMs = null, random = Math.random) {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(Math.floor(random() * ceiling), retryAfterMs ?? 0);
}

/** What a failure means for the loop: back off and retry, or wait for a person. */
function classify(err) {
  // a bug or storage trouble: report, keep trying slowly
  if (!(err instanceof ApiError)) return { state: 'error', retry: true };
  if (err.code === 'pull_loop') return { state: 'error', retry: false };
  if (err.status === 0) return { state: 'offline', retry: true };
  if (err.status >= 500 || err.status === 429) return { state: 'error', retry: true };
  // §3: update the app
  if (err.code === 'unsupported_protocol') return { state: 'error', halt: 'unsupported_protocol' };
  if (err.status === 401) return { state: 'error', halt: 'unauthorized' }; // sign in again; the outbox stays
  return { state: 'error', halt: 'client_error' }; // 400/422 of an envelope: our bug, do not loop (§6.4)
}

/**
 * A sync loop. options: batchSize, pageLimit, random (for the jitter), env (the global object:
 * window, document, navigator, timers), so tests can run several clients without a browser;
 * onScopeChange(buckets, previous): called when a pull lists other buckets than before (§2).
 */
export function createSyncClient({
  batchSize = BATCH_SIZE,
  pageLimit = PAGE_LIMIT,
  random = Math.random,
  env = globalThis,
  onScopeChange = null,
} = {}) {
  const status = {
    state: 'idle',
    pending: 0,
    rejected: 0,
    conflicts: 0,
    lastSyncAt: null,
    lastError: null,
    errorCode: null,
    retryInMs: null,
  };
  const listeners = new Set();
  let running = null; // the promise of the run in progress
  let quiet = false; // the last run sent nothing and found the outbox as it was
  let again = false; // something asked for a sync during the run: run once more after it
  let attempt = 0; // failures in a row
  let retryTimer = null;
  let editTimer = null;
  let halted = null; // why automatic syncing stopped until a person acts
  let stopTriggers = null;
  let persistAsked = false;
  let clientId = null; // meta 'client_id', once read or made (kept by forgetUserData too)
  let stored = { syncAt: null, error: undefined }; // what meta holds, as far as this loop knows
  let releasedAt = null; // when sent photos' bytes were last released
  let outboxChanged = true; // since then (an edit discarded frees the photos it named)
  onOutboxChange(() => {
    outboxChanged = true;
  });

  function setStatus(changes) {
    Object.assign(status, changes);
    const snapshot = { ...status };
    for (const fn of listeners) {
      try {
        fn(snapshot);
      } catch (err) {
        console.warn('sync status listener failed', err);
      }
    }
  }

  async function refreshCounts() {
    try {
      setStatus(await countOutbox());
    } catch (err) {
      console.warn('could not count the outbox', err);
    }
  }

  /** Runs a sync now, or joins the one running (which then runs once more, to catch what asked). */
  function syncNow() {
    if (halted === 'unsupported_protocol') return Promise.resolve({ ...status });
    halted = null;
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
        } while ((await runOnce()) && again);
      } finally {
        running = null;
      }
      return { ...status };
    })();
    return running;
  }

  /** One upload–push–pull pass; resolves to true when it succeeded. Never throws. */
  async function runOnce() {
    clearTimer('retry');
    setStatus({ state: 'syncing' });
    try {
      await askPersistenceOnce();
      const id = await clientIdOf();
      const pushed = await withLock(async () => {
        await uploadQueuedPhotos();
        const answers = await pushOutbox({ clientId: id, batchSize });
        await pullAll({ limit: pageLimit, onScopeChange });
        answers.sent = answers.results > 0;
        await releasePhotoBytes(answers.sent);
        return answers;
      });
      attempt = 0;
      const lastSyncAt = Date.now();
      // A photo the server refuses holds back the edits that show it: the user must act.
      const stuck = pushed.blocked[0]?.error ?? null;
      quiet = !pushed.sent && !stuck;
      await rememberSync(lastSyncAt, stuck);
      setStatus({
        state: stuck ? 'error' : 'idle',
        retryInMs: null,
        lastSyncAt,
        lastError: stuck?.message ?? null,
        errorCode: stuck?.code ?? null,
        conflicts: pushed.results ? pushed.conflicts : status.conflicts,
      });
      return true;
    } catch (err) {
      quiet = false;
      await fail(err);
      return false;
    } finally {
      // A run that sent nothing changed no counts (a local edit refreshes them itself).
      if (!quiet) await refreshCounts();
    }
  }

  /**
   * Writes meta 'last_sync_at' and 'last_error' in one transaction, only what changed: the time
   * when the stored one is LAST_SYNC_WRITE_MS old (flushLastSync() writes it when the page goes).
   */
  async function rememberSync(lastSyncAt, stuck) {
    const writeTime = stored.syncAt === null || lastSyncAt - stored.syncAt >= LAST_SYNC_WRITE_MS;
    const writeError = stored.error === undefined || JSON.stringify(stored.error) !== JSON.stringify(stuck);
    if (!writeTime && !writeError) return;
    await transact(['meta'], async (tx) => {
      if (writeTime) await tx.meta.set('last_sync_at', lastSyncAt);
      if (writeError) await tx.meta.set('last_error', stuck);
    });
    if (writeTime) stored.syncAt = lastSyncAt;
    stored.error = stuck;
  }

  /** The last-sync time held in memory only, written now (the page is hidden or unloading). */
  function flushLastSync() {
    const at = status.lastSyncAt;
    if (at === null || stored.syncAt === null || at <= stored.syncAt) return;
    stored.syncAt = at;
    setMeta('last_sync_at', at).catch((err) => console.warn('could not store the last sync time', err));
  }

  async function fail(err) {
    const verdict = classify(err);
    if (!(err instanceof ApiError)) console.error('sync failed', err);
    if (verdict.halt) halted = verdict.halt;
    let retryInMs = null;
    if (verdict.retry) {
      retryInMs = backoffDelay(attempt, err.retryAfterMs ?? null, random);
      attempt += 1;
      retryTimer = env.setTimeout(() => {
        retryTimer = null;
        automatic();
      }, retryInMs);
    }
    // Offline is a state, not an error to show; otherwise the server's own words (§9).
    const lastError = verdict.state === 'offline' ? null : err.message;
    setStatus({ state: verdict.state, lastError, errorCode: err.code ?? null, retryInMs });
    try {
      const stuck = lastError && { code: err.code ?? null, message: lastError };
      await setMeta('last_error', stuck);
      stored.error = stuck;
    } catch {
      // storage itself may be what failed; the status above still says it
    }
  }

  /** Frees the space of photos the server has and no queued edit needs; a failure here is no sync failure. */
  async function releasePhotoBytes(sent) {
    const now = Date.now();
    if (!sent && !outboxChanged && releasedAt !== null && now - releasedAt < RELEASE_EVERY_MS) return;
    outboxChanged = false;
    try {
      await releaseSentPhotos(now);
      releasedAt = now;
    } catch (err) {
      console.warn('could not release uploaded photos', err);
    }
  }

  /** Web Locks, where there are any: two tabs never push the same batch at once. */
  function withLock(fn) {
    const locks = env.navigator?.locks;
    return locks ? locks.request('redgrid-sync', fn) : fn();
  }

  /** One id per installed app (§6.1), made once and kept (read once per page). */
  async function clientIdOf() {
    clientId ??= await transact(['meta'], async (tx) => {
      let id = await tx.meta.get('client_id');
      if (!id) {
        id = crypto.randomUUID();
        await tx.meta.set('client_id', id);
      }
      return id;
    });
    return clientId;
  }

  /** Asks once per install that the browser keep our data (DESIGN.md §5): an outbox must not be evicted. */
  async function askPersistenceOnce() {
    const storage = env.navigator?.storage;
    if (persistAsked || !storage?.persist) return;
    persistAsked = true;
    if (await getMeta('storage_persist_asked')) return;
    try {
      const granted = (await storage.persisted?.()) || (await storage.persist());
      await setMeta('storage_persist_asked', { at: Date.now(), granted });
    } catch (err) {
      console.warn('could not ask for persistent storage', err);
    }
  }

  /** A sync no person asked for: skipped while halted, so that a refusal does not loop. */
  function automatic() {
    if (!halted) syncNow();
  }

  /** A routine trigger (timer, page shown, local edit): also waits out a backoff in progress. */
  function routine() {
    if (retryTimer === null) automatic();
  }

  function clearTimer(which) {
    if (which === 'retry' && retryTimer !== null) {
      env.clearTimeout(retryTimer);
      retryTimer = null;
    }
    if (which === 'edit' && editTimer !== null) {
      env.clearTimeout(editTimer);
      editTimer = null;
    }
  }

  /** The server says there are changes (§8), or the network is back: now, not after the backoff. */
  function poke() {
    attempt = 0;
    automatic();
  }

  /** Starts the triggers (idempotent) and syncs once. Call after sign-in. */
  function start() {
    if (!stopTriggers) {
      getMeta('last_sync_at').then(
        (at) => status.lastSyncAt ?? setStatus({ lastSyncAt: at ?? null }),
        () => {},
      );
      const visible = () => (env.document?.visibilityState ?? 'visible') === 'visible';
      const onOnline = () => poke();
      const onOffline = () => status.state !== 'syncing' && setStatus({ state: 'offline' });
      const onVisible = () => (visible() ? routine() : flushLastSync());
      const tick = env.setInterval(() => visible() && routine(), TIMER_MS);
      const unsubscribe = onOutboxChange((reason) => {
        refreshCounts();
        if (reason !== 'queued') return;
        clearTimer('edit');
        editTimer = env.setTimeout(() => {
          editTimer = null;
          routine();
        }, AFTER_EDIT_MS);
      });
      env.addEventListener?.('online', onOnline);
      env.addEventListener?.('offline', onOffline);
      env.addEventListener?.('pagehide', flushLastSync);
      env.document?.addEventListener?.('visibilitychange', onVisible);
      stopTriggers = () => {
        env.clearInterval(tick);
        unsubscribe();
        env.removeEventListener?.('online', onOnline);
        env.removeEventListener?.('offline', onOffline);
        env.removeEventListener?.('pagehide', flushLastSync);
        env.document?.removeEventListener?.('visibilitychange', onVisible);
      };
    }
    return syncNow();
  }

  /** Stops every trigger (sign-out). A run in progress finishes. */
  function stop() {
    stopTriggers?.();
    stopTriggers = null;
    // Sign-out forgets the user's data: what meta held is unknown again.
    stored = { syncAt: null, error: undefined };
    releasedAt = null;
    clearTimer('retry');
    clearTimer('edit');
  }

  /** Calls fn(status) now and after every change; returns a function that unsubscribes. */
  function subscribe(fn) {
    listeners.add(fn);
    fn({ ...status });
    refreshCounts();
    return () => listeners.delete(fn);
  }

  return { syncNow, poke, start, stop, subscribe, getStatus: () => ({ ...status }) };
}

// Who wants to hear that the user's buckets changed (live.js: rejoin the Socket.IO rooms, §8).
const scopeListeners = new Set();

/** Calls fn(buckets, previous) when a pull of the app's sync loop lists other buckets; returns an unsubscribe. */
export function onScopeChange(fn) {
  scopeListeners.add(fn);
  return () => scopeListeners.delete(fn);
}

// The app's one sync loop.
const client = createSyncClient({
  onScopeChange: (buckets, previous) => {
    for (const fn of scopeListeners) {
      try {
        fn(buckets, previous);
      } catch (err) {
        console.warn('scope change listener failed', err);
      }
    }
  },
});
export const { syncNow, poke, start: startSync, stop: stopSync, subscribe, getStatus } = client;

/**
 * Resolves once this phone has synced for the signed-in user at least once (at once when it has),
 * or once a first sync failed (offline: what the phone holds is all there is). A fresh phone's
 * home waits for it rather than saying "no tasks" a moment before they arrive.
 */
export async function whenFirstSynced() {
  if (await getMeta('last_sync_at')) return;
  await new Promise((resolve) => {
    let done = false;
    let stop = null;
    const check = (status) => {
      if (done || !(status.lastSyncAt || status.state === 'error' || status.state === 'offline')) return;
      done = true;
      stop?.();
      resolve();
    };
    stop = subscribe(check);
    if (done) stop();
  });
}
