// 人员管理 (issue 16): the people of the admin's jurisdiction, paged by the server, searched by
// name or phone and filtered by role, state and a unit of the tree — all in the address
// (#/admin/people?q=…&role=…&page=2), so a reload keeps them and Back goes to the filters before.
// And 新建人员: an account with its first role at a scope chosen in the scope picker.
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { ALL_ROLES, GRANTABLE_ROLES, peopleApiQuery, peopleFilters, peoplePath, scopeKinds } from '../people.js';
import {
  adminFrame,
  flashNote,
  inputField,
  loadFailed,
  pagerNav,
  selectField,
  setFlash,
  showFieldErrors,
  submitBar,
} from './admin-common.js';
import { h } from './dom.js';
import { navigate, replaceWith } from './nav.js';
import { scopePicker } from './scope-picker.js';

const PER_PAGE = 20;
const roleName = (role) => t(`role.${role}.name`);

/** "网格员 · 河西社区第一网格": a person's roles in a line. */
export function rolesText(roles) {
  return roles.map((r) => `${roleName(r.role)} · ${r.scope_name}`).join('；') || t('people.no_roles');
}

function filterForm(filters) {
  const q = inputField({ label: t('people.search'), testid: 'people-q', type: 'search', value: filters.q ?? '' });
  q.input.setAttribute('enterkeyhint', 'search');
  const role = selectField({
    label: t('people.role'),
    testid: 'people-role',
    options: [{ value: '', label: t('people.any_role') }, ...ALL_ROLES.map((r) => ({ value: r, label: roleName(r) }))],
    value: filters.role ?? '',
  });
  const active = selectField({
    label: t('people.state'),
    testid: 'people-active',
    options: [
      { value: '', label: t('people.any_state') },
      { value: 'true', label: t('people.active') },
      { value: 'false', label: t('people.inactive') },
    ],
    value: filters.active ?? '',
  });
  const scope = scopePicker({
    label: t('people.scope'),
    testid: 'people-scope',
    kinds: ['district', 'street', 'community', 'grid'],
  });
  if (filters.scope) {
    get(`/api/org/units/${filters.scope}`).then(
      (unit) =>
        scope.set({ scope_type: 'org_unit', id: unit.id, kind: unit.kind, name: unit.name, path: unit.ancestors }),
      () => {},
    );
  }
  const apply = h('button', {
    type: 'submit',
    class: 'btn btn--primary',
    'data-testid': 'people-apply',
    text: t('people.apply'),
  });
  const reset = h('a', { class: 'btn btn--ghost', href: '#/admin/people', text: t('people.reset') });
  const form = h(
    'form',
    { class: 'people-filters', role: 'search', 'data-testid': 'people-filters' },
    q,
    // On a phone the list comes first: role, state and place fold away until asked for (or set).
    h(
      'details',
      { class: 'people-filters__more', open: filters.role || filters.active || filters.scope || undefined },
      h('summary', { class: 'people-filters__summary', 'data-testid': 'people-more', text: t('people.more_filters') }),
      h('div', { class: 'people-filters__row' }, role, active),
      scope.node,
    ),
    h('div', { class: 'people-filters__buttons' }, apply, reset),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = scope.value();
    navigate(
      peoplePath({
        q: q.input.value.trim(),
        role: role.input.value,
        active: active.input.value,
        scope: chosen?.scope_type === 'org_unit' ? chosen.id : '',
      }),
    );
  });
  return form;
}

function personRow(person) {
  return h(
    'li',
    { class: 'person-row' },
    h(
      'a',
      { class: 'person-row__link', href: `#/admin/people/${person.id}`, 'data-testid': 'person-row' },
      h(
        'span',
        { class: 'person-row__head' },
        h('strong', { class: 'person-row__name', text: person.display_name }),
        h('span', { class: 'person-row__phone', text: person.phone }),
        person.active ? null : h('span', { class: 'chip chip--inactive', text: t('people.inactive') }),
        person.managed_elsewhere
          ? h('span', { class: 'chip chip--elsewhere', text: t('people.elsewhere_chip') })
          : null,
      ),
      h('span', { class: 'person-row__roles', text: rolesText(person.roles ?? []) }),
    ),
  );
}

