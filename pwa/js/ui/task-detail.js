// 任务详情: one task from IndexedDB with its place and household (from the grid directory when
// the phone has it), its report, its history, and the worker's next step: 开始, 完成 (the
// completion form) or 无法完成 (a reason). A change the server refused is shown here with its
// reason and a way to fix it or give it up.
import { locate, QUICK_TIMEOUT_MS } from '../geo.js';
import { t } from '../i18n.js';
import { compoundOf } from '../maps.js';
import { discard, retry } from '../outbox.js';
import { describePlace } from '../places.js';
import { startTask } from '../task-actions.js';
import { loadTask } from '../task-data.js';
import { actionsFor } from '../tasks.js';
import { h } from './dom.js';
import {
  answerLabel,
  codeLabel,
  coordinatesText,
  dateTime,
  dayAndTime,
  dueText,
  historyLabel,
  locationText,
  outcomeLabel,
  statusLabel,
  taskStatusClass,
  taskStatusLabel,
} from './format.js';
import { goBack, navigate } from './nav.js';
import { phoneLine } from './phone-line.js';
import { photoStrip } from './photos.js';
import { placeMap } from './place-map.js';
import { priorityChip, syncBadges, typeChip } from './tasks.js';
import { watchLocalData } from './watch.js';

const row = (label, value, testid) =>
  value ? [h('dt', { text: label }), h('dd', { 'data-testid': testid, text: value })] : [];

function backLink(text = t('tasks.back')) {
  return h(
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
    text,
  );
}

function householdCard(task, places, revealed) {
  if (task.household_id == null && task.building_id == null) return null;
  const place = describePlace(task, places);
  const household = task.household_id != null ? places.households.get(task.household_id) : null;
  const compound = task.compound_id != null ? places.compounds.get(task.compound_id) : null;
  const residents = household?.residents ?? [];
  return h(
    'section',
    { class: 'card household', 'data-testid': 'household' },
    h('h2', { class: 'card__title', text: t(task.household_id != null ? 'detail.household' : 'detail.building') }),
    h('p', {
      class: 'household__address',
      text: [place.compound, place.building, place.household].filter(Boolean).join(' · '),
    }),
    compound?.address ? h('p', { class: 'muted', text: compound.address }) : null,
    residents.length
      ? h(
          'ul',
          { class: 'residents' },
          residents.map((resident) =>
            h(
              'li',
              { class: 'resident' },
              h('span', { class: 'resident__name', text: resident.name }),
              resident.relation
                ? h('span', { class: 'resident__relation', text: codeLabel('resident.relation', resident.relation) })
                : null,
              (resident.care_flags ?? []).map((flag) =>
                h('span', { class: 'chip chip--care', text: codeLabel('care', flag) }),
              ),
              // 拨打: the full number on a tap, online, audited (as in the directory: ui/phone-line.js).
              resident.phone_masked ? phoneLine(resident, revealed) : null,
            ),
          ),
        )
      : null,
    place.known ? null : h('p', { class: 'muted', 'data-testid': 'no-directory', text: t('detail.no_directory') }),
  );
}

function reportCard(task) {
  if (!['done', 'unable'].includes(task.status)) return null;
  const answers = task.checklist_answers ?? {};
  return h(
    'section',
    { class: 'card', 'data-testid': 'task-report' },
    h('h2', { class: 'card__title', text: t('detail.report') }),
    h(
      'dl',
      { class: 'facts' },
      row(t('field.task.outcome'), outcomeLabel(task.outcome), 'report-outcome'),
      row(t('field.task.unable_reason'), task.unable_reason, 'report-unable-reason'),
      row(t('field.task.notes'), task.notes, 'report-notes'),
      row(
        t('field.task.location'),
        task.location_status
          ? [locationText(task.location, task.location_status), coordinatesText(task.location)]
              .filter(Boolean)
              .join('\n')
          : '',
        'report-location',
      ),
      row(t('field.task.finished_at'), dateTime(task.finished_at)),
    ),
    (task.checklist ?? []).length && Object.keys(answers).length
      ? h(
          'ul',
          { class: 'answers' },
          task.checklist.map((item) =>
            h(
              'li',
              { class: 'answers__item' },
              h('span', { text: item.text }),
              h('strong', { text: answerLabel(answers[item.key]) || '—' }),
            ),
          ),
        )
      : null,
    photoStrip(task.photos),
  );
}

