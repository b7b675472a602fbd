// Socket.IO (PROTOCOL.md §8): the server says "pull now" after each commit that touched one of
// our buckets. Pokes are only hints: Socket.IO does not buffer while we are disconnected, so a
// (re)connect pulls too, and the sync client's own timer and `online` handler remain.
import { io } from '/vendor/socket.io/socket.io.esm.min.js';
import { onScopeChange, poke } from './sync-client.js';

let socket = null;
let stopListening = null;

/** Connects with the session cookie (same origin); the server joins us to our bucket rooms. */
export function startLive() {
  if (socket) return;
  socket = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 30000 });
  socket.on('connect', () => poke());
  socket.on('sync:poke', () => poke());
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
  stopListening?.();
  stopListening = null;
  socket?.disconnect();
  socket = null;
}
