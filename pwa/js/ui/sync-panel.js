// The sync status a grid worker reads at a glance (DESIGN.md §5): what waits to be sent, when the
// phone last synced, and every change the server refused, with its reason and a way to retry or
// give it up. Nothing refused disappears by itself.
import { getRecord } from '../db.js';
import { hasKey, t } from '../i18n.js';
import { countOutbox, discard, listRejected, onOutboxChange, retry } from '../outbox.js';
import { subscribe, syncNow } from '../sync-client.js';
import { h } from './dom.js';
import { fieldLabel } from './format.js';
import { syncWords } from './sync-words.js';
import { watchLocalData } from './watch.js';

function refusedItem(entry, onChange) {
  const fieldMessages = Object.entries(entry.error?.fields ?? {}).map(
    ([name, messages]) => `${fieldLabel(entry.entity, name)}：${[].concat(messages).join(' ')}`,
  );
  const act = (fn) => async () => {
    try {
      await fn(entry.seq);
      onChange();
    } catch (err) {
      console.warn('could not change the refused entry', err);
    }
  };
  const named = entry.fields?.title ?? entry.fields?.description;
  const what = h('p', {
    class: 'refused__what',
    text: named
      ? t('sync.refused_of', { entity: entityName(entry.entity), name: named })
      : t('sync.unnamed', { entity: entityName(entry.entity) }),
  });
  if (!named) nameFromRecord(what, entry);
  const fix = fixPath(entry);
  return h(
    'li',
    { class: 'refused', 'data-testid': 'rejected-item' },
    what,
    h('p', { class: 'refused__why', text: entry.error?.message ?? '' }),
    fieldMessages.length
      ? h(
          'ul',
          { class: 'refused__fields' },
          fieldMessages.map((m) => h('li', { text: m })),
        )
      : null,
    h(
      'div',
      { class: 'refused__actions' },
      fix
        ? h('a', { class: 'btn btn--ghost', href: `#${fix}`, 'data-testid': 'rejected-fix', text: t('sync.fix') })
        : h('button', {
            type: 'button',
            class: 'btn btn--ghost',
            'data-testid': 'rejected-retry',
            onclick: act(retry),
            text: t('sync.retry'),
          }),
      h('button', {
        type: 'button',
        class: 'btn btn--danger',
        'data-testid': 'rejected-discard',
        onclick: act(discard),
        text: t('sync.discard'),
      }),
    ),
  );
}

const entityName = (entity) => (hasKey(`entity.${entity}`) ? t(`entity.${entity}`) : entity);

/** Names a refused edit after its record ("入户走访 3号楼"), read from the phone. */
function nameFromRecord(element, entry) {
  getRecord(entry.entity, entry.record_id).then(
    (record) => {
      const name = record?.data?.title ?? record?.data?.description;
      if (name) element.textContent = t('sync.refused_of', { entity: entityName(entry.entity), name });
    },
    () => {},
  );
}

/** The screen that fixes a refused change (a form opened on it, ?fix=seq), or null: retry as it is. */
function fixPath(entry) {
  const id = encodeURIComponent(entry.record_id);
  if (entry.entity === 'task' && entry.fields?.status === 'done') return `/tasks/${id}/complete?fix=${entry.seq}`;
  if (entry.entity === 'task' && entry.fields?.status === 'unable') return `/tasks/${id}/unable?fix=${entry.seq}`;
  if (entry.entity === 'field_report' && entry.op === 'create') return `/report?fix=${entry.seq}`;
  // Inspections and orders show their refusals on their own screens, item by item.
  if (entry.entity === 'inspection') return `/inspections/${id}`;
  if (entry.entity === 'rectification_order') return `/orders/${id}`;
  return null;
}

// Grid workers, stewards, property staff and admins work offline on shared records and meet the
// words of their trade (同步详情与冲突记录); residents and volunteers get plain ones.
const WORK_ROLES = ['grid_worker', 'red_steward', 'property_staff', 'admin'];

/** The catalog key for this person: `key` for those at work on shared records, else `key_plain`. */
export function syncKey(me, key) {
  const atWork = (me?.roles ?? []).some((r) => WORK_ROLES.includes(r.role));
  return atWork ? key : `${key}_plain`;
}

/**
 * The panel; it follows the sync client until it leaves the page. detailsLink: to #/sync (not on
 * it). me: whose words (syncKey).
 */
export function syncPanel({ detailsLink = true, me = null } = {}) {
  const line = h('p', { class: 'sync__line', 'data-testid': 'sync-status', 'aria-live': 'polite' });
  const conflicts = h('p', { class: 'sync__note muted', 'data-testid': 'sync-conflicts', hidden: true });
  const refused = h('div', { class: 'sync__refused', 'data-testid': 'rejected-list', hidden: true });
  const now = h('button', { type: 'button', class: 'btn btn--ghost', 'data-testid': 'sync-now', text: t('sync.now') });
  now.addEventListener('click', () => syncNow().catch(() => {}));
  const details = !detailsLink
    ? null
    : h('a', {
        class: 'sync__details',
        href: '#/sync',
        'data-testid': 'sync-details',
        text: t(syncKey(me, 'sync.details')),
      });
  const panel = h(
    'section',
    { class: 'card sync', 'data-testid': 'sync-panel' },
    h('div', { class: 'sync__row' }, line, now),
    conflicts,
    refused,
    details,
  );

  async function showRefused() {
    const entries = await listRejected();
    refused.replaceChildren(
      ...(entries.length
        ? [
            h('h2', { class: 'sync__title', text: t('sync.refused_title', { count: entries.length }) }),
            h(
              'ul',
              { class: 'refused__list' },
              entries.map((entry) => refusedItem(entry, showRefused)),
            ),
          ]
        : []),
    );
    refused.hidden = !entries.length;
  }

  let seenOnPage = false;
  const stop = [
    subscribe((status) => {
      // Screens are replaced wholesale; a panel no longer on the page stops listening.
      if (panel.isConnected) seenOnPage = true;
      else if (seenOnPage) return stop.forEach((fn) => fn());
      panel.dataset.state = status.state;
      line.textContent = syncWords(status);
      conflicts.hidden = !status.conflicts;
      conflicts.textContent = status.conflicts ? t(syncKey(me, 'sync.conflicts'), { count: status.conflicts }) : '';
      now.disabled = status.state === 'syncing';
      showRefused().catch((err) => console.warn('could not list refused changes', err));
    }),
    onOutboxChange(() => showRefused().catch(() => {})),
  ];
  return panel;
}

/**
 * Home's bar for the changes the server refused (a link to #/sync, where each is explained and
 * fixed, retried or given up), fixed at the bottom of the screen — in sight whatever the scroll,
 * and moving nothing when it appears; hidden while there are none.
 */
export function refusedBanner() {
  const banner = h('a', { class: 'refused-banner', href: '#/sync', 'data-testid': 'refused-banner', hidden: true });
  const draw = async () => {
    const { rejected } = await countOutbox();
    banner.textContent = rejected ? t('sync.refused_banner', { count: rejected }) : '';
    banner.hidden = !rejected;
  };
  draw().catch((err) => console.warn('could not count the refused changes', err));
  watchLocalData(banner, draw);
  return banner;
}
