// 邀请住户 (#/invite/<household id>): the grid worker, at the door and maybe with no signal, shows
// an invitation for a household of their directory — a QR code and the same code in big grouped
// characters to read aloud or type (PROTOCOL.md §19.2). Made on the phone with the worker's
// invitation key (synced invite_key); valid 72 hours, once. 换一个 makes another; 作废旧邀请码
// (online) gives the worker a new key, which voids every code made before.
import QRCode from 'qrcode';
import { loadDirectoryEntries } from '../directory.js';
import { buildIndex } from '../directory-search.js';
import { getLocale, t } from '../i18n.js';
import { invitationUrl, makeInvitation } from '../invite-code.js';
import { ensureInviteKey, localInviteKey, rotateInviteKey } from '../join.js';
import { isOnline } from '../net.js';
import { h } from './dom.js';
import { backLink, block } from './wish-parts.js';

async function findHousehold(id) {
  const entries = await loadDirectoryEntries();
  return buildIndex(entries.map((entry) => entry.data)).find((entry) => entry.household.id === id) ?? null;
}

function expiryText(ms) {
  return new Intl.DateTimeFormat(getLocale(), {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
}

/** The screen at #/invite/<household id>; props {me, params}. */
export function inviteScreen({ me, params }) {
  const householdId = Number(params.id);
  const address = h('p', { class: 'invite__address', 'data-testid': 'invite-address' });
  const canvas = h('canvas', { class: 'invite__qr', 'data-testid': 'invite-qr', 'aria-hidden': 'true' });
  const code = h('p', { class: 'invite__code', 'data-testid': 'invite-code', lang: 'en' });
  const expiry = h('p', { class: 'muted invite__expiry', 'data-testid': 'invite-expiry' });
  const problem = h('p', { class: 'alert', role: 'alert', 'data-testid': 'invite-error' });
  const again = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'invite-again',
    text: t('join.invite.again'),
  });
  const rotate = h('button', {
    type: 'button',
    class: 'btn btn--ghost btn--block',
    'data-testid': 'invite-rotate',
    text: t('join.invite.rotate'),
  });
  const shown = h('div', { class: 'invite__shown', hidden: true }, canvas, code, expiry, again);

  async function draw() {
    problem.textContent = '';
    const entry = await findHousehold(householdId);
    if (!entry) {
      problem.textContent = t('join.invite.not_in_directory');
      return;
    }
    address.textContent = [entry.compound?.name, entry.building?.name, entry.household.unit, entry.household.room]
      .filter(Boolean)
      .join(' ');
    const key = (await localInviteKey()) ?? (await ensureInviteKey(me));
    if (!key) {
      problem.textContent = t(isOnline() ? 'join.invite.no_key' : 'join.invite.no_key_offline');
      return;
    }
    const made = await makeInvitation(key.key, householdId);
    await QRCode.toCanvas(canvas, invitationUrl(made.code), { width: 280, margin: 2, errorCorrectionLevel: 'M' });
    // Three groups a line (ABCD-EFGH-JKMN- / PQRS-TVWX-YZ0), never a group cut in two: read aloud
    // or typed a line at a time.
    const groups = made.grouped.split('-');
    code.replaceChildren(
      ...groups.flatMap((group, i) => [
        h('span', { class: 'invite__group', text: i < groups.length - 1 ? `${group}-` : group }),
        ...(i === 2 ? [h('br')] : []),
      ]),
    );
    code.setAttribute('aria-label', made.grouped.split('').join(' '));
    expiry.textContent = t('join.invite.expires', { time: expiryText(made.expiresAt) });
    shown.hidden = false;
  }
  again.addEventListener('click', () => draw());
  rotate.addEventListener('click', async () => {
    if (!isOnline()) {
      problem.textContent = t('join.needs_network');
      return;
    }
    rotate.disabled = true;
    try {
      await rotateInviteKey();
      await draw();
      problem.textContent = t('join.invite.rotated');
    } catch (err) {
      problem.textContent = err.message;
    } finally {
      rotate.disabled = false;
    }
  });
  draw().catch((err) => {
    console.error('could not make the invitation', err);
    problem.textContent = t('error.unexpected');
  });
  return h(
    'section',
    { class: 'screen invite', 'data-testid': 'invite' },
    backLink('/directory', t('join.invite.back')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.invite.title') }),
    address,
    problem,
    shown,
    h('p', { class: 'muted', text: t('join.invite.about') }),
    block(
      t('join.invite.rotate_title'),
      'invite-rotate-card',
      h('p', { class: 'muted', text: t('join.invite.rotate_about') }),
      rotate,
    ),
  );
}
