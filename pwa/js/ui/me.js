// 我的 (#/me): the account's own — name and language, a new password (the other devices are
// signed out), signing out the other devices, which messages reach this phone (a link to
// #/settings/notifications), and the household it belongs to, with leaving it (PROTOCOL.md
// §19.4); for admins and grid workers, the way to a password reset code for someone else
// (§19.5). Online: each is checked by the server.

import { endOtherSessions, issuesResetCodes } from '../accounts.js';
import { patch } from '../api.js';
import { JOIN } from '../constants.js';
import { LOCALES, setLocale, t } from '../i18n.js';
import { changePassword, households, leaveHousehold } from '../join.js';
import { keepMe } from '../session.js';
import { h } from './dom.js';
import { meChanged, sendForm } from './join-parts.js';
import { textInput } from './wish-form.js';
import { backLink, block } from './wish-parts.js';

function profileCard(me) {
  const name = textInput({
    label: t('join.me.name'),
    testid: 'me-name',
    maxlength: JOIN.NAME_MAX,
    required: true,
    value: me.user?.display_name ?? '',
  });
  const language = h(
    'select',
    { class: 'field__input', id: 'me-locale', 'data-testid': 'me-locale' },
    LOCALES.map((locale) =>
      h('option', { value: locale, selected: locale === me.user?.locale, text: t(`join.me.locale.${locale}`) }),
    ),
  );
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'me-profile-error' });
  const saved = h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'me-profile-saved', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--block', text: t('join.me.save') });
  async function onSubmit(event) {
    event.preventDefault();
    saved.hidden = true;
    await sendForm({ fields: { display_name: name }, alert, submit }, async () => {
      const next = await keepMe(await patch('/api/me', { display_name: name.input.value, locale: language.value }));
      saved.textContent = t('join.me.saved');
      saved.hidden = false;
      const switched = language.value !== me.user?.locale;
      Object.assign(me, next); // before the switch redraws this screen from `me`
      if (switched) await setLocale(language.value);
    });
  }
  return block(
    t('join.me.profile'),
    'me-profile',
    h('p', { class: 'muted', 'data-testid': 'me-phone', text: t('join.me.phone', { phone: me.user?.phone ?? '' }) }),
    h(
      'form',
      { class: 'form', novalidate: true, onsubmit: onSubmit },
      name,
      h(
        'div',
        { class: 'field' },
        h('label', { class: 'field__label', for: 'me-locale', text: t('join.me.language') }),
        language,
      ),
      alert,
      saved,
      submit,
    ),
  );
}

function passwordCard() {
  const current = textInput({ label: t('join.me.current_password'), testid: 'me-current-password', type: 'password' });
  current.input.setAttribute('autocomplete', 'current-password');
  const next = textInput({
    label: t('join.me.new_password'),
    testid: 'me-new-password',
    type: 'password',
    hint: t('join.register.password_hint'),
  });
  next.input.setAttribute('autocomplete', 'new-password');
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'me-password-error' });
  const saved = h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'me-password-saved', hidden: true });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'me-password-submit',
    text: t('join.me.change_password'),
  });
  async function onSubmit(event) {
    event.preventDefault();
    saved.hidden = true;
    await sendForm({ fields: { current_password: current, new_password: next }, alert, submit }, async () => {
      await changePassword(current.input.value, next.input.value);
      current.input.value = '';
      next.input.value = '';
      saved.textContent = t('join.me.password_changed');
      saved.hidden = false;
    });
  }
  return block(
    t('join.me.password'),
    'me-password',
    h('form', { class: 'form', novalidate: true, onsubmit: onSubmit }, current, next, alert, saved, submit),
  );
}

function devicesCard() {
  const status = h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'me-devices-done', hidden: true });
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'me-devices-error' });
  const button = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'me-end-others',
    text: t('accounts.devices.end_others'),
  });
  button.addEventListener('click', async () => {
    button.disabled = true;
    alert.textContent = '';
    status.hidden = true;
    try {
      const { ended } = await endOtherSessions();
      status.textContent = t('accounts.devices.ended', { count: ended });
      status.hidden = false;
    } catch (err) {
      alert.textContent = err.code === 'offline' ? t('join.needs_network') : (err.message ?? t('error.unexpected'));
    } finally {
      button.disabled = false;
    }
  });
  return block(
    t('accounts.devices.title'),
    'me-devices',
    h('p', { class: 'muted', text: t('accounts.devices.about') }),
    button,
    alert,
    status,
  );
}

function linksCard(me) {
  return block(
    t('accounts.more'),
    'me-links',
    h('a', {
      class: 'btn btn--secondary btn--block',
      href: '#/settings/notifications',
      'data-testid': 'me-notifications',
      text: t('accounts.notifications'),
    }),
    issuesResetCodes(me)
      ? h('a', {
          class: 'btn btn--secondary btn--block',
          href: '#/accounts/reset-code',
          'data-testid': 'me-reset-codes',
          text: t('accounts.reset.title'),
        })
      : null,
  );
}

function householdCard(me) {
  const mine = households(me);
  if (!mine.length) {
    return block(
      t('join.me.household'),
      'me-household',
      h('p', { class: 'muted', 'data-testid': 'me-no-household', text: t('join.me.no_household') }),
      h('a', { class: 'btn btn--primary btn--block', href: '#/join', text: t('join.title') }),
    );
  }
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'me-leave-error' });
  return block(
    t('join.me.household'),
    'me-household',
    mine.map((role) => {
      const confirm = h('button', {
        type: 'button',
        class: 'btn btn--danger btn--block',
        'data-testid': 'me-leave-confirm',
        hidden: true,
        text: t('join.me.leave_confirm'),
      });
      const ask = h('button', {
        type: 'button',
        class: 'btn btn--secondary btn--block',
        'data-testid': 'me-leave',
        text: t('join.me.leave'),
        onclick: () => {
          ask.hidden = true;
          confirm.hidden = false;
          confirm.focus();
        },
      });
      confirm.addEventListener('click', async () => {
        confirm.disabled = true;
        try {
          meChanged(await leaveHousehold(role.scope_id));
        } catch (err) {
          confirm.disabled = false;
          alert.textContent = err.code === 'offline' ? t('join.needs_network') : err.message;
        }
      });
      return h(
        'div',
        { class: 'join__household', 'data-testid': 'me-household-row' },
        h('p', { class: 'join__household-name', text: role.scope_name }),
        h('p', { class: 'muted', text: (role.scope_path ?? []).slice(0, -4).join(' › ') }),
        ask,
        confirm,
      );
    }),
    alert,
  );
}

/** The screen at #/me. */
export function meScreen({ me }) {
  return h(
    'section',
    { class: 'screen', 'data-testid': 'me' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.me.title') }),
    householdCard(me),
    profileCard(me),
    passwordCard(),
    devicesCard(),
    linksCard(me),
  );
}
