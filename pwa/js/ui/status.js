// The screens shown while nothing else can be: loading, and a failure with a way to retry.
import { t } from '../i18n.js';
import { h } from './dom.js';

/** "正在载入…", or what is being waited for (text), e.g. a fresh phone's first sync. */
export function loadingScreen({ text = t('app.loading') } = {}) {
  return h(
    'section',
    { class: 'screen screen--center', 'data-testid': 'loading', 'aria-busy': 'true' },
    h('p', { class: 'muted', role: 'status', text }),
  );
}

/** A failure that is neither "signed out" nor "offline with nothing cached", e.g. a 500. */
export function errorScreen({ message, onRetry }) {
  return h(
    'section',
    { class: 'screen', 'data-testid': 'load-error' },
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('error.title') }),
    h('p', { class: 'alert', role: 'alert', text: message }),
    h('button', { type: 'button', class: 'btn btn--primary btn--block', onclick: onRetry, text: t('error.retry') }),
  );
}

/**
 * What a detail screen shows when its record is not on the phone: 找不到这个整改单 and why that
 * may be. entity: a synced entity's name (entity.<name> in the catalogs); testid: the message's.
 */
export function missingRecord(entity, testid) {
  const what = t(`entity.${entity}`);
  return [
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('detail.gone_title', { entity: what }) }),
    h('p', { class: 'muted', 'data-testid': testid, text: t('detail.gone', { entity: what }) }),
  ];
}
