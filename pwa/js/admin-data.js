// The admin's screens read and act through the server's API (server/tasks/routes.py,
// server/org/routes.py, server/admin/routes.py, server/sync/routes.py): they need the network,
// unlike the grid worker's. Lookups that rarely change while a screen is open (grid
// directories, the workers of a grid, checklist templates, org children) are kept in memory
// for the session; nothing here goes to IndexedDB. The server names the people and places it
// refers to (workers, history, conflicts, a task's household), so nothing is looked up per row.

import { reportFilterParams, taskListQuery } from './admin.js';
import { get, patch, post } from './api.js';

const enc = encodeURIComponent;
const memo = new Map(); // key → promise; a failed lookup is forgotten so it can be tried again

function remembered(key, load) {
  if (!memo.has(key)) {
    const promise = load();
    memo.set(key, promise);
    promise.catch(() => memo.delete(key));
  }
  return memo.get(key);
}

let memoUser = null;

/** Keeps the lookups of one user: another user signed in on this page starts afresh. */
export function adminSession(userId) {
  if (userId === memoUser) return;
  memo.clear();
  memoUser = userId;
}

// --- reading -------------------------------------------------------------------------------

export const loadProgress = ({ orgUnitId, type, batchId } = {}) => {
  const params = new URLSearchParams();
  if (orgUnitId) params.set('org_unit_id', orgUnitId);
  if (type) params.set('type', type);
  if (batchId) params.set('batch_id', batchId);
  const query = params.toString();
  return get(`/api/tasks/progress${query ? `?${query}` : ''}`);
};

export const loadTasks = (filters, paging) => get(`/api/tasks?${taskListQuery(filters, paging)}`);
export const loadTask = (id) => get(`/api/tasks/${enc(id)}`);
export const loadOpenConflicts = (recordId) =>
  get(`/api/sync/conflicts?status=open&record_id=${enc(recordId)}&per_page=20`);

/** GET /api/field-reports: filters as reportFilterParams takes them (admin.js). */
export function loadReports({ page = 1, perPage = 50, ...filters } = {}) {
  const params = reportFilterParams(filters);
  params.set('page', String(page));
  params.set('per_page', String(perPage));
  return get(`/api/field-reports?${params}`);
}
export const loadReport = (id) => get(`/api/field-reports/${enc(id)}`);
export const loadDraft = (id) => get(`/api/field-reports/${enc(id)}/draft`);

/** Checklist templates of a task type that apply in the admin's jurisdiction. */
export const loadTemplates = (type) =>
  remembered(`templates:${type}`, () => get(`/api/checklist-templates?task_type=${enc(type)}`));

/** A grid's compounds, buildings and households (the grid directory; admins above the grid may read it). */
export const loadGridPlaces = (gridId) =>
  remembered(`directory:${gridId}`, () => get(`/api/grids/${enc(gridId)}/directory`));

export const loadOrgUnit = (id) => remembered(`unit:${id}`, () => get(`/api/org/units/${enc(id)}`));
export const loadOrgChildren = (id) => remembered(`children:${id}`, () => get(`/api/org/units?parent_id=${enc(id)}`));

/** The grid's workers [{id, name}] as the progress view lists them: the grid's default worker first. */
export function loadGridWorkers(gridId) {
  return remembered(`workers:${gridId}`, async () => {
    const progress = await loadProgress({ orgUnitId: gridId });
    return progress?.grids?.find((g) => g.grid_id === Number(gridId))?.workers ?? [];
  });
}

/**
 * What a bulk creation would do, from the server itself (POST /api/tasks/bulk with dry_run:
 * nothing is made): {created, unassigned, grids, skipped, message}, the same figures the real
 * run then reports.
 */
export const previewBulk = (body) => post('/api/tasks/bulk', { ...body, dry_run: true });

/** The number of new field reports waiting (the home card's badge). */
export async function countNewReports() {
  return (await loadReports({ status: 'new', perPage: 1 }))?.total ?? 0;
}

// --- acting --------------------------------------------------------------------------------

