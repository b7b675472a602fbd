// 消息 (#/inbox, issue 6): my alerts from IndexedDB (synced `inbox` records), unread first,
// filtered by category, readable with no signal; an entry's page (#/inbox/<id>) marks it read
// (an outbox edit of read_at that syncs later). Every notice the server sends lands here: an
// alert, an overdue or escalated rectification order, new tasks (PROTOCOL.md §13).
import { categoriesOf, filterInbox, isExpired, isUnread } from '../alerts.js';
import { t } from '../i18n.js';
import { loadInbox, loadInboxEntry, markEntryRead } from '../inbox-data.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { alertCategoryLabel, entryRow, levelChip } from './inbox-row.js';
import { watchLocalData } from './watch.js';

const view = { category: 'all' }; // kept while the app is open: back from an entry, same filter

function categoryFilter(entries, redraw) {
  const codes = categoriesOf(entries);
  if (codes.length < 2 && view.category === 'all') return null;
  const button = (code, label) => {
    const pressed = view.category === code;
    return h('button', {
      type: 'button',
      class: `pill${pressed ? ' pill--on' : ''}`,
      'aria-pressed': String(pressed),
      'data-testid': 'inbox-filter',
      'data-category': code,
      text: label,
      onclick: () => {
        view.category = code;
        redraw();
      },
    });
  };
  return h(
    'div',
    { class: 'pills', role: 'group', 'aria-label': t('alerts.filter_label') },
    button('all', t('alerts.filter_all')),
    codes.map((code) => button(code, alertCategoryLabel(code))),
  );
}

/** #/inbox (and the old #/notifications) */
export function inboxScreen() {
  const body = h('div', { 'data-testid': 'inbox-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'inbox' },
    h('a', { class: 'back', href: '#/', text: t('form.back_home') }),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('alerts.inbox.title') }),
    h('a', {
      class: 'link-small',
      href: '#/settings/notifications',
      'data-testid': 'settings-open',
      text: t('alerts.settings.open'),
    }),
    body,
  );

  async function draw() {
    const entries = await loadInbox();
    const shown = filterInbox(entries, view.category);
    body.replaceChildren(
      ...[
        categoryFilter(entries, draw),
        shown.length
          ? h('ul', { class: 'inbox-list', 'data-testid': 'inbox-list' }, shown.map(entryRow))
          : h('p', { class: 'empty', 'data-testid': 'inbox-empty', text: t('alerts.inbox.empty') }),
      ].filter(Boolean),
    );
  }
  draw().catch((err) =>
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') })),
  );
  watchLocalData(screen, draw);
  return screen;
}

/** #/inbox/<id>: the whole alert; opening it marks it read. */
export function inboxEntryScreen({ params }) {
  const body = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'alert-detail' },
    h('a', { class: 'back', href: '#/inbox', 'data-testid': 'alert-back', text: t('alerts.back_inbox') }),
    body,
  );
  let marked = false;

  async function draw() {
    const entry = await loadInboxEntry(params.id);
    if (!entry) {
      body.replaceChildren(
        h('h1', { class: 'screen__title', tabindex: '-1', text: t('alerts.inbox.title') }),
        h('p', { class: 'note', 'data-testid': 'alert-missing', text: t('alerts.missing') }),
      );
      return;
    }
    body.replaceChildren(
      h(
        'p',
        { class: 'inbox-row__head' },
        levelChip(entry.level),
        h('span', { class: 'tag', text: alertCategoryLabel(entry.category) }),
        isExpired(entry) ? h('span', { class: 'tag tag--muted', text: t('alerts.expired') }) : null,
      ),
      h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'alert-title', text: entry.title }),
      h('p', {
        class: 'muted small',
        'data-testid': 'alert-time',
        text: entry.createdAt ? dateTime(entry.createdAt) : '',
      }),
      h('div', { class: 'alert-body', 'data-testid': 'alert-body', text: entry.body }),
      entry.link?.startsWith('#/') && !entry.link.startsWith('#/inbox')
        ? h('a', {
            class: 'btn btn--secondary',
            href: entry.link,
            'data-testid': 'alert-link',
            text: t('alerts.open_link'),
          })
        : null,
      h('p', {
        class: 'muted small',
        'data-testid': 'alert-read',
        'data-read': String(!isUnread(entry)),
        text: isUnread(entry) ? '' : t('alerts.read_at', { time: dateTime(entry.readAt) }),
      }),
    );
    // Its banner has done its job once the alert is open.
    for (const banner of document.querySelectorAll('[data-testid=alert-banner]')) {
      if ([entry.id, String(entry.alertId)].includes(banner.dataset.id)) banner.remove();
    }
    if (!marked && isUnread(entry)) {
      marked = true;
      await markEntryRead(entry); // the outbox change redraws this screen with 已读
    }
  }
  draw().catch((err) =>
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: err.message || t('error.unexpected') })),
  );
  watchLocalData(screen, draw);
  return screen;
}