function historyList(item, me) {
  const { task } = item;
  const entries = [...(task.history ?? [])].reverse(); // newest first
  const waiting = item.pending && item.record.server_data?.status !== task.status;
  if (!entries.length && !waiting) return null;
  const who = (by) => (by === me.user.id ? t('history.you') : ''); // others: an admin, named on the admin's side
  return h(
    'section',
    { class: 'card', 'data-testid': 'history' },
    h('h2', { class: 'card__title', text: t('detail.history') }),
    h(
      'ol',
      { class: 'history' },
      waiting
        ? h(
            'li',
            { class: 'history__item history__item--pending', 'data-testid': 'history-pending' },
            h('strong', { text: statusLabel(task.status) }),
            h('span', { class: 'badge badge--pending', text: t('badge.pending') }),
            h('span', { class: 'history__when', text: dateTime(task.status_device_at) }),
          )
        : null,
      entries.map((entry) =>
        h(
          'li',
          { class: 'history__item' },
          h('strong', { text: historyLabel(entry) }),
          who(entry.by) ? h('span', { class: 'history__who', text: who(entry.by) }) : null,
          h('span', { class: 'history__when', text: dateTime(entry.device_at ?? entry.server_at) }),
          entry.reason ? h('span', { class: 'history__reason', text: entry.reason }) : null,
        ),
      ),
    ),
  );
}

/** A refused change of this task: the server's reason, and fix (the form again) or give up. */
function refusedNote(entry, id) {
  const fixable = entry.fields?.status === 'done' || entry.fields?.status === 'unable';
  const fields = Object.entries(entry.error?.fields ?? {}).map(
    ([name, messages]) => `${codeLabel('field.task', name)}：${[].concat(messages).join(' ')}`,
  );
  const act = (fn) => () => fn(entry.seq).catch((err) => console.warn('could not change the refused change', err));
  const fix = () =>
    navigate(
      `/tasks/${encodeURIComponent(id)}/${entry.fields.status === 'done' ? 'complete' : 'unable'}?fix=${entry.seq}`,
    );
  return h(
    'div',
    { class: 'alert alert--refused', role: 'alert', 'data-testid': 'task-refused' },
    h('p', { class: 'alert__title', text: t('detail.refused') }),
    h('p', { text: entry.error?.message ?? '' }),
    fields.length
      ? h(
          'ul',
          {},
          fields.map((text) => h('li', { text })),
        )
      : null,
    h(
      'div',
      { class: 'button-row' },
      fixable
        ? h('button', {
            type: 'button',
            class: 'btn btn--secondary',
            'data-testid': 'refused-fix',
            onclick: fix,
            text: t('detail.fix'),
          })
        : h('button', {
            type: 'button',
            class: 'btn btn--secondary',
            'data-testid': 'refused-retry',
            onclick: act(retry),
            text: t('sync.retry'),
          }),
      h('button', {
        type: 'button',
        class: 'btn btn--danger',
        'data-testid': 'refused-discard',
        onclick: act(discard),
        text: t('sync.discard'),
      }),
    ),
  );
}

