// The sign-in screen: phone and password, with the server's per-field and general errors.
import { ApiError } from '../api.js';
import { t } from '../i18n.js';
import { signIn } from '../session.js';
import { h } from './dom.js';

// What was typed survives a re-render (the language switch rebuilds the screen).
let draft = { phone: '', password: '' };

function field(name, labelKey, inputProps) {
  const id = `signin-${name}`;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name,
    class: 'field__input',
    'data-testid': name,
    'aria-describedby': errorId,
    ...inputProps,
  });
  input.value = draft[name];
  input.addEventListener('input', () => {
    draft[name] = input.value;
  });
  // Always in the page (empty when fine) so aria-describedby points at something real.
  const error = h('p', { id: errorId, class: 'field__error', 'data-testid': `field-error-${name}` });
  return { input, error, label: h('label', { class: 'field__label', for: id, text: t(labelKey) }) };
}

function passwordToggle(input) {
  const button = h('button', {
    type: 'button',
    class: 'btn btn--ghost field__toggle',
    'data-testid': 'password-toggle',
    'aria-controls': input.id,
    text: t('signin.show_password'),
  });
  button.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    button.textContent = t(show ? 'signin.hide_password' : 'signin.show_password');
  });
  return button;
}

/**
 * What was typed into the page's static form (index.html) before the scripts arrived, and the
 * error a plain sign-in left there: the app's form starts from them.
 */
export function adoptStaticForm(root) {
  const typed = (name) => root.querySelector(`[data-testid="${name}"]`)?.value ?? '';
  draft = { phone: typed('phone'), password: typed('password') };
  staticError = root.querySelector('[data-testid="signin-error"]')?.textContent?.trim() ?? '';
}
let staticError = '';

/** Builds the screen; onSignedIn(me) runs with the /api/me body after a successful sign-in. */
export function signinScreen({ noticeKey, statusKey, phone: knownPhone, message, onSignedIn, onRegister, onForgot }) {
  if (knownPhone) draft = { phone: knownPhone, password: '' }; // back from 忘记密码: the number they typed there
  const phone = field('phone', 'signin.phone', {
    type: 'tel',
    inputmode: 'numeric',
    autocomplete: 'username',
    enterkeyhint: 'next',
    spellcheck: 'false',
  });
  const password = field('password', 'signin.password', {
    type: 'password',
    autocomplete: 'current-password',
    enterkeyhint: 'go',
  });
  const fields = { phone, password };
  // Kept in the page so screen readers already watch it when a message arrives.
  const alert = h('div', {
    class: 'alert',
    role: 'alert',
    'data-testid': 'signin-error',
    text: message || staticError,
  });
  staticError = '';
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'signin-submit',
    text: t('signin.submit'),
  });

  function clearErrors() {
    alert.textContent = '';
    for (const { input, error } of Object.values(fields)) {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }

  function showErrors(message, fieldMessages = {}) {
    const stray = [];
    let first = null;
    for (const [name, messages] of Object.entries(fieldMessages)) {
      const text = [].concat(messages).join(' ');
      if (!fields[name]) {
        stray.push(text); // a field this form has no input for: still tell the user
        continue;
      }
      fields[name].error.textContent = text;
      fields[name].input.setAttribute('aria-invalid', 'true');
      first ??= fields[name].input;
    }
    alert.textContent = [message, ...stray].filter(Boolean).join(' ');
    first?.focus();
  }

  function setBusy(busy) {
    submit.disabled = busy;
    submit.textContent = t(busy ? 'signin.submitting' : 'signin.submit');
    form.setAttribute('aria-busy', String(busy));
  }

  async function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    // People paste numbers like "138 0000 0001"; the server wants the digits.
    const values = { phone: phone.input.value.replace(/\s+/g, ''), password: password.input.value };
    const missing = {};
    if (!values.phone) missing.phone = [t('signin.required_phone')];
    if (!values.password) missing.password = [t('signin.required_password')];
    if (Object.keys(missing).length) return showErrors('', missing);

    setBusy(true);
    try {
      const me = await signIn(values.phone, values.password, { discardOthers });
      draft = { phone: '', password: '' };
      onSignedIn(me);
    } catch (err) {
      setBusy(false);
      // Someone else's unsent edits: offer to discard them, knowingly, and sign in anyway.
      discardButton.hidden = err.code !== 'other_user_unsynced';
      if (err instanceof ApiError) showErrors(err.message, err.fields);
      else showErrors(t('error.unexpected'));
    }
  }

  let discardOthers = false;
  const discardButton = h('button', {
    type: 'button',
    class: 'btn btn--danger btn--block',
    hidden: true,
    'data-testid': 'signin-discard',
    text: t('signin.discard_and_continue'),
  });
  discardButton.addEventListener('click', (event) => {
    discardOthers = true;
    onSubmit(event);
  });

  // novalidate: our own messages come from the catalog, not the browser's language.
  const form = h(
    'form',
    { class: 'form', 'data-testid': 'signin-form', 'data-ready': '', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'field' }, phone.label, phone.input, phone.error),
    h(
      'div',
      { class: 'field' },
      password.label,
      h('div', { class: 'field__row' }, password.input, passwordToggle(password.input)),
      password.error,
    ),
    alert,
    submit,
    discardButton,
  );

  return h(
    'section',
    { class: 'screen', 'data-testid': 'signin' },
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('signin.title') }),
    h('p', { class: 'muted', text: t('signin.lead') }),
    noticeKey
      ? h('p', { class: 'note note--offline-only', role: 'status', 'data-testid': 'signin-notice', text: t(noticeKey) })
      : null,
    statusKey
      ? h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'signin-status', text: t(statusKey) })
      : null,
    form,
    // 忘记密码: no SMS; a one-time code from the grid worker or an admin (ui/forgot-password.js).
    h('button', {
      type: 'button',
      class: 'btn btn--ghost btn--block signin__forgot',
      'data-testid': 'signin-forgot',
      text: t('accounts.forgot.open'),
      onclick: () => onForgot?.(),
    }),
    // 注册: a resident without an account opens one here (ui/register.js, PROTOCOL.md §19).
    h('p', { class: 'signin__register' }, h('span', { class: 'muted', text: t('signin.no_account') })),
    h('button', {
      type: 'button',
      class: 'btn btn--secondary btn--block',
      'data-testid': 'signin-register',
      text: t('signin.register'),
      onclick: () => onRegister?.(),
    }),
  );
}
