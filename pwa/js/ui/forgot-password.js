// 忘记密码 (from the sign-in screen): no SMS — the grid worker of your household, or an admin,
// gives you a one-time code (PROTOCOL.md §19.5); with it and your phone number you set a new
// password here. Every session of the account ends; sign in with the new password.

import { resetPassword } from '../accounts.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { clearForm, sendForm } from './join-parts.js';
import { textInput } from './wish-form.js';

/** Builds the screen; onDone(phone) once the password is set, onBack() to sign in instead. */
export function forgotPasswordScreen({ onDone, onBack }) {
  const phone = textInput({ label: t('signin.phone'), testid: 'forgot-phone', type: 'tel', required: true });
  phone.input.setAttribute('inputmode', 'numeric');
  phone.input.setAttribute('autocomplete', 'username');
  const code = textInput({
    label: t('accounts.forgot.code'),
    testid: 'forgot-code',
    required: true,
    hint: t('accounts.forgot.code_hint'),
  });
  code.input.setAttribute('inputmode', 'numeric');
  code.input.setAttribute('autocomplete', 'one-time-code');
  const password = textInput({
    label: t('join.me.new_password'),
    testid: 'forgot-password',
    type: 'password',
    required: true,
    hint: t('join.register.password_hint'),
  });
  password.input.setAttribute('autocomplete', 'new-password');
  const fields = { phone, code, new_password: password };
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'forgot-error' });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'forgot-submit',
    text: t('accounts.forgot.submit'),
  });

  async function onSubmit(event) {
    event.preventDefault();
    const form = { fields, alert, submit };
    clearForm(form);
    const values = {
      phone: phone.input.value.replace(/\s+/g, ''),
      code: code.input.value.replace(/[\s-]+/g, ''),
      newPassword: password.input.value,
    };
    const missing = Object.entries({ phone: values.phone, code: values.code, new_password: values.newPassword })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    if (missing.length) {
      for (const name of missing) fields[name].setError(t('accounts.forgot.required'));
      fields[missing[0]].input.focus();
      return;
    }
    await sendForm(form, async () => {
      await resetPassword(values);
      onDone(values.phone);
    });
  }

  return h(
    'section',
    { class: 'screen', 'data-testid': 'forgot' },
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('accounts.forgot.title') }),
    h('p', { class: 'muted', text: t('accounts.forgot.lead') }),
    h(
      'form',
      { class: 'form', 'data-testid': 'forgot-form', novalidate: true, onsubmit: onSubmit },
      phone,
      code,
      password,
      alert,
      submit,
    ),
    h('button', {
      type: 'button',
      class: 'btn btn--secondary btn--block forgot__back',
      'data-testid': 'forgot-back',
      text: t('accounts.forgot.back'),
      onclick: () => onBack?.(),
    }),
  );
}