export const createTask = (body) => post('/api/tasks', body);
export const bulkCreate = (body) => post('/api/tasks/bulk', body);
export const editTask = (id, changes) => patch(`/api/tasks/${enc(id)}`, changes);
export const reassignTask = (id, assigneeId) => post(`/api/tasks/${enc(id)}/reassign`, { assignee_id: assigneeId });
export const cancelTask = (id, reason) => post(`/api/tasks/${enc(id)}/cancel`, { reason: reason || null });
export const reopenTask = (id, body) => post(`/api/tasks/${enc(id)}/reopen`, body);
export const convertReport = (id, body) => post(`/api/field-reports/${enc(id)}/convert`, body);
export const dismissReport = (id, reason) => post(`/api/field-reports/${enc(id)}/dismiss`, { reason });
export const resolveConflict = (id, resolution) => post(`/api/sync/conflicts/${enc(id)}/resolve`, { resolution });

// --- inspections of property services (issue 5): the admin's desk ---------------------------

const query = (params) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();

/** The monthly scorecard of an org subtree: {month, org_unit, compounds, companies}. */
export const loadScorecard = ({ month, orgUnitId } = {}) =>
  get(`/api/scorecards?${query({ month, org_unit_id: orgUnitId })}`);
export const loadCompoundCard = (id, month) => get(`/api/scorecards/compounds/${enc(id)}?${query({ month })}`);
/** The address of the month's workbook (a plain link: the browser downloads it with the session). */
export const scorecardWorkbookUrl = ({ month, orgUnitId } = {}) =>
  `/api/scorecards/export.xlsx?${query({ month, org_unit_id: orgUnitId })}`;
export const loadPublishedTemplates = () => get('/api/inspection-templates?status=published');
export const loadAllTemplates = () => get('/api/inspection-templates');
export const loadTemplate = (id) => get(`/api/inspection-templates/${enc(id)}`);
/** Saves the editor's copy: a draft in place, a published version as the next version (a draft). */
export const saveTemplate = (id, body) => patch(`/api/inspection-templates/${enc(id)}`, body);
export const publishTemplate = (id) => post(`/api/inspection-templates/${enc(id)}/publish`, {});
export const retireTemplate = (id) => post(`/api/inspection-templates/${enc(id)}/retire`, {});
export const loadCompounds = (orgUnitId) =>
  remembered(`compounds:${orgUnitId}`, () =>
    get(`/api/places/compounds?${query({ org_unit_id: orgUnitId, per_page: 200 })}`),
  );
export const loadCompound = (id) => remembered(`compound:${id}`, () => get(`/api/places/compounds/${enc(id)}`));
export const loadInspections = ({ compoundId, status } = {}) =>
  get(`/api/inspections?${query({ compound_id: compoundId, status, per_page: 12 })}`);
export const loadOrders = ({ compoundId, status } = {}) =>
  get(`/api/rectification-orders?${query({ compound_id: compoundId, status, per_page: 50 })}`);
export const drawSpotCheck = (body) => post('/api/spot-checks', body);
export const loadDraws = () => get('/api/spot-checks?per_page=20');
/** {size}: how many compounds a draw in the unit would choose from now. */
export const loadDrawPopulation = ({ orgUnitId, excludeInspected = false }) =>
  get(
    `/api/spot-checks/population?${query({ org_unit_id: orgUnitId, exclude_inspected_this_month: excludeInspected })}`,
  );
export const verifyDraw = (id) => get(`/api/spot-checks/${enc(id)}/verify`);
export const loadPlans = () => get('/api/inspection-plans?per_page=200');
export const createPlan = (body) => post('/api/inspection-plans', body);
export const setPlanActive = (id, active) => patch(`/api/inspection-plans/${enc(id)}`, { active });
export const generatePlanned = () => post('/api/inspection-plans/generate', {});

/** The volunteers inside my jurisdiction [{id, display_name}] (the organisers an admin may name). */
export const loadVolunteers = () =>
  remembered('volunteers', async () => (await get('/api/admin/users?role=volunteer&per_page=200')).items ?? []);
