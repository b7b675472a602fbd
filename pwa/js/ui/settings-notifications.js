// 消息提醒设置 (#/settings/notifications, issue 6): Web Push on this device — on or off, which
// categories it takes (the server keeps them per device), and on an iPhone how to add Redgrid to
// the Home Screen first. The inbox itself gets every alert whatever is chosen here.
import { CATEGORIES } from '../alerts.js';
import { t } from '../i18n.js';
import {
  deviceSubscription,
  permission,
  saveCategories,
  thisBrowserSupport,
  turnPushOff,
  turnPushOn,
} from '../push.js';
import { h } from './dom.js';
import { alertCategoryLabel } from './inbox-row.js';
import { iosInstallSteps, pushErrorText } from './push-card.js';

/** #/settings/notifications */
export function notificationSettingsScreen() {
  const body = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const message = h('p', { class: 'field__hint', role: 'status', 'data-testid': 'settings-message' });
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'notification-settings' },
    h('a', { class: 'back', href: '#/inbox', text: t('alerts.back_inbox') }),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('alerts.settings.title') }),
    body,
    message,
  );

  const act = (button, action) => async () => {
    button.disabled = true;
    message.textContent = '';
    try {
      await action();
      await draw();
    } catch (err) {
      message.textContent = pushErrorText(err);
      button.disabled = false;
    }
  };

  async function draw() {
    const support = thisBrowserSupport();
    if (support === 'ios-install') {
      body.replaceChildren(
        h('p', { 'data-testid': 'settings-state', 'data-state': 'ios-install', text: t('alerts.push.ios_why') }),
        iosInstallSteps(),
      );
      return;
    }
    if (support === 'unsupported') {
      body.replaceChildren(
        h('p', {
          class: 'note',
          'data-testid': 'settings-state',
          'data-state': 'unsupported',
          text: t('alerts.settings.unsupported'),
        }),
      );
      return;
    }
    const device = await deviceSubscription();
    if (!device) {
      const denied = permission() === 'denied';
      const on = h('button', {
        type: 'button',
        class: 'btn btn--primary',
        'data-testid': 'settings-push-on',
        disabled: denied,
        text: t('alerts.push.enable'),
      });
      on.addEventListener(
        'click',
        act(on, async () => {
          const { state } = await turnPushOn();
          if (state !== 'subscribed')
            throw new Error(t(state === 'denied' ? 'alerts.push.denied' : 'alerts.push.dismissed'));
        }),
      );
      body.replaceChildren(
        h('p', {
          'data-testid': 'settings-state',
          'data-state': denied ? 'denied' : 'off',
          text: t(denied ? 'alerts.settings.denied' : 'alerts.settings.off'),
        }),
        h('p', { class: 'muted', text: t('alerts.push.why') }),
        on,
      );
      return;
    }
    const chosen = new Set(device.categories ?? CATEGORIES);
    const boxes = CATEGORIES.map((code) =>
      h(
        'label',
        { class: 'check-row' },
        h('input', {
          type: 'checkbox',
          value: code,
          checked: chosen.has(code),
          'data-testid': `settings-category-${code}`,
        }),
        h('span', { text: alertCategoryLabel(code) }),
      ),
    );
    const save = h('button', {
      type: 'button',
      class: 'btn btn--primary',
      'data-testid': 'settings-save',
      text: t('alerts.settings.save'),
    });
    save.addEventListener(
      'click',
      act(save, async () => {
        const picked = boxes
          .map((label) => label.querySelector('input'))
          .filter((box) => box.checked)
          .map((box) => box.value);
        await saveCategories(picked.length === CATEGORIES.length ? null : picked);
        message.textContent = t('alerts.settings.saved');
      }),
    );
    const off = h('button', {
      type: 'button',
      class: 'btn btn--danger',
      'data-testid': 'settings-push-off',
      text: t('alerts.settings.turn_off'),
    });
    off.addEventListener('click', act(off, turnPushOff));
    body.replaceChildren(
      h('p', { 'data-testid': 'settings-state', 'data-state': 'on', text: t('alerts.settings.on') }),
      h('fieldset', { class: 'fieldset' }, h('legend', { text: t('alerts.settings.categories') }), boxes),
      h('p', { class: 'muted small', text: t('alerts.settings.inbox_note') }),
      h('div', { class: 'button-row' }, save, off),
    );
  }
  draw().catch((err) =>
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') })),
  );
  return screen;
}
