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
