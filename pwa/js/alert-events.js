// Alert events from the live connection (live.js) to whatever screen is listening: an alert that
// arrived (the banner, the home badge) and new delivery counts of an alert (its author's page).
// Socket.IO loads after the first screen, so screens subscribe here rather than to the socket.
const listeners = { alert: new Set(), delivery: new Set() };

function on(kind, fn) {
  listeners[kind].add(fn);
  return () => listeners[kind].delete(fn);
}

function emit(kind, payload) {
  for (const fn of [...listeners[kind]]) fn(payload);
}

/** Calls fn(alert) for each alert that arrives live; returns the function that stops it. */
export const onAlertArrived = (fn) => on('alert', fn);
export const alertArrived = (alert) => emit('alert', alert);
/** Calls fn({alert_id, counts}) for each delivery update; returns the function that stops it. */
export const onDeliveryUpdate = (fn) => on('delivery', fn);
export const deliveryUpdated = (update) => emit('delivery', update);
