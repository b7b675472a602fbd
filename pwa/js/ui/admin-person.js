// 人员详情: one person of the admin's jurisdiction — rename, deactivate or reactivate (ends the
// account's sessions), the roles inside the jurisdiction with 收回, a new role at a scope from the
// scope picker, and a link to make a password reset code. An account holding roles elsewhere is
// "managed elsewhere": its name and state belong to an admin over all its roles (the server
// refuses, 403 managed_elsewhere), so those controls are disabled and say why; roles inside the
// jurisdiction may still be granted and revoked.
import { get, patch, post, request } from '../api.js';
import { t } from '../i18n.js';
import {
  adminFrame,
  errorText,
  flashNote,
  inputField,
  loadFailed,
  showFieldErrors,
  submitBar,
} from './admin-common.js';
import { roleAndScope, startSubmit } from './admin-people.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';

const roleName = (role) => t(`role.${role}.name`);

export function adminPersonScreen({ params }) {
  const id = params.id;
  const { screen, heading, body } = adminFrame({
    testid: 'admin-person',
    title: t('people.person'),
    back: '/admin/people',
    backText: t('people.back'),
  });
  const status = h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'person-status', hidden: true });
  const flash = flashNote();

  function said(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  async function load() {
    try {
      draw(await get(`/api/admin/users/${id}`));
    } catch (err) {
      body.replaceChildren(loadFailed(err, load));
    }
  }

  function draw(person) {
    heading.textContent = person.display_name;
    const locked = person.managed_elsewhere;
    const parts = [
      flash,
      status,
      summary(person),
      locked
        ? h('p', { class: 'note note--warn', 'data-testid': 'person-elsewhere', text: t('people.elsewhere_note') })
        : null,
      renameForm(person, locked),
      activeCard(person, locked),
      rolesCard(person),
      grantForm(person),
      resetLink(person, locked),
    ];
    body.replaceChildren(...parts.filter(Boolean));
  }

  function summary(person) {
    return h(
      'dl',
      { class: 'person-facts' },
      h('dt', { text: t('people.phone') }),
      h('dd', { 'data-testid': 'person-phone', text: person.phone }),
      h('dt', { text: t('people.state') }),
      h('dd', { 'data-testid': 'person-state', text: person.active ? t('people.active') : t('people.inactive') }),
    );
  }

  function renameForm(person, locked) {
    const name = inputField({
      label: t('people.name'),
      testid: 'person-rename',
      value: person.display_name,
      required: true,
    });
    name.input.disabled = locked;
    const bar = submitBar({ testid: 'person-rename', label: t('people.rename') });
    bar.button.disabled = locked;
    bar.button.classList.remove('btn--big', 'btn--block');
    const form = h('form', { class: 'form person-card', novalidate: true }, name, bar.element);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      bar.alert.textContent = '';
      bar.busy(true);
      try {
        const changed = await patch(`/api/admin/users/${id}`, { display_name: name.input.value.trim() });
        draw(changed);
        said(t('people.renamed'));
      } catch (err) {
        bar.alert.textContent = showFieldErrors(err, { display_name: name });
        bar.busy(false);
      }
    });
    return form;
  }

  function activeCard(person, locked) {
    const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'person-active-error' });
    const button = h('button', {
      type: 'button',
      class: person.active ? 'btn btn--danger' : 'btn btn--secondary',
      'data-testid': person.active ? 'person-deactivate' : 'person-reactivate',
      text: person.active ? t('people.deactivate') : t('people.reactivate'),
      disabled: locked,
    });
    button.addEventListener('click', async () => {
      const going = !person.active;
      const sure = await confirmDialog({
        title: going ? t('people.reactivate_title') : t('people.deactivate_title', { name: person.display_name }),
        lines: [going ? t('people.reactivate_line') : t('people.deactivate_line')],
        confirm: going ? t('people.reactivate') : t('people.deactivate'),
        cancel: t('people.cancel'),
        testid: 'person-active-confirm',
      });
      if (!sure) return;
      button.disabled = true;
      try {
        draw(await patch(`/api/admin/users/${id}`, { active: going }));
        said(going ? t('people.reactivated') : t('people.deactivated'));
      } catch (err) {
        alert.textContent = errorText(err);
        button.disabled = false;
      }
    });
    return h(
      'section',
      { class: 'person-card', 'aria-labelledby': 'person-active-title' },
      h('h2', { class: 'section-title', id: 'person-active-title', text: t('people.account') }),
      h('p', { class: 'muted', text: person.active ? t('people.active_about') : t('people.inactive_about') }),
      button,
      alert,
    );
  }

  function rolesCard(person) {
    const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'person-roles-error' });
    const rows = person.roles.map((role) => {
      const revoke = h('button', {
        type: 'button',
        class: 'btn btn--ghost',
        'data-testid': 'person-revoke',
        text: t('people.revoke'),
        'aria-label': t('people.revoke_label', { role: roleName(role.role), scope: role.scope_name }),
      });
      revoke.addEventListener('click', async () => {
        const sure = await confirmDialog({
          title: t('people.revoke_title'),
          lines: [
            t('people.revoke_line', { name: person.display_name, role: roleName(role.role), scope: role.scope_name }),
          ],
          confirm: t('people.revoke'),
          cancel: t('people.cancel'),
          testid: 'person-revoke-confirm',
        });
        if (!sure) return;
        revoke.disabled = true;
        try {
          draw(await request('DELETE', `/api/admin/users/${id}/roles/${role.id}`));
          said(t('people.revoked'));
        } catch (err) {
          alert.textContent = errorText(err);
          revoke.disabled = false;
        }
      });
      return h(
        'li',
        { class: 'person-role', 'data-testid': 'person-role' },
        h(
          'span',
          { class: 'person-role__text' },
          h('strong', { text: roleName(role.role) }),
          h('span', { text: ` · ${role.scope_path.slice(1).join(' › ') || role.scope_name}` }),
        ),
        revoke,
      );
    });
    return h(
      'section',
      { class: 'person-card', 'aria-labelledby': 'person-roles-title' },
      h('h2', { class: 'section-title', id: 'person-roles-title', text: t('people.roles') }),
      rows.length ? h('ul', { class: 'person-roles' }, rows) : h('p', { class: 'muted', text: t('people.no_roles') }),
      alert,
    );
  }

  function grantForm() {
    const { role, scope, node } = roleAndScope('grant', t('people.grant_title'));
    const bar = submitBar({ testid: 'person-grant', label: t('people.grant') });
    bar.button.classList.remove('btn--big', 'btn--block');
    const form = h(
      'form',
      { class: 'form person-card', novalidate: true, 'data-testid': 'person-grant' },
      node,
      bar.element,
    );
    form.addEventListener('submit', async (event) => {
      const chosen = startSubmit(event, bar, scope);
      if (!chosen) return;
      try {
        draw(await post(`/api/admin/users/${id}/roles`, { role: role.input.value, scope_id: chosen.id }));
        said(t('people.granted'));
      } catch (err) {
        bar.alert.textContent = showFieldErrors(err, { role, scope_id: scope });
        bar.busy(false);
      }
    });
    return form;
  }

  function resetLink(person, locked) {
    return h(
      'section',
      { class: 'person-card', 'aria-labelledby': 'person-reset-title' },
      h('h2', { class: 'section-title', id: 'person-reset-title', text: t('people.reset_title') }),
      locked
        ? h('p', { class: 'muted', text: t('people.reset_elsewhere') })
        : h('a', {
            class: 'btn btn--secondary',
            href: `#/accounts/reset-code?phone=${encodeURIComponent(person.phone)}`,
            'data-testid': 'person-reset-code',
            text: t('people.reset_code'),
          }),
    );
  }

  load();
  return screen;
}
