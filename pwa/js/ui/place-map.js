// A place on a map (issue 15): a compound's pin, a report's own GPS fix beside it when there is
// one, and — where there is a compound — 我的位置: a fix taken on that tap only (never a
// permission prompt on opening), the worker's dot on the map and "距小区约 N 米". Only where the
// deployment has a tile server (/api/me's map). The box has its height before Leaflet arrives,
// so nothing shifts; in a list (a household of the directory, a report of the queue) the map is
// one tap away instead, so a page of cards never loads forty maps. Offline: a short note where
// the map would be; the distance still works (GPS needs no network).
import { locate } from '../geo.js';
import { t } from '../i18n.js';
import { compoundPoint, distanceMetres, fixPoint, mapSettings, roundedDistance } from '../maps.js';
import { isOnline } from '../net.js';
import { h } from './dom.js';

/** "距小区约 120 米" / "距小区约 2.4 公里". */
export function distanceText(metres) {
  const { unit, value } = roundedDistance(metres);
  return t(unit === 'm' ? 'map.distance_m' : 'map.distance_km', { value });
}

/**
 * The map of a place, or null (maps off, or nothing with coordinates to show). compound: a
 * compound of the directory ({name, latitude, longitude}); fix: a GPS fix ({lat, lng}) of a
 * report. collapsed: a button that opens the map (lists); else a card with the map drawn at once.
 */
export function placeMap({ me, compound = null, fix = null, testid = 'place-map', collapsed = false }) {
  const settings = mapSettings(me);
  if (!settings) return null;
  const home = compoundPoint(compound);
  const reported = fixPoint(fix);
  if (!home && !reported) return null;
  const points = [];
  if (home) points.push({ ...home, kind: 'compound', label: compound.name });
  if (reported) points.push({ ...reported, kind: 'fix', label: t('map.report_fix') });
  const parts = () => mapParts({ settings, points, home, testid, legend: Boolean(home && reported) });
  if (!collapsed)
    return h(
      'section',
      { class: 'card map-card', 'data-testid': testid },
      h('h2', { class: 'card__title', text: t('map.title') }),
      parts(),
    );
  const holder = h('div', { class: 'map-inline', 'data-testid': testid });
  const open = h('button', {
    type: 'button',
    class: 'btn btn--ghost map-inline__open',
    'data-testid': `${testid}-open`,
    text: t('map.show'),
    onclick: () => holder.replaceChildren(parts()),
  });
  holder.append(open);
  return holder;
}

function mapParts({ settings, points, home, testid, legend }) {
  const box = h('div', { class: 'map-box', 'data-testid': `${testid}-box` });
  const distance = h('p', { class: 'map-card__distance', 'data-testid': `${testid}-distance`, 'aria-live': 'polite' });
  const locateButton = home
    ? h('button', {
        type: 'button',
        class: 'btn btn--secondary map-card__locate',
        'data-testid': `${testid}-locate`,
        text: t('map.my_position'),
      })
    : null;
  let drawn = null; // {map, layers, me?} once Leaflet has drawn
  let module = null;
  if (isOnline()) {
    box.dataset.state = 'loading';
    import('./map-leaflet.js')
      .then(async (loaded) => {
        module = loaded;
        if (!box.isConnected) await new Promise((resolve) => requestAnimationFrame(resolve));
        if (!box.isConnected) return; // the screen was drawn again, or left
        drawn = await loaded.drawMap(box, { settings, points });
        box.dataset.state = 'drawn';
      })
      .catch((err) => {
        console.warn('could not draw the map', err);
        showOffline(box);
      });
  } else {
    showOffline(box);
  }
  locateButton?.addEventListener('click', async () => {
    locateButton.disabled = true;
    distance.textContent = t('map.locating');
    const position = await locate({ maximumAgeMs: 0 });
    locateButton.disabled = false;
    const mine = fixPoint(position.location);
    if (!mine) {
      distance.textContent = t(position.location_status === 'denied' ? 'location.denied' : 'location.unavailable');
      return;
    }
    distance.textContent = distanceText(distanceMetres(mine, home));
    if (drawn && module) module.showMe(drawn, points, mine);
  });
  return h(
    'div',
    { class: 'map-card__body' },
    box,
    legend ? h('p', { class: 'map-card__legend muted', text: t('map.legend_fix') }) : null,
    locateButton ? h('div', { class: 'map-card__row' }, locateButton, distance) : null,
  );
}

/** No network (or no map code): a note in the map's place, not a grey box. */
export function showOffline(box) {
  box.dataset.state = 'offline';
  box.replaceChildren(h('p', { class: 'map-box__note', 'data-testid': 'map-offline', text: t('map.offline') }));
}
