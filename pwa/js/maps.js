// Maps where the deployment names a tile server (PROTOCOL.md §22): what the phone is told
// (/api/me's `map`), where a task is (its compound's coordinates, from the grid directory), how
// far the worker is from it, and the grid's open tasks by compound. No map code here: Leaflet is
// loaded only when a map is drawn (ui/map-leaflet.js).
import { OPEN_STATUSES } from './tasks.js';

const EARTH_RADIUS_M = 6371008.8; // the mean radius (IUGG)

/** {tileUrl, attribution} from /api/me, or null: maps are off, no map anywhere. */
export function mapSettings(me) {
  const map = me?.map;
  return map?.tile_url ? { tileUrl: map.tile_url, attribution: map.attribution ?? '' } : null;
}

const isCoordinate = (value, limit) => typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;

/** {lat, lng} of a compound of the directory, or null when it was never surveyed. */
export function compoundPoint(compound) {
  if (!compound || !isCoordinate(compound.latitude, 90) || !isCoordinate(compound.longitude, 180)) return null;
  return { lat: compound.latitude, lng: compound.longitude };
}

/** {lat, lng} of a GPS fix ({lat, lng, accuracy}), or null. */
export function fixPoint(location) {
  if (!location || !isCoordinate(location.lat, 90) || !isCoordinate(location.lng, 180)) return null;
  return { lat: location.lat, lng: location.lng };
}

/** The compound a task (or report) is in: by its compound, or its building's, or its household's. */
export function compoundOf(record, places) {
  const household = record.household_id != null ? places.households.get(record.household_id) : null;
  const buildingId = record.building_id ?? household?.building_id ?? null;
  const building = buildingId != null ? places.buildings.get(buildingId) : null;
  const compoundId = record.compound_id ?? building?.compound_id ?? null;
  return compoundId != null ? (places.compounds.get(compoundId) ?? null) : null;
}

/** Metres between two {lat, lng} along the earth's surface (haversine). */
export function distanceMetres(a, b) {
  const rad = (degrees) => (degrees * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** A distance as people say it: 10 m steps below 1 km (never "0"), then 0.1 km. */
export function roundedDistance(metres) {
  if (metres < 1000) return { unit: 'm', value: Math.max(10, Math.round(metres / 10) * 10) };
  return { unit: 'km', value: Math.round(metres / 100) / 10 };
}

/**
 * The open tasks of a list ({id, task} items) by compound: [{compound, point, items}], the
 * compounds with coordinates first by name; `unplaced` counts the open tasks with no point.
 */
export function openTasksByCompound(items, places) {
  const byCompound = new Map();
  let unplaced = 0;
  for (const item of items) {
    if (!OPEN_STATUSES.includes(item.task.status ?? 'assigned')) continue;
    const compound = compoundOf(item.task, places);
    const point = compoundPoint(compound);
    if (!point) {
      unplaced += 1;
      continue;
    }
    const group = byCompound.get(compound.id) ?? { compound, point, items: [] };
    group.items.push(item);
    byCompound.set(compound.id, group);
  }
  const groups = [...byCompound.values()].sort((a, b) => a.compound.name.localeCompare(b.compound.name, 'zh-CN'));
  return { groups, unplaced };
}