export function adminPeopleScreen({ query }) {
  const filters = peopleFilters(query);
  const { screen, body } = adminFrame({ testid: 'admin-people', title: t('people.title') });
  const create = h('a', {
    class: 'btn btn--primary',
    href: '#/admin/people/new',
    'data-testid': 'people-new',
    text: t('people.new'),
  });
  const list = h('div', { class: 'people-list', 'aria-live': 'polite' });
  async function load() {
    list.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    try {
      const page = await get(`/api/admin/users?${peopleApiQuery(filters, PER_PAGE)}`);
      list.replaceChildren(
        h('p', { class: 'muted', 'data-testid': 'people-total', text: t('people.found', { count: page.total }) }),
        page.items.length
          ? h('ul', { class: 'people-rows', 'data-testid': 'people-rows' }, page.items.map(personRow))
          : h('p', { class: 'note', text: t('people.none') }),
        pagerNav({
          page,
          pathOf: (to) => peoplePath({ ...filters, page: to }),
          where: (pages) => t('people.page_of', { page: page.page, pages, total: page.total }),
          testid: 'people',
        }),
      );
    } catch (err) {
      list.replaceChildren(loadFailed(err, load));
    }
  }
  body.replaceChildren(flashNote() ?? '', h('div', { class: 'people-actions' }, create), filterForm(filters), list);
  load();
  return screen;
}

/** 新建人员: name, phone, first password, language and the first role at its scope. */
export function adminPersonNewScreen() {
  const { screen, body } = adminFrame({
    testid: 'admin-person-new',
    title: t('people.new_title'),
    back: '/admin/people',
    backText: t('people.back'),
  });
  const name = inputField({ label: t('people.name'), testid: 'person-name', required: true });
  const phone = inputField({
    label: t('people.phone'),
    testid: 'person-phone',
    type: 'tel',
    required: true,
  });
  phone.input.setAttribute('inputmode', 'numeric');
  const password = inputField({
    label: t('people.password'),
    testid: 'person-password',
    type: 'password',
    required: true,
    hint: t('people.password_hint'),
  });
  password.input.setAttribute('autocomplete', 'new-password');
  const locale = selectField({
    label: t('people.locale'),
    testid: 'person-locale',
    options: [
      { value: 'zh-CN', label: '简体中文' },
      { value: 'en', label: 'English' },
    ],
    value: 'zh-CN',
  });
  const { role, scope, node: grant } = roleAndScope('person');
  const bar = submitBar({ testid: 'person-create', label: t('people.create') });
  const form = h('form', { class: 'form', novalidate: true }, name, phone, password, locale, grant, bar.element);
  form.addEventListener('submit', async (event) => {
    const chosen = startSubmit(event, bar, scope);
    if (!chosen) return;
    try {
      const made = await post('/api/admin/users', {
        display_name: name.input.value.trim(),
        phone: phone.input.value.replace(/[\s-]+/g, ''),
        password: password.input.value,
        locale: locale.input.value,
        roles: [{ role: role.input.value, scope_id: chosen.id }],
      });
      setFlash(t('people.created', { name: made.display_name }));
      replaceWith(`/admin/people/${made.id}`);
    } catch (err) {
      bar.alert.textContent = showFieldErrors(err, {
        display_name: name,
        phone,
        password,
        locale,
        'roles.0.role': role,
        'roles.0.scope_id': scope,
        roles: scope,
      });
    } finally {
      bar.busy(false);
    }
  });
  body.replaceChildren(form);
  return screen;
}

/** A role form's submit begins: the scope chosen (else said on the picker, null), the bar busy. */
export function startSubmit(event, bar, scope) {
  event.preventDefault();
  bar.alert.textContent = '';
  const chosen = scope.value();
  if (!chosen) {
    scope.setError(t('people.scope_required'));
    return null;
  }
  bar.busy(true);
  return chosen;
}

/** A role's select and the scope picker asking for that role's kind of scope. */
export function roleAndScope(testid, legend = t('people.first_role')) {
  const role = selectField({
    label: t('people.role'),
    testid: `${testid}-role`,
    options: GRANTABLE_ROLES.map((r) => ({ value: r, label: roleName(r) })),
    value: 'grid_worker',
  });
  const scope = scopePicker({
    label: t('people.role_scope'),
    testid: `${testid}-scope`,
    kinds: scopeKinds('grid_worker'),
    hint: t('people.role_scope_hint'),
  });
  role.input.addEventListener('change', () => scope.setKinds(scopeKinds(role.input.value)));
  return { role, scope, node: h('fieldset', { class: 'fieldset' }, h('legend', { text: legend }), role, scope.node) };
}
