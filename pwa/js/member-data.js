// 双报到's reads and writes (PROTOCOL.md §17): REST, online. What is mine (GET /api/members/me) is
// kept in IndexedDB's cached values (js/db.js) so that 我的报到 and 单位 open offline, with the
// time it was fetched; sign-out forgets it with every cached value.
import { get, patch, post, request } from './api.js';
import { getCached, setCached } from './db.js';

const MINE = 'members.mine';

/** {mine, savedAt, offline}: the server's answer (kept), or the kept copy when offline. */
export async function loadMine() {
  try {
    const mine = await get('/api/members/me');
    const savedAt = new Date().toISOString();
    await setCached(MINE, { mine, savedAt });
    return { mine, savedAt, offline: false };
  } catch (err) {
    const kept = err?.code === 'offline' ? await getCached(MINE) : null;
    if (!kept) throw err;
    return { ...kept, offline: true };
  }
}

/** The copy of what is mine kept on this phone (no network asked), or null. */
export const loadKeptMine = async () => (await getCached(MINE))?.mine ?? null;

/** Keeps what changed on the phone too (after a save), so the copy read offline is the latest. */
export async function keepMine(mine) {
  await setCached(MINE, { mine, savedAt: new Date().toISOString() });
}

export const checkCode = (code) => get(`/api/members/codes/check?code=${encodeURIComponent(code)}`);
export const report = (body) => post('/api/members/report', body);
export const saveProfile = (memberId, changes) => patch(`/api/members/me/${memberId}`, changes);
export const loadUnit = (unitId) => get(`/api/members/units/${unitId}`);
export const saveUnit = (unitId, changes) => patch(`/api/members/units/${unitId}`, changes);
export const addResource = (unitId, body) => post(`/api/members/units/${unitId}/resources`, body);
export const deleteResource = (unitId, id) => request('DELETE', `/api/members/units/${unitId}/resources/${id}`);
export const loadCommunity = (id) => get(`/api/members/communities/${id}`);
export const issueCode = (body) => post('/api/members/codes', body);
export const revokeCode = (id) => post(`/api/members/codes/${id}/revoke`);
export const addProject = (communityId, body) => post(`/api/members/communities/${communityId}/projects`, body);
export const saveProject = (id, changes) => patch(`/api/members/projects/${id}`, changes);
// 供需对接 (PROTOCOL.md §21): the community's three lists with suggestions, and confirming one.
export const loadMatching = (communityId) => get(`/api/members/communities/${communityId}/matching`);
/** 确认对接: outcome 'project' | 'activity' (with the activity's fields) | 'wish' (PROTOCOL.md §21.2). */
export const confirmMatch = (communityId, needId, resourceId, outcome = 'project', activity = null) =>
  post(`/api/members/communities/${communityId}/matches`, {
    need_id: needId,
    resource_id: resourceId,
    outcome,
    ...(activity ? { activity } : {}),
  });
