// Where the grid worker is, for a task's report and a problem report (DESIGN.md §1): a GPS fix
// with its accuracy, or an explicit reason why there is none. A basement has no fix and a
// worker may refuse the permission; neither ever stops a report from being saved.
//
// A position is {location_status, location}:
//   ok           location {lat, lng, accuracy} (degrees, metres)
//   denied       the user or the browser refused the permission; location null
//   unavailable  no fix in time, no GPS, or no geolocation at all; location null
//   pending      still looking (only while a form is open; saved as unavailable)

export const LOCATE_TIMEOUT_MS = 20000; // a cold GPS on a cheap phone near a window
export const QUICK_TIMEOUT_MS = 4000; // a status change (开始) waits at most this long (+1 s, see locate)
const PERMISSION_DENIED = 1; // GeolocationPositionError.PERMISSION_DENIED

export const PENDING = Object.freeze({ location_status: 'pending', location: null });
export const UNAVAILABLE = Object.freeze({ location_status: 'unavailable', location: null });

/** {lat, lng, accuracy} from a GeolocationPosition: ~0.1 m and 1 m are more than a phone knows. */
export function locationOf(position) {
  const { latitude, longitude, accuracy } = position.coords;
  const round = (value, digits) => Math.round(value * 10 ** digits) / 10 ** digits;
  return { lat: round(latitude, 6), lng: round(longitude, 6), accuracy: Math.max(0, Math.round(accuracy ?? 0)) };
}

/**
 * One attempt at a fix; never rejects. Resolves to a position (see above, never pending).
 * The browser's own `timeout` does not count the time a permission prompt stays open, so a
 * timer of our own ends the wait too. maximumAgeMs: a fix this recent is good enough.
 */
export function locate({
  geolocation = globalThis.navigator?.geolocation,
  timeoutMs = LOCATE_TIMEOUT_MS,
  maximumAgeMs = 60000,
} = {}) {
  if (!geolocation?.getCurrentPosition) return Promise.resolve({ ...UNAVAILABLE, reason: 'unsupported' });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (position) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(position);
    };
    const guard = setTimeout(() => settle({ ...UNAVAILABLE, reason: 'timeout' }), timeoutMs + 1000);
    try {
      geolocation.getCurrentPosition(
        (position) => settle({ location_status: 'ok', location: locationOf(position) }),
        (error) =>
          settle(
            error?.code === PERMISSION_DENIED
              ? { location_status: 'denied', location: null, reason: 'denied' }
              : { ...UNAVAILABLE, reason: error?.code === 3 ? 'timeout' : 'no_fix' },
          ),
        { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: maximumAgeMs },
      );
    } catch {
      settle({ ...UNAVAILABLE, reason: 'unsupported' }); // e.g. a policy that throws on use
    }
  });
}

/** The fields a report saves from a position: a pending search is saved as "unavailable". */
export function positionFields(position = UNAVAILABLE) {
  if (position.location_status === 'ok' && position.location)
    return { location: position.location, location_status: 'ok' };
  if (position.location_status === 'denied') return { location: null, location_status: 'denied' };
  return { location: null, location_status: 'unavailable' };
}
