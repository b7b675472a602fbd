// 操作日志 (issue 16): what was done in the admin's jurisdiction — who, what, on what, when (in
// Beijing time) and the details — newest first, paged by the server, filtered by actions (in
// groups, named in Chinese), the actor's name or phone and days; the filters live in the address
// (#/admin/audit?action=role.grant&since=2026-12-01), so a reload keeps them and Back works.
import { get } from '../api.js';
import { hasKey, t } from '../i18n.js';
import { AUDIT_GROUPS, auditApiQuery, auditFilters, auditPath, beijingTime } from '../people.js';
import { adminFrame, inputField, loadFailed, pagerNav, selectField } from './admin-common.js';
import { h } from './dom.js';
import { navigate } from './nav.js';

const PER_PAGE = 30;

/** An action's name: "授予角色" for role.grant; the code itself for one the catalog does not know. */
export function actionName(action) {
  const key = `audit.action.${action}`;
  return hasKey(key) ? t(key) : action;
}

const DETAIL_VALUES = {
  role: (value) => (hasKey(`role.${value}.name`) ? t(`role.${value}.name`) : value),
  scope_type: (value) => (hasKey(`scope.${value}`) ? t(`scope.${value}`) : value),
  changes: (value) =>
    []
      .concat(value)
      .map((name) => (hasKey(`audit.field.${name}`) ? t(`audit.field.${name}`) : name))
      .join('、'),
  fields: (value) => [].concat(value).join('、'),
};

// Shown by the entry's place already.
const UNSHOWN = new Set(['scope_type', 'scope_id']);

/** The details as "角色：网格员" lines. */
export function detailLines(details) {
  return Object.entries(details ?? {})
    .filter(([name]) => !UNSHOWN.has(name))
    .map(([name, value]) => {
      const label = hasKey(`audit.detail.${name}`) ? t(`audit.detail.${name}`) : name;
      const shown = DETAIL_VALUES[name]
        ? DETAIL_VALUES[name](value)
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
      return `${label}：${shown}`;
    });
}

function filterForm(filters) {
  const action = selectField({
    label: t('audit.action'),
    testid: 'audit-action',
    lead: [{ value: '', label: t('audit.any_action') }],
    groups: AUDIT_GROUPS.map(([group, actions]) => ({
      label: t(`audit.group.${group}`),
      options: actions.map((a) => ({ value: a, label: actionName(a) })),
    })),
    value: filters.action ?? '',
  });
  const actor = inputField({
    label: t('audit.actor'),
    testid: 'audit-actor',
    type: 'search',
    value: filters.actor ?? '',
  });
  const [since, until] = ['since', 'until'].map((name) =>
    inputField({ label: t(`audit.${name}`), testid: `audit-${name}`, type: 'date', value: filters[name] ?? '' }),
  );
  const form = h(
    'form',
    { class: 'people-filters', role: 'search', 'data-testid': 'audit-filters' },
    h('div', { class: 'people-filters__row' }, action, actor, since, until),
    h(
      'div',
      { class: 'people-filters__buttons' },
      h('button', { type: 'submit', class: 'btn btn--primary', 'data-testid': 'audit-apply', text: t('people.apply') }),
      h('a', { class: 'btn btn--ghost', href: '#/admin/audit', text: t('people.reset') }),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(
      auditPath({
        action: action.input.value,
        actor: actor.input.value.trim(),
        since: since.input.value,
        until: until.input.value,
      }),
    );
  });
  return form;
}

function entryRow(entry) {
  const who = entry.actor_name ?? t('audit.nobody');
  const what = entry.target_name ? `${actionName(entry.action)} · ${entry.target_name}` : actionName(entry.action);
  const place = (entry.place ?? []).slice(1).join(' › ');
  return h(
    'li',
    { class: 'audit-row', 'data-testid': 'audit-row', 'data-action': entry.action },
    h(
      'p',
      { class: 'audit-row__head' },
      h('time', { class: 'audit-row__at', datetime: entry.at, text: beijingTime(entry.at) }),
      h('strong', { class: 'audit-row__who', text: who }),
      h('span', { class: 'audit-row__what', text: what }),
    ),
    place ? h('p', { class: 'audit-row__place', text: place }) : null,
    detailLines(entry.details).map((line) => h('p', { class: 'audit-row__detail', text: line })),
  );
}

export function adminAuditScreen({ query }) {
  const filters = auditFilters(query);
  const { screen, body } = adminFrame({ testid: 'admin-audit', title: t('audit.title') });
  const list = h('div', { class: 'audit-list', 'aria-live': 'polite' });
  async function load() {
    list.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    try {
      const page = await get(`/api/admin/audit?${auditApiQuery(filters, PER_PAGE)}`);
      list.replaceChildren(
        page.items.length
          ? h('ol', { class: 'audit-rows', 'data-testid': 'audit-rows' }, page.items.map(entryRow))
          : h('p', { class: 'note', text: t('audit.none') }),
        pagerNav({
          page,
          pathOf: (to) => auditPath({ ...filters, page: to }),
          where: (pages) => t('audit.page_of', { page: page.page, pages, total: page.total }),
          testid: 'audit',
        }),
      );
    } catch (err) {
      list.replaceChildren(loadFailed(err, load));
    }
  }
  body.replaceChildren(h('p', { class: 'muted', text: t('audit.about') }), filterForm(filters), list);
  load();
  return screen;
}
