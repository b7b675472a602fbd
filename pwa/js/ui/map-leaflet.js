// Leaflet, and the one way the app draws a map with it: loaded with this module only when a map
// is shown (ui/place-map.js, ui/task-map.js), never at start and never precached (build.mjs): a
// phone whose deployment has no tile server never fetches it. Tiles come from the deployment's
// server (REDGRID_TILE_URL, PROTOCOL.md §22), straight from the network: the service worker
// keeps none of them.
import {
  circleMarker,
  divIcon,
  latLngBounds,
  map as leafletMap,
  marker,
  tileLayer,
} from 'leaflet/dist/leaflet-src.esm.js';

const STYLESHEET = '/css/map.css'; // leaflet.css and ours (build.mjs)
let stylesheet = null;

/** The maps' stylesheet, added once and awaited (tiles without it are scattered over the page). */
function loadStyles() {
  stylesheet ??= new Promise((resolve) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLESHEET;
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
    document.head.append(link);
  });
  return stylesheet;
}

// Leaflet writes the attribution as HTML: the deployment's text is shown as text.
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Draws a map into `box` (sized by CSS beforehand, so nothing shifts) and returns Leaflet's map.
 * points: [{lat, lng, kind: 'compound' | 'fix' | 'me', label, count?, onTap?}]: a compound is a
 * red disc (with its count when given), a fix a blue dot, the worker a green dot.
 */
export async function drawMap(box, { settings, points, zoom = 16 }) {
  await loadStyles();
  const map = leafletMap(box, { zoomControl: true, attributionControl: true, tapTolerance: 20 });
  map.attributionControl.setPrefix(false);
  tileLayer(settings.tileUrl, {
    maxZoom: 19,
    attribution: escapeHtml(settings.attribution),
    subdomains: 'abc',
  }).addTo(map);
  const layers = points.map((point) => addPoint(map, point));
  fit(map, points, zoom);
  return { map, layers };
}

function addPoint(map, point) {
  if (point.kind === 'compound') {
    const icon = divIcon({
      className: `map-pin${point.count ? ' map-pin--count' : ''}`,
      html: point.count ? `<span>${Number(point.count)}</span>` : '',
      iconSize: [36, 36],
      iconAnchor: [18, 18],
    });
    const pin = marker([point.lat, point.lng], { icon, title: point.label, alt: point.label, keyboard: true });
    if (point.onTap) pin.on('click', () => point.onTap());
    return pin.addTo(map);
  }
  const colour = point.kind === 'me' ? '#1b5e20' : '#0b57d0';
  return circleMarker([point.lat, point.lng], {
    radius: 8,
    color: '#fff',
    weight: 2,
    fillColor: colour,
    fillOpacity: 1,
  }).addTo(map);
}

/** One point: centred at `zoom`; several: all in view. No animation: the view is there at once. */
function fit(map, points, zoom) {
  if (points.length === 1) map.setView([points[0].lat, points[0].lng], zoom, { animate: false });
  else if (points.length)
    map.fitBounds(latLngBounds(points.map((p) => [p.lat, p.lng])).pad(0.25), { maxZoom: zoom, animate: false });
}

/** Adds (or moves) the worker's own dot and shows it with the other points. */
export function showMe(drawn, points, me) {
  drawn.me?.remove();
  drawn.me = addPoint(drawn.map, { ...me, kind: 'me' });
  fit(drawn.map, [...points, me], 16);
}
