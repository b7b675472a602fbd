// The admin's org tree, grid coverage and places over the API (PROTOCOL.md §25): read and changed
// online only, like every admin screen. Each call answers the server's JSON or throws ApiError
// (its .fields: the server's messages per field).
import { get, patch, post, request } from './api.js';
import { ORG } from './constants.js';

const q = (params) => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value != null && value !== '') query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : '';
};

// 城市 → 区 → 街道 → 社区 → 网格 → 院落: a unit's children are of the next kind.
export const ORG_KINDS = ORG.KINDS;
export const childKind = (kind) => ORG_KINDS[ORG_KINDS.indexOf(kind) + 1] ?? null;
export const parentKind = (kind) => ORG_KINDS[ORG_KINDS.indexOf(kind) - 1] ?? null;
export const { CARE_FLAGS, RELATIONS } = ORG;

export const loadTree = (parentId) => get(`/api/org/tree${q({ parent_id: parentId })}`);
export const createUnit = (body) => post('/api/org/units', body);
export const renameUnit = (id, body) => patch(`/api/org/units/${id}`, body);
export const moveUnit = (id, parentId) => post(`/api/org/units/${id}/move`, { parent_id: parentId });
export const mergeUnit = (id, intoId) => post(`/api/org/units/${id}/merge`, { into_id: intoId });
export const loadCoverage = (gridId) => get(`/api/org/grids/${gridId}/coverage`);
export const assignPlace = (gridId, body) => post(`/api/org/grids/${gridId}/coverage`, body);
export const removeCoverage = (id) => request('DELETE', `/api/org/coverages/${id}`);

export const loadCompounds = (params) => get(`/api/places/compounds${q(params)}`);
export const loadCompound = (id) => get(`/api/places/compounds/${id}`);
export const createCompound = (body) => post('/api/places/compounds', body);
export const saveCompound = (id, body) => patch(`/api/places/compounds/${id}`, body);
export const deleteCompound = (id) => request('DELETE', `/api/places/compounds/${id}`);
export const saveCommittee = (id, body) => request('PUT', `/api/places/compounds/${id}/committee`, body);
export const loadBuildings = (compoundId) => get(`/api/places/compounds/${compoundId}/buildings`);
export const createBuilding = (compoundId, body) => post(`/api/places/compounds/${compoundId}/buildings`, body);
export const saveBuilding = (id, body) => patch(`/api/places/buildings/${id}`, body);
export const deleteBuilding = (id) => request('DELETE', `/api/places/buildings/${id}`);
export const loadHouseholds = (buildingId, params) => get(`/api/places/buildings/${buildingId}/households${q(params)}`);
export const loadHousehold = (id) => get(`/api/places/households/${id}`);
export const createHousehold = (buildingId, body) => post(`/api/places/buildings/${buildingId}/households`, body);
export const saveHousehold = (id, body) => patch(`/api/places/households/${id}`, body);
export const deleteHousehold = (id) => request('DELETE', `/api/places/households/${id}`);
export const createResident = (householdId, body) => post(`/api/places/households/${householdId}/residents`, body);
export const saveResident = (id, body) => patch(`/api/places/residents/${id}`, body);
export const deleteResident = (id) => request('DELETE', `/api/places/residents/${id}`);

export const loadCompanies = (params) => get(`/api/places/companies${q(params)}`);
export const createCompany = (body) => post('/api/places/companies', body);
export const saveCompany = (id, body) => patch(`/api/places/companies/${id}`, body);
export const deleteCompany = (id) => request('DELETE', `/api/places/companies/${id}`);

/** The query of a list's address (#/admin/places?q=&page=) as {q, page}. */
export function listQuery(query) {
  const page = Number(query?.get('page'));
  return { q: query?.get('q') ?? '', page: Number.isInteger(page) && page > 0 ? page : 1 };
}

/** The address of a list with this search and page (page 1 and an empty search left out). */
export function listAddress(path, { q: text = '', page = 1 }) {
  const query = new URLSearchParams();
  if (text) query.set('q', text);
  if (page > 1) query.set('page', String(page));
  const tail = query.toString();
  return tail ? `${path}?${tail}` : path;
}

/** The care flags of a set of toggles, in CARE_FLAGS order. */
export const flagsOf = (chosen) => CARE_FLAGS.filter((flag) => chosen.includes(flag));
