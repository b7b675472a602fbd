// The card on home that offers Web Push (issue 6): after sign-in, explained in Chinese, asked only
// from the tap on its button — never on page load (browsers and people both punish that). On an
// iPhone not added to the Home Screen it says how to add it instead (no PushManager until then).
import { pushErrorKey, shouldOfferPush } from '../alerts.js';
import { t } from '../i18n.js';
import {
  deviceSubscription,
  dismissOffer,
  offerDismissedAt,
  permission,
  thisBrowserSupport,
  turnPushOn,
} from '../push.js';
import { h } from './dom.js';

/** The steps to add Redgrid to an iPhone's Home Screen (Safari's share menu). */
export function iosInstallSteps() {
  return h(
    'ol',
    { class: 'steps', 'data-testid': 'ios-install-steps' },
    ['alerts.push.ios_step1', 'alerts.push.ios_step2', 'alerts.push.ios_step3'].map((key) => h('li', { text: t(key) })),
  );
}

/** Why push could not be turned on, in the user's language with what to do (alerts.pushErrorKey). */
export function pushErrorText(err) {
  const key = pushErrorKey(err);
  return key ? t(key) : err.message;
}

/**
 * A holder that fills in with the card when it should be offered; empty otherwise. settle: the
 * home's (ui/settle.js), told when the holder knows.
 */
export function pushCard({ settle = null } = {}) {
  const holder = h('div', { class: 'push-offer' });
  const known = (async () => {
    const support = thisBrowserSupport();
    const state = {
      support,
      permission: support === 'supported' ? permission() : 'default',
      subscribed: support === 'supported' && Boolean(await deviceSubscription()),
      dismissedAt: await offerDismissedAt(),
    };
    if (!shouldOfferPush(state)) return;
    holder.replaceChildren(support === 'ios-install' ? iosCard(holder) : offerCard(holder));
  })().catch((err) => console.warn('could not check Web Push on this device', err));
  settle?.after(known, { node: holder });
  return holder;
}

function later(holder) {
  return h('button', {
    type: 'button',
    class: 'btn btn--secondary',
    'data-testid': 'push-later',
    text: t('alerts.push.later'),
    onclick: async () => {
      await dismissOffer();
      holder.replaceChildren();
    },
  });
}

function offerCard(holder) {
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'push-message' });
  const enable = h('button', {
    type: 'button',
    class: 'btn btn--primary',
    'data-testid': 'push-enable',
    text: t('alerts.push.enable'),
  });
  enable.addEventListener('click', async () => {
    enable.disabled = true;
    message.textContent = t('alerts.push.enabling');
    try {
      const { state } = await turnPushOn();
      if (state === 'subscribed') {
        holder.replaceChildren(
          h('p', {
            class: 'note note--ok',
            role: 'status',
            'data-testid': 'push-enabled',
            text: t('alerts.push.enabled'),
          }),
        );
        return;
      }
      message.textContent = t(state === 'denied' ? 'alerts.push.denied' : 'alerts.push.dismissed');
    } catch (err) {
      message.textContent = pushErrorText(err);
    }
    enable.disabled = false;
  });
  return h(
    'article',
    { class: 'card push-card', 'data-testid': 'push-card' },
    h('h2', { class: 'card__title', text: t('alerts.push.title') }), // under home's h1: no level skipped
    h('p', { text: t('alerts.push.why') }),
    h('div', { class: 'button-row' }, enable, later(holder)),
    message,
  );
}

function iosCard(holder) {
  return h(
    'article',
    { class: 'card push-card', 'data-testid': 'push-ios' },
    h('h2', { class: 'card__title', text: t('alerts.push.ios_title') }),
    h('p', { text: t('alerts.push.ios_why') }),
    iosInstallSteps(),
    h('div', { class: 'button-row' }, later(holder)),
  );
}
