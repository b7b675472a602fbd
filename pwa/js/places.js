// Names of the places a task or a report points at (小区 → 楼栋 → 户), from the grid directory
// kept on the phone (GET /api/grids/<id>/directory, stored by db.js). A task carries only ids;
// without a directory on the phone, the ids are shown as they are ("楼栋 #12"), never an error.
import * as db from './db.js';
import { t } from './i18n.js';

/** An empty index: every lookup falls back to the ids. */
export const NO_PLACES = Object.freeze(indexDirectories([]));

/**
 * Lookups over grid directories ({grid, compounds, buildings, households: [{…, residents}]}):
 * {grids, compounds, buildings, households} Maps by id, and buildingsOf / householdsOf lists.
 */
export function indexDirectories(directories) {
  const index = { grids: new Map(), compounds: new Map(), buildings: new Map(), households: new Map() };
  for (const directory of directories ?? []) {
    if (!directory) continue;
    if (directory.grid) index.grids.set(directory.grid.id, directory.grid);
    for (const compound of directory.compounds ?? []) index.compounds.set(compound.id, compound);
    for (const building of directory.buildings ?? [])
      index.buildings.set(building.id, { ...building, grid_id: directory.grid?.id });
    for (const household of directory.households ?? []) index.households.set(household.id, household);
  }
  return index;
}

/**
 * Every grid directory the phone keeps, or [] when there is none (or db.js has no directory
 * store in this release): the screens then show ids. Never throws.
 */
export async function loadDirectories() {
  try {
    if (typeof db.listDirectories === 'function') return (await db.listDirectories()) ?? [];
  } catch (err) {
    console.warn('could not read the grid directory', err);
  }
  return [];
}

export async function loadPlaces() {
  return indexDirectories(await loadDirectories());
}

const label = (key, id) => t(key, { id });

/** "1单元 101" of a household, or null. */
export function roomOf(household) {
  if (!household) return null;
  return [household.unit, household.room].filter(Boolean).join(' ');
}

/**
 * Display names of a record's place: {compound, building, household, room} (strings or null),
 * from the directory where known, else "小区 #3"-style labels of the ids.
 */
export function describePlace(record, places = NO_PLACES) {
  const household = record.household_id != null ? places.households.get(record.household_id) : null;
  const buildingId = record.building_id ?? household?.building_id ?? null;
  const building = buildingId != null ? places.buildings.get(buildingId) : null;
  const compoundId = record.compound_id ?? building?.compound_id ?? null;
  const compound = compoundId != null ? places.compounds.get(compoundId) : null;
  return {
    compound: compoundId != null ? (compound?.name ?? label('place.compound_id', compoundId)) : null,
    building: buildingId != null ? (building?.name ?? label('place.building_id', buildingId)) : null,
    household:
      record.household_id != null ? (roomOf(household) ?? label('place.household_id', record.household_id)) : null,
    room: household?.room ?? null,
    known: Boolean(compound || building || household),
  };
}

/** "河西小区 · 1号楼 · 1单元 101", or the grid when that is all the record names. */
export function placeLine(record, places = NO_PLACES, grids = new Map()) {
  const place = describePlace(record, places);
  const parts = [place.compound, place.building, place.household].filter(Boolean);
  if (parts.length) return parts.join(' · ');
  if (record.grid_id != null)
    return (
      grids.get(record.grid_id) ?? places.grids.get(record.grid_id)?.name ?? label('place.grid_id', record.grid_id)
    );
  return '';
}

/** The name of a compound by id, for the filter menu. */
export function compoundName(id, places = NO_PLACES) {
  return places.compounds.get(Number(id))?.name ?? label('place.compound_id', id);
}

/** The grid worker's grids from /api/me: [{id, name}] (a report names one of them). */
export function myGrids(me) {
  return (me?.roles ?? [])
    .filter((role) => role.role === 'grid_worker' && role.scope_type === 'org_unit')
    .map((role) => ({ id: role.scope_id, name: role.scope_name }));
}
