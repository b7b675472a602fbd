// 重置密码验证码 (#/accounts/reset-code): an admin over every role of an account, or the grid
// worker of a resident's household, makes a one-time code for someone who forgot their password
// (no SMS, PROTOCOL.md §19.5). The code shows here once — read it out; it is not stored on the
// phone and the server keeps only a hash — for 30 minutes, and a newer one replaces it.

import { groupCode, issueResetCode } from '../accounts.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { sendForm } from './join-parts.js';
import { textInput } from './wish-form.js';
import { backLink, block } from './wish-parts.js';

function codeCard(issued) {
  return h(
    'div',
    { class: 'reset-code', 'data-testid': 'reset-code-issued' },
    h('p', {
      class: 'reset-code__whose',
      text: t('accounts.reset.for', { name: issued.user.display_name, phone: issued.user.phone }),
    }),
    h('p', { class: 'reset-code__code', 'data-testid': 'reset-code-value', text: groupCode(issued.code) }),
    h('p', { class: 'muted', text: t('accounts.reset.expires', { time: dateTime(issued.expires_at) }) }),
    h('p', { class: 'note', text: t('accounts.reset.once') }),
  );
}

/** The screen at #/accounts/reset-code. */
export function resetCodeScreen({ query }) {
  const phone = textInput({
    label: t('accounts.reset.phone'),
    testid: 'reset-phone',
    type: 'tel',
    required: true,
    hint: t('accounts.reset.phone_hint'),
  });
  phone.input.setAttribute('inputmode', 'numeric');
  phone.input.setAttribute('autocomplete', 'off');
  phone.input.value = query?.get('phone') ?? ''; // from a person's screen (人员管理)
  const alert = h('div', { class: 'alert', role: 'alert', 'data-testid': 'reset-issue-error' });
  const result = h('div', { role: 'status', 'data-testid': 'reset-issue-result' });
  const submit = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--block',
    'data-testid': 'reset-issue-submit',
    text: t('accounts.reset.issue'),
  });
  async function onSubmit(event) {
    event.preventDefault();
    result.replaceChildren();
    await sendForm({ fields: { phone }, alert, submit }, async () => {
      const issued = await issueResetCode(phone.input.value.replace(/[\s-]+/g, ''));
      result.replaceChildren(codeCard(issued));
    });
  }
  const back =
    query?.get('from') === 'directory' ? ['/directory', t('join.invite.back')] : ['/me', t('accounts.back_me')];
  return h(
    'section',
    { class: 'screen', 'data-testid': 'reset-code' },
    backLink(...back),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('accounts.reset.title') }),
    block(
      t('accounts.reset.card'),
      'reset-issue',
      h('p', { class: 'muted', text: t('accounts.reset.about') }),
      h('form', { class: 'form', novalidate: true, onsubmit: onSubmit }, phone, alert, submit),
      result,
    ),
  );
}
