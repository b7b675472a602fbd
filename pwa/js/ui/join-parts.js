// What the joining screens share (注册, 加入家庭, 我的, 入户申请): the server's per-field messages
// under their fields, and telling the app that the account's roles changed.
import { ApiError } from '../api.js';
import { t } from '../i18n.js';

/** An ApiError's field messages under the fields it names (`fields`: name → textInput), the rest in `alert`. */
export function showApiError(err, fields, alert) {
  const stray = [];
  let first = null;
  for (const [name, messages] of Object.entries(err.fields ?? {})) {
    const text = [].concat(messages).join(' ');
    if (!fields[name]) {
      stray.push(text);
      continue;
    }
    fields[name].setError(text);
    first ??= fields[name].input;
  }
  // The general message only when no field says it already (the field's words are the answer).
  const general = err.code === 'offline' ? t('join.needs_network') : err.message;
  alert.textContent = [first ? '' : general, ...stray].filter(Boolean).join(' ');
  first?.focus();
}

/** Clears a form's messages: under each field (`fields`: name → textInput) and in its alert. */
export function clearForm({ fields, alert }) {
  for (const field of Object.values(fields)) field.setError('');
  alert.textContent = '';
}

/**
 * Sends a form: clears its messages, keeps its button disabled while send() runs, and shows what
 * failed (the server's field messages under their fields, the rest in the alert). form: {fields,
 * alert, submit}. Resolves true once send() succeeded.
 */
export async function sendForm(form, send) {
  clearForm(form);
  form.submit.disabled = true;
  try {
    await send();
    return true;
  } catch (err) {
    if (err instanceof ApiError) showApiError(err, form.fields, form.alert);
    else form.alert.textContent = t('error.unexpected');
    return false;
  } finally {
    form.submit.disabled = false;
  }
}

/** The account's roles changed (joined, left): the app redraws with `me` and goes home. */
export function meChanged(me) {
  window.dispatchEvent(new CustomEvent('redgrid:me-changed', { detail: me }));
}
