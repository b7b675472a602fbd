// 同步与冲突: the sync panel (what waits, what the server refused, with fix or discard) and the
// user's conflict records (GET /api/sync/conflicts, PROTOCOL.md §7.3): for each, the field in
// Chinese and both values side by side, which one the record kept, and whether an admin has
// resolved it. Conflicts live on the server, so this list needs the network; the rest does not.
import { isAdmin } from '../admin.js';
import { resolveConflict } from '../admin-data.js';
import { get } from '../api.js';
import { getRecord } from '../db.js';
import { t } from '../i18n.js';
import { isOnline, onNetworkChange } from '../net.js';
import { h } from './dom.js';
import { codeLabel, dateTime, entityLabel, fieldLabel, valueText } from './format.js';
import { goBack } from './nav.js';
import { syncKey, syncPanel } from './sync-panel.js';

const PER_PAGE = 50;

async function recordTitle(entity, id) {
  try {
    const data = (await getRecord(entity, id))?.data;
    return data?.title ?? data?.description ?? '';
  } catch {
    return '';
  }
}

function valueBox({ label, value, kept, testid, admin = false }) {
  // An admin decides between the two: the badges name them as the buttons below do.
  const badge = admin
    ? kept
      ? 'conflicts.admin_kept'
      : 'conflicts.admin_held'
    : kept
      ? 'conflicts.kept'
      : 'conflicts.held';
  return h(
    'div',
    { class: `conflict__value${kept ? ' conflict__value--kept' : ''}`, 'data-testid': testid },
    h(
      'p',
      { class: 'conflict__side' },
      h('span', { text: label }),
      h('span', { class: `badge ${kept ? 'badge--kept' : 'badge--held'}`, text: t(badge) }),
    ),
    h('p', { class: 'conflict__text', text: value }),
  );
}

/**
 * An admin's choice on an open conflict (PROTOCOL.md §7.3): 保留当前值 (keep) or 采用被覆盖的值
 * (use_losing: the losing value is written into the record as a new version, synced to all).
 */
function resolveActions(conflict, onResolved) {
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'conflict-error' });
  const buttons = ['keep', 'use_losing'].map((resolution) =>
    h('button', {
      type: 'button',
      class: `btn ${resolution === 'keep' ? 'btn--secondary' : 'btn--primary'}`,
      'data-testid': resolution === 'keep' ? 'conflict-keep' : 'conflict-use-losing',
      text: t(`conflicts.action.${resolution}`),
    }),
  );
  buttons.forEach((button, i) =>
    button.addEventListener('click', async () => {
      buttons.forEach((b) => {
        b.disabled = true;
      });
      alert.textContent = '';
      try {
        await resolveConflict(conflict.id, i === 0 ? 'keep' : 'use_losing');
        onResolved();
      } catch (err) {
        alert.textContent = err.code === 'offline' ? t('conflicts.offline') : err.message;
        buttons.forEach((b) => {
          b.disabled = false;
        });
      }
    }),
  );
  return h(
    'div',
    { class: 'conflict__resolve', 'data-testid': 'conflict-actions' },
    h('p', { class: 'conflict__ask', text: t('conflicts.ask') }),
    h('div', { class: 'button-row' }, buttons),
    alert,
  );
}

/** Who sent the losing edit, by the name the server gives with the conflict. */
function author(conflict, me) {
  if (conflict.user_id == null || conflict.user_id === me.user.id) return null;
  const name = conflict.user_name ?? t('value.assignee_other', { id: conflict.user_id });
  return h('p', {
    class: 'conflict__author muted',
    'data-testid': 'conflict-author',
    text: t('conflicts.by', { name }),
  });
}

/** A value as text; a user id is "you" or the worker's name (the server's value_names), never a bare number. */
function shown(conflict, value, me) {
  if (conflict.field === 'assignee_id' && value != null) {
    if (value === me.user.id) return t('value.assignee_you');
    return conflict.value_names?.[value] ?? t('value.assignee_other', { id: value });
  }
  return valueText(conflict.entity, conflict.field, value);
}

function resolvedText(conflict) {
  const how = codeLabel('conflicts.resolution', conflict.resolution);
  const when = dateTime(conflict.resolved_at);
  return conflict.resolved_by_name
    ? t('conflicts.resolved_by', { how, when, name: conflict.resolved_by_name })
    : t('conflicts.resolved', { how, when });
}

