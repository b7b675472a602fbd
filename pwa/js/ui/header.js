// The top bar: app name, the online/offline indicator and the language switch.
import { getLocale, onLocaleChange, otherLocale, t } from '../i18n.js';
import { isOnline, onNetworkChange } from '../net.js';
import { h } from './dom.js';

/** Builds the header; onSwitchLocale(locale) is awaited while the button is disabled. */
export function createHeader({ onSwitchLocale }) {
  const name = h('span', { class: 'topbar__name' });
  const netText = h('span', { class: 'net__text' });
  // aria-live so a screen reader hears "离线" the moment the signal drops.
  const net = h(
    'span',
    { class: 'net', 'data-testid': 'net-status', 'aria-live': 'polite' },
    h('span', { class: 'net__dot', 'aria-hidden': 'true' }),
    netText,
  );
  const langSwitch = h('button', { type: 'button', class: 'btn btn--on-dark', 'data-testid': 'lang-switch' });

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

  function showNetwork(online) {
    net.dataset.online = String(online);
    netText.textContent = t(online ? 'net.online' : 'net.offline');
  }

  function showTexts() {
    name.textContent = t('app.name');
    langSwitch.textContent = t('lang.switch');
    // The button names the other language in that language, so mark it for screen readers.
    langSwitch.lang = otherLocale();
    langSwitch.dataset.locale = getLocale();
    showNetwork(isOnline());
  }

  onNetworkChange(showNetwork);
  onLocaleChange(showTexts);
  showTexts();

  return h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'topbar__inner' }, name, h('span', { class: 'topbar__spacer' }), net, langSwitch),
  );
}
