// The live banner (issue 6): an urgent (紧急) alert arriving over Socket.IO shows at the top of
// whatever screen is open, at once, with a link to it and a close button. Other levels only
// reach the inbox and the home badge. Lives outside <main>, so changing screens keeps it.

import { onAlertArrived } from '../alert-events.js';
import { inboxPath, wantsBanner } from '../alerts.js';
import { t } from '../i18n.js';
import { h } from './dom.js';

/** The banner's holder (empty until an urgent alert comes); app.js puts it above <main>. */
export function alertBanner() {
  const holder = h('div', { class: 'alert-banner-holder', 'data-testid': 'alert-banner-holder' });
  onAlertArrived((alert) => {
    if (!wantsBanner(alert)) return;
    const close = h('button', {
      type: 'button',
      class: 'alert-banner__close',
      'data-testid': 'alert-banner-close',
      'aria-label': t('alerts.banner.close'),
      text: '×',
      onclick: () => banner.remove(),
    });
    const link = h(
      'a',
      {
        class: 'alert-banner__link',
        href: `#${inboxPath(alert.inbox_id ?? alert.id)}`,
        'data-testid': 'alert-banner-open',
        onclick: () => banner.remove(),
      },
      h('strong', { class: 'alert-banner__title', text: `${t('alerts.banner.urgent')} · ${alert.title ?? ''}` }),
      alert.body ? h('span', { class: 'alert-banner__body', text: alert.body }) : null,
    );
    const banner = h(
      'div',
      { class: 'alert-banner', role: 'alert', 'data-testid': 'alert-banner', 'data-id': String(alert.id ?? '') },
      link,
      close,
    );
    // The newest on top; the same alert again (a new version) replaces the old banner.
    holder.querySelector(`[data-id="${CSS.escape(String(alert.id ?? ''))}"]`)?.remove();
    holder.prepend(banner);
  });
  return holder;
}
