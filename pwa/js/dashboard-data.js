// The dashboards of org units (看板, PROTOCOL.md §26): GET /api/dashboard[/<unit>]?period=…, the
// last answer of each kept on the device (db.js store `dashboards`) so a dashboard reads offline,
// with the time it was counted. Also what the screen derives from an answer: a section's figure
// for a child unit or the total, its records' address, a rate as a percentage.
import { get } from './api.js';
import { getDashboardEntry, putDashboardEntry } from './db.js';

export const PERIODS = ['30d', '7d', 'month'];
// The entities whose pulled changes may move a dashboard's figures (its refetch on a poke).
export const DASHBOARD_ENTITIES = [
  'task',
  'field_report',
  'need',
  'inspection',
  'rectification_order',
  'service_entry',
  'inbox',
];

const keyOf = (unitId, period) => `${unitId ?? 'own'}|${period}`;

/**
 * The dashboard: {data, savedAt, offline}. Fetched when the network answers (and kept); when it
 * does not, the last answer kept for that unit and period (offline: true), or the error again.
 */
export async function loadDashboard(unitId, period) {
  const path = `/api/dashboard${unitId ? `/${encodeURIComponent(unitId)}` : ''}?period=${encodeURIComponent(period)}`;
  try {
    const data = await get(path);
    const savedAt = new Date().toISOString();
    const entry = { key: keyOf(unitId, period), saved_at: savedAt, data };
    await putDashboardEntry(entry);
    if (!unitId) await putDashboardEntry({ ...entry, key: keyOf(data.unit.id, period) });
    return { data, savedAt, offline: false };
  } catch (err) {
    if (err?.code !== 'offline') throw err;
    const kept = await getDashboardEntry(keyOf(unitId, period));
    if (!kept) throw err;
    return { data: kept.data, savedAt: kept.saved_at, offline: true };
  }
}

/** A figure as shown: a rate (0…1) as "83.3%", a missing one "—", a number as is. */
export function figureText(name, value) {
  if (value === null || value === undefined) return '—';
  if (name.endsWith('_rate')) return `${Math.round(value * 1000) / 10}%`;
  return String(value);
}

/** The address of the records behind a figure (of a child unit, or the total when childId is null). */
export function linkOf(section, name, childId = null) {
  const links = section.links;
  if (!links) return null;
  return (childId === null ? links.total : links.units?.[String(childId)])?.[name] ?? null;
}
