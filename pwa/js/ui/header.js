// The top bar: app name, the sync chip and the language switch. The chip is the phone's state at
// a glance: signed out, online or offline; signed in, the sync state too (已同步 · 10:32, 3 条修改
// 待同步, 离线, 2 项需处理), and a tap opens the sync details (#/sync) with what waits, what the
// server refused and 立即同步 (issue 15: home's first screen is the work, not the sync card).
import { getLocale, onLocaleChange, otherLocale, t } from '../i18n.js';
import { isOnline, onNetworkChange } from '../net.js';
import { subscribe } from '../sync-client.js';
import { h } from './dom.js';
import { syncWords } from './sync-words.js';

/** The chip's look: offline (amber), refused or error (to be dealt with), else its state. */
function chipState(status, online) {
  if (!online) return 'offline';
  if (!status) return 'online';
  if (status.rejected) return 'refused';
  return status.state;
}

/**
 * Builds the header: {node, setSignedIn(boolean)}. onSwitchLocale(locale) is awaited while the
 * button is disabled.
 */
export function createHeader({ onSwitchLocale }) {
  const name = h('span', { class: 'topbar__name' });
  const label = h('span', { class: 'visually-hidden' });
  const text = h('span', { class: 'net__text', 'data-testid': 'sync-chip-text' });
  const chip = h(
    'a',
    { class: 'net', 'data-testid': 'net-status' },
    label,
    h('span', { class: 'net__dot', 'aria-hidden': 'true' }),
    text,
  );
  // A screen reader hears "离线" the moment the signal drops (and not every sync's progress).
  const announce = h('span', { class: 'visually-hidden', 'aria-live': 'polite' });
  const langSwitch = h('button', { type: 'button', class: 'btn btn--on-dark', 'data-testid': 'lang-switch' });
  let status = null; // the sync client's, while signed in
  let stopFollowing = null;

  langSwitch.addEventListener('click', async () => {
    langSwitch.disabled = true;
    try {
      await onSwitchLocale(otherLocale());
    } catch (err) {
      console.warn('language switch failed', err); // e.g. catalog not cached yet and offline
    } finally {
      langSwitch.disabled = false;
    }
  });

  function showChip() {
    const online = isOnline();
    chip.dataset.online = String(online);
    chip.dataset.state = chipState(status, online);
    text.textContent = syncWords(status, { online, compact: true });
  }

  function showNetwork(online) {
    announce.textContent = t(online ? 'net.online' : 'net.offline');
    showChip();
  }

  function showTexts() {
    name.textContent = t('app.name');
    label.textContent = stopFollowing ? t('sync.chip.label') : '';
    langSwitch.textContent = t('lang.switch');
    // The button names the other language in that language, so mark it for screen readers.
    langSwitch.lang = otherLocale();
    langSwitch.dataset.locale = getLocale();
    showChip();
  }

  /** Signed in: the chip follows the sync client and opens #/sync; signed out: the network only. */
  function setSignedIn(signedIn) {
    if (signedIn === Boolean(stopFollowing)) return;
    if (signedIn) {
      chip.href = '#/sync';
      stopFollowing = subscribe((next) => {
        status = next;
        showChip();
      });
    } else {
      chip.removeAttribute('href');
      stopFollowing();
      stopFollowing = null;
      status = null;
    }
    showTexts();
  }

  onNetworkChange(showNetwork);
  onLocaleChange(showTexts);
  showTexts();

  const node = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'topbar__inner' }, name, h('span', { class: 'topbar__spacer' }), chip, announce, langSwitch),
  );
  return { node, setSignedIn };
}