function conflictCard(conflict, title, me, onResolved) {
  const serverWon = conflict.winner === 'server';
  const mine = conflict.user_id === me.user.id;
  const resolved = Boolean(conflict.resolved_at);
  const admin = isAdmin(me);
  const keptValue = serverWon ? conflict.server_value : conflict.client_value;
  const moved =
    admin &&
    !resolved &&
    conflict.current_version != null &&
    JSON.stringify(conflict.current_value) !== JSON.stringify(keptValue);
  return h(
    'li',
    {
      class: 'card conflict',
      'data-testid': 'conflict',
      'data-field': conflict.field,
      'data-id': conflict.id,
      'data-state': resolved ? 'resolved' : 'open',
    },
    h(
      'p',
      { class: 'conflict__what' },
      h('span', { class: 'chip chip--type', text: entityLabel(conflict.entity) }),
      admin && conflict.entity === 'task'
        ? h('a', {
            class: 'conflict__title conflict__link',
            href: `#/admin/tasks/${encodeURIComponent(conflict.record_id)}`,
            text: title || conflict.record_id,
          })
        : h('strong', { class: 'conflict__title', text: title || conflict.record_id }),
    ),
    h('h3', {
      class: 'conflict__field',
      'data-testid': 'conflict-field',
      text: fieldLabel(conflict.entity, conflict.field),
    }),
    admin ? author(conflict, me) : null,
    h(
      'div',
      { class: 'conflict__values' },
      valueBox({
        label: t('conflicts.server_value'),
        value: shown(conflict, conflict.server_value, me),
        kept: serverWon,
        testid: 'conflict-server',
        admin,
      }),
      valueBox({
        label: t(mine ? 'conflicts.your_value' : 'conflicts.their_value'),
        value: shown(conflict, conflict.client_value, me),
        kept: !serverWon,
        testid: 'conflict-client',
        admin,
      }),
    ),
    moved
      ? h('p', {
          class: 'note',
          'data-testid': 'conflict-current',
          text: t('conflicts.current_now', { value: shown(conflict, conflict.current_value, me) }),
        })
      : null,
    h('p', { class: 'conflict__rule muted', text: codeLabel('conflicts.rule', conflict.rule) }),
    h(
      'p',
      { class: `conflict__state${resolved ? '' : ' conflict__state--open'}`, 'data-testid': 'conflict-state' },
      resolved ? resolvedText(conflict) : t(admin ? 'conflicts.open_admin' : 'conflicts.open'),
      ' · ',
      dateTime(conflict.created_at),
    ),
    admin && !resolved ? resolveActions(conflict, onResolved) : null,
  );
}

function conflictList(me) {
  const list = h('div', { class: 'conflicts', 'data-testid': 'conflicts', 'aria-live': 'polite' });
  const reload = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': 'conflicts-reload',
    text: t('conflicts.reload'),
  });

  async function load() {
    if (!isOnline()) {
      list.replaceChildren(h('p', { class: 'note', 'data-testid': 'conflicts-offline', text: t('conflicts.offline') }));
      return;
    }
    list.replaceChildren(h('p', { class: 'muted', text: t('app.loading') }));
    try {
      const page = await get(`/api/sync/conflicts?status=all&per_page=${PER_PAGE}`);
      // Open ones first: those are what an admin has to decide.
      const items = [...(page?.items ?? [])].sort(
        (a, b) => Number(Boolean(a.resolved_at)) - Number(Boolean(b.resolved_at)),
      );
      if (!items.length) {
        list.replaceChildren(
          h('p', {
            class: 'empty empty--good',
            'data-testid': 'conflicts-none',
            text: t(syncKey(me, 'conflicts.none')),
          }),
        );
        return;
      }
      const titles = await Promise.all(items.map((c) => recordTitle(c.entity, c.record_id)));
      list.replaceChildren(
        ...[
          h('p', {
            class: 'muted',
            text: t(isAdmin(me) ? 'conflicts.explain_admin' : syncKey(me, 'conflicts.explain')),
          }),
          h(
            'ul',
            { class: 'conflict-list' },
            items.map((c, i) => conflictCard(c, titles[i], me, load)),
          ),
          page.total > items.length
            ? h('p', { class: 'muted', text: t('conflicts.more', { count: page.total - items.length }) })
            : null,
        ].filter(Boolean),
      );
    } catch (err) {
      const offline = err.code === 'offline';
      list.replaceChildren(
        h('p', {
          class: offline ? 'note' : 'alert',
          role: 'alert',
          'data-testid': offline ? 'conflicts-offline' : 'conflicts-error',
          text: offline ? t('conflicts.offline') : err.message,
        }),
      );
    }
  }
  reload.addEventListener('click', load);
  const stop = onNetworkChange((online) => {
    if (!list.isConnected) return stop();
    if (online) load();
  });
  load();
  return h(
    'section',
    { class: 'conflicts-section', 'aria-labelledby': 'conflicts-title' },
    h(
      'div',
      { class: 'section-title' },
      h('h2', { id: 'conflicts-title', class: 'section-title__text', text: t(syncKey(me, 'conflicts.title')) }),
      reload,
    ),
    list,
  );
}

/** #/sync */
export function syncScreen({ me }) {
  const back = h(
    'a',
    {
      class: 'back',
      href: '#/',
      'data-testid': 'back',
      onclick: (event) => {
        event.preventDefault();
        goBack('/');
      },
    },
    t('form.back_home'),
  );
  return h(
    'section',
    { class: 'screen', 'data-testid': 'sync-screen' },
    back,
    h('h1', { class: 'screen__title', tabindex: '-1', text: t(syncKey(me, 'syncscreen.title')) }),
    syncPanel({ detailsLink: false, me }),
    conflictList(me),
  );
}
