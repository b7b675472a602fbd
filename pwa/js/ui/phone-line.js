// A resident's phone line, in the grid directory (ui/directory.js) and on a task's household
// (ui/task-detail.js): masked as the directory keeps it; the full number is fetched on a tap,
// online only, and every look is audited by the server (GET /api/residents/<id>/phone); then it
// is a link that dials (tel:). The number is never stored on the phone.
import { fetchFullPhone } from '../directory.js';
import { t } from '../i18n.js';
import { h } from './dom.js';

/** "139 1234 5678": a number read aloud or dialled in groups. */
export function groupDigits(phone) {
  const digits = String(phone);
  return digits.length === 11 ? `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}` : digits;
}

/** The phone line of a resident: masked, or the full number once fetched (a link that dials). */
export function phoneLine(resident, revealed) {
  const slot = h('span', { class: 'person__phone' });
  const message = h('p', { class: 'person__message', role: 'status', 'data-testid': 'phone-message' });
  if (!resident.phone_masked) {
    slot.append(h('span', { class: 'muted', text: t('directory.phone_none') }));
    return h('div', { class: 'person__phone-row' }, slot);
  }
  const showFull = (phone) => {
    slot.replaceChildren(
      phone
        ? h('a', {
            class: 'btn btn--secondary phone-call',
            href: `tel:${phone}`,
            'data-testid': 'phone-full',
            text: t('directory.phone_call', { phone: groupDigits(phone) }),
          })
        : h('span', { class: 'muted', text: t('directory.phone_none') }),
    );
  };
  if (revealed.has(resident.id)) {
    showFull(revealed.get(resident.id));
    return h('div', { class: 'person__phone-row' }, slot, message);
  }
  slot.append(h('span', { class: 'phone-masked', 'data-testid': 'phone-masked', text: resident.phone_masked }));
  const button = h('button', {
    type: 'button',
    class: 'btn btn--ghost phone-reveal',
    'data-testid': 'phone-reveal',
    text: t('directory.phone_reveal'),
  });
  button.addEventListener('click', async () => {
    message.textContent = '';
    message.classList.remove('person__message--error');
    button.disabled = true;
    button.textContent = t('directory.phone_revealing');
    try {
      const phone = await fetchFullPhone(resident.id);
      revealed.set(resident.id, phone);
      showFull(phone);
      button.remove();
      message.textContent = t('directory.phone_recorded');
    } catch (err) {
      message.classList.add('person__message--error');
      message.textContent = err.code === 'offline' ? t('directory.phone_offline') : err.message;
      button.disabled = false;
      button.textContent = t('directory.phone_reveal');
    }
  });
  return h('div', { class: 'person__phone-row' }, slot, button, message);
}
