// 双报到 without a DOM (PROTOCOL.md §17): who sees which screen, the words of the vocabularies,
// what a typed code reads as, the checks before a form is sent, and the 双报告 links.
import { normalise } from './codes.js';
import { MEMBERS } from './constants.js';
import { t } from './i18n.js';
import { vocabOptions, vocabWord } from './vocab.js';

const hasRole = (me, role) => (me?.roles ?? []).some((r) => r.role === role);
export const isVolunteer = (me) => hasRole(me, 'volunteer');

/** The communities I report to as a volunteer (their scope names from /api/me). */
export const volunteerCommunities = (me) =>
  (me?.roles ?? []).filter((r) => r.role === 'volunteer').map((r) => ({ id: r.scope_id, name: r.scope_name }));

const SHARED = new Set(['skill', 'slot']); // the shared vocabulary's (vocab.js), the rest 双报到's own

/** The words of a vocabulary's code: skill, slot, unit_kind, resource_kind, unit_role. */
export const label = (kind, code) => (SHARED.has(kind) ? vocabWord(kind, code) : t(`member.${kind}.${code}`));
export const labels = (kind, codes) => (codes ?? []).map((code) => label(kind, code)).join('、');

/** [{value, label}] of a vocabulary, in the server's order. */
export function options(kind) {
  if (SHARED.has(kind)) return vocabOptions(kind);
  const codes = {
    unit_kind: MEMBERS.UNIT_KINDS,
    resource_kind: MEMBERS.RESOURCE_KINDS,
    project_status: MEMBERS.PROJECT_STATUSES,
  }[kind];
  return codes.map((value) => ({ value, label: label(kind, value) }));
}

/** A code as typed, as the server reads it (PROTOCOL.md §15.1); '' when it cannot be one. */
export function typedCode(text) {
  const code = normalise(text ?? '');
  return /^[0-9A-HJKMNP-TV-Z]{8}$/.test(code) ? code : '';
}

const PHONE = /^1[3-9]\d{9}$/;

/** Field problems of a unit's registration before it is sent: {field: message}. */
export function unitProblems(unit) {
  const problems = {};
  for (const name of ['name', 'party_org', 'contact_name']) {
    if (!(unit[name] ?? '').trim()) problems[name] = t('member.required');
  }
  if (!unit.kind) problems.kind = t('member.required');
  if (!PHONE.test((unit.contact_phone ?? '').replace(/\s/g, ''))) problems.contact_phone = t('member.phone_invalid');
  return problems;
}

/** Field problems of a profile: a phone, when given, is a mainland mobile number. */
export function profileProblems(profile) {
  const phone = (profile.phone ?? '').replace(/\s/g, '');
  return phone && !PHONE.test(phone) ? { phone: t('member.phone_invalid') } : {};
}

/** Field problems of a resource. */
export function resourceProblems(resource) {
  const problems = {};
  if (!resource.kind) problems.kind = t('member.required');
  if (!(resource.name ?? '').trim()) problems.name = t('member.required');
  const capacity = resource.capacity;
  if (capacity !== null && capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 1)) {
    problems.capacity = t('member.capacity_invalid');
  }
  return problems;
}

/** The unit a member belongs to in `mine` (GET /api/members/me), or null. */
export const unitOf = (mine, member) => (mine?.units ?? []).find((u) => u.id === member?.unit_id) ?? null;

/** The units I am the secretary of. */
export const secretaryUnits = (mine) =>
  (mine?.members ?? [])
    .filter((m) => m.unit_role === 'secretary' && m.unit_id)
    .map((m) => unitOf(mine, m))
    .filter(Boolean);

/** Local YYYY-MM-DD. */
export function localDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** This year so far (1 January to today): the period a 双报告 opens with. */
export function yearSoFar(now = new Date()) {
  return { since: `${now.getFullYear()}-01-01`, until: localDay(now) };
}

/** The printable 双报告 of a member or a unit: the server's page (PROTOCOL.md §17.6). */
export function reportHref({ memberId = null, unitId = null, since, until }) {
  const query = new URLSearchParams(memberId ? { member_id: memberId } : { unit_id: unitId });
  query.set('since', since);
  query.set('until', until);
  return `/members/report?${query}`;
}

/** A code's line for the admin: its use and when it ends, or why it no longer works. */
export function codeState(code) {
  return code.state === 'usable'
    ? t('member.code_usable', { uses: code.uses, max: code.max_uses })
    : t(`member.code_state.${code.state}`);
}