function actionBar(item, status) {
  const id = item.id;
  const buttons = actionsFor(item.task).map((action) => {
    if (action === 'start') {
      const button = h('button', {
        type: 'button',
        class: 'btn btn--primary btn--big',
        'data-testid': 'task-start',
        text: t('detail.start'),
      });
      button.addEventListener('click', async () => {
        button.disabled = true;
        button.textContent = t('detail.starting');
        // Where the work started, if a fix comes quickly; the start never waits longer.
        const position = await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 5 * 60000 });
        try {
          await startTask(id, { position });
          status.textContent = t('detail.started');
        } catch (err) {
          console.error('could not start the task', err);
          status.textContent = t('detail.save_failed');
          button.disabled = false;
          button.textContent = t('detail.start');
        }
      });
      return button;
    }
    if (action === 'complete') {
      // Before the start, 完成 is the quick way (a notice handed over); after it, the main step.
      const kind = item.task.status === 'in_progress' ? 'btn--primary' : 'btn--secondary';
      return h('a', {
        class: `btn ${kind} btn--big`,
        href: `#/tasks/${encodeURIComponent(id)}/complete`,
        'data-testid': 'task-complete',
        text: t('detail.complete'),
      });
    }
    return h('a', {
      class: 'btn btn--secondary btn--big',
      href: `#/tasks/${encodeURIComponent(id)}/unable`,
      'data-testid': 'task-unable',
      text: t('detail.unable'),
    });
  });
  if (!buttons.length) return null;
  return h('div', { class: 'actionbar', 'data-testid': 'task-actions' }, buttons);
}

function detail(item, places, refused, me, status, revealed, map) {
  const { task } = item;
  const now = new Date();
  const due = dueText(task, now);
  const place = describePlace(task, places);
  return [
    h(
      'div',
      { class: 'detail__chips' },
      typeChip(task.type),
      priorityChip(task.priority),
      h('span', {
        class: `chip chip--status chip--status-${taskStatusClass(task)}`,
        'data-testid': 'task-status',
        text: taskStatusLabel(task),
      }),
      syncBadges(item),
    ),
    h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'task-title', text: task.title ?? '' }),
    refused.map((entry) => refusedNote(entry, item.id)),
    item.pending
      ? h('p', { class: 'note note--pending', 'data-testid': 'pending-note', text: t('detail.pending_note') })
      : null,
    h(
      'dl',
      { class: 'facts' },
      row(
        t('field.task.due_at'),
        due.overdue ? due.text : task.due_at ? dayAndTime(task.due_at, now) : t('task.no_due'),
        'task-due',
      ),
      row(t('detail.place'), [place.compound, place.building, place.household].filter(Boolean).join(' · ')),
      row(t('field.task.description'), task.description),
      row(t('field.task.started_at'), dateTime(task.started_at)),
    ),
    (task.checklist ?? []).length && !['done', 'unable'].includes(task.status)
      ? h(
          'section',
          { class: 'card' },
          h('h2', { class: 'card__title', text: t('detail.checklist') }),
          h(
            'ol',
            { class: 'checklist-preview' },
            task.checklist.map((c) => h('li', { text: c.text })),
          ),
        )
      : null,
    map,
    householdCard(task, places, revealed),
    reportCard(task),
    historyList(item, me),
    status,
    actionBar(item, status),
  ];
}

/** The screen for #/tasks/<id>. */
export function taskDetailScreen({ me, params }) {
  const id = params.id;
  const status = h('p', { class: 'status-line', role: 'status', 'data-testid': 'task-saved' });
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h('section', { class: 'screen screen--detail', 'data-testid': 'task-detail' }, backLink(), body);
  let first = true;
  const revealed = new Map(); // resident id -> full number, while this screen is open; never stored
  // The map is kept while what it shows is the same: a sync landing does not draw it again.
  let map = { key: null, card: null };
  const mapOf = (task, places) => {
    const compound = compoundOf(task, places);
    const key = JSON.stringify([compound?.id, compound?.latitude, compound?.longitude, task.location ?? null]);
    if (key !== map.key) map = { key, card: placeMap({ me, compound, fix: task.location, testid: 'task-map' }) };
    return map.card;
  };

  async function reload() {
    const { item, places, refused } = await loadTask(id);
    if (!item) {
      body.replaceChildren(
        h('h1', { class: 'screen__title', tabindex: '-1', text: t('detail.missing_title') }),
        h('p', { class: 'muted', 'data-testid': 'task-missing', text: t('detail.missing') }),
      );
      return;
    }
    body.replaceChildren(
      ...detail(item, places, refused, me, status, revealed, mapOf(item.task, places)).flat().filter(Boolean),
    );
    if (first) screen.querySelector('h1')?.focus({ preventScroll: true });
    first = false;
  }
  reload().catch((err) => {
    console.error('could not read the task', err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, reload);
  return screen;
}
