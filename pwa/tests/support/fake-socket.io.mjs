// Stands in for the Socket.IO client under node (see resolve-vendor.mjs): io() makes a socket
// that records what the app emits and lets a test fire the server's events. `sockets` lists
// every socket made, newest last.
export const sockets = [];

export function io(options) {
  const handlers = new Map();
  const socket = {
    options,
    emitted: [], // [event, ...args]
    connected: true,
    on(event, fn) {
      handlers.set(event, [...(handlers.get(event) ?? []), fn]);
      return socket;
    },
    emit(event, ...args) {
      socket.emitted.push([event, ...args]);
      return socket;
    },
    /** The server sends `event`. */
    fire(event, ...args) {
      for (const fn of handlers.get(event) ?? []) fn(...args);
    },
    disconnect() {
      socket.connected = false;
      return socket;
    },
  };
  sockets.push(socket);
  return socket;
}
