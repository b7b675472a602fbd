// 注册 (from the sign-in screen): a resident opens an account with their phone number, name and
// a password (PROTOCOL.md §19), and is signed in at once. The account belongs to no household
// yet: home then offers 加入家庭. The server's per-field messages show under each field.

import { JOIN } from '../constants.js';
import { getLocale, t } from '../i18n.js';
import { register } from '../session.js';
import { h } from './dom.js';
import { sendForm } from './join-parts.js';
import { textInput } from './wish-form.js';

/** Builds the screen; onRegistered(me) after the account is open, onBack() to sign in instead. */
export function registerScreen({ onRegistered, onBack }) {
  const phone = textInput({ label: t('join.register.phone'), testid: 'register-phone', type: 'tel', required: true });
  phone.input.setAttribute('inputmode', 'numeric');
  phone.input.setAttribute('autocomplete', 'username');
  const name = textInput({
    label: t('join.register.name'),
    testid: 'register-name',
    maxlength: JOIN.NAME_MAX,
    required: true,
    hint: t('join.register.name_hint'),
  });
  const password = textInput({
    label: t('join.register.password'),
    testid: 'register-password',
    type: 'password',
    required: true,
    hint: t('join.register.password_hint'),
  });
  password.input.setAttribute('autocomplete', 'new-password');
  const fields = { phone, display_name: name, password };
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'register-error' });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'register-submit',
    text: t('join.register.submit'),
  });

  async function onSubmit(event) {
    event.preventDefault();
    await sendForm({ fields, alert, submit }, async () => {
      const me = await register({
        phone: phone.input.value.replace(/\s+/g, ''),
        display_name: name.input.value,
        password: password.input.value,
        locale: getLocale(),
      });
      onRegistered(me);
    });
  }

  return h(
    'section',
    { class: 'screen', 'data-testid': 'register' },
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.register.title') }),
    h('p', { class: 'muted', text: t('join.register.lead') }),
    h(
      'form',
      { class: 'form', novalidate: true, onsubmit: onSubmit, 'data-testid': 'register-form' },
      phone,
      name,
      password,
      alert,
      submit,
    ),
    h('button', {
      type: 'button',
      class: 'btn btn--ghost btn--block',
      'data-testid': 'register-back',
      text: t('join.register.have_account'),
      onclick: () => onBack(),
    }),
  );
}
