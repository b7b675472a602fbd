// Socket.IO (PROTOCOL.md §8): the server says "pull now" after each commit that touched one of
// our buckets, and "fetch the directory again" after one that changed a grid's directory.
// Pokes are only hints: Socket.IO does not buffer while we are disconnected, so a (re)connect
// pulls too, and the sync client's own timer and `online` handler remain.
//
// The Socket.IO client is loaded after the first screen is drawn (a third of the app's code;
// the list of tasks comes from IndexedDB and needs none of it).
import { alertArrived, deliveryUpdated } from './alert-events.js';
import { refreshPokedDirectories } from './directory.js';
import { onScopeChange, poke } from './sync-client.js';

let socket = null;
let stopListening = null;
let starting = null;

/**
 * Connects with the session cookie (same origin); the server joins us to our bucket rooms.
 * Resolves once the client is loaded and connecting (never rejects: sync works without it).
 */
export function startLive() {
  if (socket) return Promise.resolve();
  if (starting) return starting;
  const attempt = import('socket.io-client')
    .then(({ io }) => {
      if (starting !== attempt) return; // stopped (signed out) while loading
      starting = null;
      connect(io);
    })
    .catch((err) => {
      if (starting === attempt) starting = null;
      console.warn('could not load the live connection; syncing on its timer', err);
    });
  starting = attempt;
  return attempt;
}

function connect(io) {
  socket = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 30000 });
  // <html data-live="on|off">: whether pokes can reach this page right now (tests wait for it).
  const mark = (state) => {
    if (globalThis.document) document.documentElement.dataset.live = state;
  };
  socket.on('connect', () => {
    mark('on');
    poke();
  });
  socket.on('disconnect', () => mark('off'));
  socket.on('sync:poke', () => poke());
  socket.on('directory:poke', (payload) => refreshPokedDirectories(payload?.buckets));
  // An alert for me (issue 6): the banner shows it at once; its inbox record comes with a pull.
  socket.on('alert', (alert) => {
    alertArrived(alert);
    poke();
  });
  // The author's page: delivery counts of an alert changed (a device acked, a push failed).
  socket.on('alert:counts', (update) => deliveryUpdated(update));
  // The rooms were joined for the buckets of the moment we connected; a pull that lists other
  // buckets (§2) means we must join the new ones, or their pokes would never reach us.
  stopListening = onScopeChange(() => rejoinBuckets());
}

/**
 * After the scope changed (a pull listed other buckets): the server joins us to the rooms of our
 * buckets now and leaves the others. Once it has, pull: a change committed in a new bucket between
 * our pull and the join poked a room we were not in yet.
 */
export function rejoinBuckets() {
  socket?.emit('sync:join', () => poke());
}

export function stopLive() {
  starting = null;
  stopListening?.();
  stopListening = null;
  socket?.disconnect();
  socket = null;
}
