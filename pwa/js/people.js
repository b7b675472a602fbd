// The people and audit screens without a browser: the filters in the address and in the API's
// query, the kinds of scope each role takes (server/auth/models.py ROLE_SCOPES and
// ROLE_ORG_KIND), and the audit log's known actions in groups.

import { ROLES } from './constants.js';

/** Roles an admin grants from the people screens (a resident's household comes from joining). */
export const GRANTABLE_ROLES = ROLES.filter((role) => role !== 'resident');
export const ALL_ROLES = ROLES;

/** What the scope picker offers for a role. */
export function scopeKinds(role) {
  switch (role) {
    case 'grid_worker':
      return ['grid'];
    case 'volunteer':
      return ['community'];
    case 'red_steward':
      return ['compound'];
    case 'property_staff':
      return ['company'];
    default: // admin: any org unit, its whole subtree
      return ['city', 'district', 'street', 'community', 'grid'];
  }
}

const PEOPLE_FILTERS = ['q', 'role', 'active', 'scope', 'page'];

/** The people list's filters from the address's query (URLSearchParams), cleaned. */
export function peopleFilters(query) {
  const filters = {};
  for (const name of PEOPLE_FILTERS) {
    const value = (query?.get(name) ?? '').trim();
    if (value) filters[name] = value;
  }
  if (filters.role && !ALL_ROLES.includes(filters.role)) delete filters.role;
  if (filters.active && !['true', 'false'].includes(filters.active)) delete filters.active;
  for (const name of ['scope', 'page']) {
    if (filters[name] && !/^[1-9]\d{0,8}$/.test(filters[name])) delete filters[name];
  }
  if (filters.page === '1') delete filters.page;
  return filters;
}

/** The address of the people list with these filters: "/admin/people?q=张&page=2". */
export function peoplePath(filters) {
  const query = new URLSearchParams();
  for (const name of PEOPLE_FILTERS) {
    const value = filters[name];
    if (value != null && value !== '' && !(name === 'page' && String(value) === '1')) query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `/admin/people?${text}` : '/admin/people';
}

/** GET /api/admin/users's query for these filters. */
export function peopleApiQuery(filters, perPage = 20) {
  const query = new URLSearchParams({ page: filters.page ?? '1', per_page: String(perPage) });
  if (filters.q) query.set('q', filters.q);
  if (filters.role) query.set('role', filters.role);
  if (filters.active) query.set('active', filters.active);
  if (filters.scope) query.set('scope_id', filters.scope);
  return query;
}

/** The audit log's actions, grouped as the filter offers them (the catalog names each: audit.action.<code>). */
export const AUDIT_GROUPS = [
  ['people', ['user.create', 'user.update', 'user.password_reset', 'role.grant', 'role.revoke', 'import.commit']],
  [
    'sign_in',
    [
      'auth.sign_in',
      'auth.sign_in_failed',
      'auth.sign_in_refused_inactive',
      'auth.sign_out',
      'auth.other_sessions_ended',
      'auth.reset_code_issued',
      'auth.reset_code_failed',
      'auth.password_reset_with_code',
    ],
  ],
  [
    'join',
    [
      'join.register',
      'join.request',
      'join.request_approved',
      'join.request_rejected',
      'join.request_withdrawn',
      'join.invite_redeemed',
      'join.invite_refused',
      'join.key_issued',
      'join.key_rotated',
      'join.leave',
      'join.password_changed',
      'join.password_change_failed',
      'join.wrong_password',
    ],
  ],
  ['residents', ['resident.phone_viewed', 'resident.phone_throttled', 'resident.update']],
  [
    'tasks',
    [
      'task.create',
      'task.bulk_create',
      'task.update',
      'task.reassign',
      'task.cancel',
      'task.reopen',
      'field_report.convert',
      'field_report.dismiss',
      'checklist_template.create',
      'checklist_template.update',
      'checklist_template.delete',
    ],
  ],
  [
    'inspections',
    [
      'inspection.create',
      'inspection.draw',
      'inspection.generate',
      'inspection_plan.create',
      'inspection_plan.update',
      'inspection_template.create',
      'inspection_template.update',
      'inspection_template.new_version',
      'inspection_template.publish',
      'inspection_template.retire',
      'rectification.escalate',
      'scorecard.export',
    ],
  ],
  ['evaluation', ['evaluation.open', 'evaluation.close', 'evaluation.export']],
  [
    'members',
    [
      'members.code_issue',
      'members.code_revoke',
      'members.member_edit',
      'members.unit_edit',
      'members.report',
      'members.report_export',
      'members.overview_export',
    ],
  ],
  ['sync', ['sync.conflict_resolved', 'sync.record_gone']],
];
export const AUDIT_ACTIONS = AUDIT_GROUPS.flatMap(([, actions]) => actions);

const AUDIT_FILTERS = ['action', 'actor', 'since', 'until', 'page'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The audit screen's filters from the address's query, cleaned. */
export function auditFilters(query) {
  const filters = {};
  for (const name of AUDIT_FILTERS) {
    const value = (query?.get(name) ?? '').trim();
    if (value) filters[name] = value;
  }
  if (filters.action && !/^[a-z_.,]{1,200}$/.test(filters.action)) delete filters.action;
  for (const name of ['since', 'until']) if (filters[name] && !DAY.test(filters[name])) delete filters[name];
  if (filters.page && !/^[1-9]\d{0,8}$/.test(filters.page)) delete filters.page;
  if (filters.actor) filters.actor = filters.actor.slice(0, 40);
  if (filters.page === '1') delete filters.page;
  return filters;
}

export function auditPath(filters) {
  const query = new URLSearchParams();
  for (const name of AUDIT_FILTERS) {
    const value = filters[name];
    if (value && !(name === 'page' && String(value) === '1')) query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `/admin/audit?${text}` : '/admin/audit';
}

export function auditApiQuery(filters, perPage = 30) {
  const query = new URLSearchParams({ page: filters.page ?? '1', per_page: String(perPage) });
  for (const name of ['action', 'actor', 'since', 'until']) if (filters[name]) query.set(name, filters[name]);
  return query;
}

/** "2026-12-07 13:05" in Beijing time, whatever the device's zone. */
export function beijingTime(iso) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
