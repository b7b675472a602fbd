// Socket.IO (PROTOCOL.md §8): the server says "pull now" after each commit that touched one of
// our buckets. Pokes are only hints: Socket.IO does not buffer while we are disconnected, so a
// (re)connect pulls too, and the sync client's own timer and `online` handler remain.
import { io } from '/vendor/socket.io/socket.io.esm.min.js';
import { poke } from './sync-client.js';

let socket = null;

/** Connects with the session cookie (same origin); the server joins us to our bucket rooms. */
export function startLive() {
  if (socket) return;
  socket = io({ path: '/socket.io', withCredentials: true, reconnectionDelayMax: 30000 });
  socket.on('connect', () => poke());
  socket.on('sync:poke', () => poke());
}

/** After the scope changed (a pull listed new buckets): join the new buckets' rooms. */
export function rejoinBuckets() {
  socket?.emit('sync:join');
}

export function stopLive() {
  socket?.disconnect();
  socket = null;
}
