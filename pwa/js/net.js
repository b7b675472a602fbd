// Whether the device believes it has a network. navigator.onLine can say "online" on a
// captive or dead Wi-Fi, so callers still treat a failed fetch as offline (see api.js);
// this module only drives the indicator and "try again now" moments.

export function isOnline() {
  return navigator.onLine;
}

/** Calls fn(online) whenever the browser's online state flips; returns an unsubscribe function. */
export function onNetworkChange(fn) {
  const up = () => fn(true);
  const down = () => fn(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  return () => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  };
}
