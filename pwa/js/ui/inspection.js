// 检查表 (#/inspections/<id>): one inspection, item by item under its category headers, with
// big 合格 / 不合格 / 不适用 buttons, a note and photos per item, the progress (answered of all,
// failed) with the way to what is left (未答 N, 缺照片 N, 其余全部合格; 本类全部合格 per category,
// passed items folded to one line), 开始检查 and 提交 (each with the time and the GPS fix). Every answer is saved at once
// as an outbox edit of `answers` (no signal needed); the template version comes from the phone
// (inspection-templates.js). A failed item that needs a photo is flagged before submitting;
// a submission the server refuses is shown with its reason per item, nothing lost. Submitted,
// it shows the server's score and the rectification orders it made.
import { locate, QUICK_TIMEOUT_MS } from '../geo.js';
import { t } from '../i18n.js';
import { startInspection, submitInspection } from '../inspection-actions.js';
import { loadInspection, ordersOfInspection } from '../inspection-data.js';
import { refreshTemplates } from '../inspection-templates.js';
import { discard, retry } from '../outbox.js';
import { h } from './dom.js';
import { dateTime, locationText } from './format.js';
import { inspectionForm } from './inspection-form.js';
import {
  busyButton,
  compoundName,
  inspectionStatusLabel,
  kindLabel,
  orderRow,
  refusedAlert,
  scoreText,
} from './inspection-parts.js';
import { goBack } from './nav.js';
import { missingRecord } from './status.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';

/**
 * Progress line and bar ("已答 12/40 · 不合格 3") and, while editing, the way to what is left:
 * 未答 N and 缺照片 N (each tap: the next such item), 其余全部合格.
 */
function progressBar({ onJump, onPassRest }) {
  const meter = h('progress', { class: 'progress-bar__meter', max: 1, value: 0, 'aria-hidden': 'true' });
  const text = h('span', { class: 'progress-bar__text', 'data-testid': 'inspection-progress' });
  const failed = h('span', { class: 'progress-bar__failed', 'data-testid': 'inspection-failed' });
  const jump = (kind, testid) =>
    h('button', {
      type: 'button',
      class: 'btn btn--secondary inspection__jump',
      'data-testid': testid,
      hidden: true,
      onclick: () => onJump(kind),
    });
  const unanswered = jump('unanswered', 'jump-unanswered');
  const missingPhoto = jump('missingPhoto', 'jump-photo');
  const passRest = h('button', {
    type: 'button',
    class: 'btn btn--secondary inspection__jump inspection__pass-rest',
    'data-testid': 'pass-rest',
    hidden: true,
    text: t('inspection.pass_rest'),
    onclick: onPassRest,
  });
  const jumps = h(
    'nav',
    { class: 'inspection__jumps', 'aria-label': t('inspection.jumps'), hidden: true },
    unanswered,
    missingPhoto,
    passRest,
  );
  const bar = h(
    'div',
    { class: 'progress-bar inspection__progress', role: 'status' },
    meter,
    h('span', { class: 'inspection__progress-line' }, text, failed),
  );
  const node = h('div', {}, bar, jumps);
  node.show = ({ answered, total, failed: fails, targets }) => {
    meter.max = Math.max(1, total);
    meter.value = answered;
    bar.dataset.answered = String(answered);
    bar.dataset.total = String(total);
    text.textContent = t('inspection.progress', { answered, total });
    failed.textContent = fails ? t('inspection.failed_n', { count: fails }) : '';
    const left = targets?.unanswered.length ?? 0;
    const photos = targets?.missingPhoto.length ?? 0;
    unanswered.hidden = !left;
    unanswered.textContent = t('inspection.jump_unanswered', { count: left });
    unanswered.setAttribute('aria-label', t('inspection.jump_unanswered_label', { count: left }));
    missingPhoto.hidden = !photos;
    missingPhoto.textContent = t('inspection.jump_photo', { count: photos });
    missingPhoto.setAttribute('aria-label', t('inspection.jump_photo_label', { count: photos }));
    passRest.hidden = !left;
  };
  /** The jumps and 其余全部合格 are for a form being filled in. */
  node.setEditable = (editable) => {
    jumps.hidden = !editable;
  };
  return node;
}

/** The summary of a submitted inspection: score (once the server stamped it) and its orders. */
function resultCard(inspection, orders, me) {
  const score = scoreText(inspection);
  return h(
    'section',
    { class: 'card inspection__result', 'data-testid': 'inspection-result' },
    h('h2', { class: 'card__title', text: t('inspection.result') }),
    h('p', {
      class: 'inspection__score',
      'data-testid': 'inspection-score',
      text: score || t('inspection.awaiting_score'),
    }),
    inspection.failed_count != null
      ? h('p', { class: 'muted', text: t('inspection.failed_total', { count: inspection.failed_count }) })
      : null,
    orders.length
      ? [
          h('h3', { class: 'form__section', text: t('inspection.orders', { count: orders.length }) }),
          h(
            'ul',
            { class: 'task-list', 'data-testid': 'inspection-orders' },
            orders.map((item) => orderRow(item, me)),
          ),
        ]
      : null,
  );
}

function facts(inspection) {
  const row = (label, value) => (value ? [h('dt', { text: label }), h('dd', { text: value })] : []);
  const where = (loc, status) => (status ? locationText(loc, status) : '');
  return h(
    'dl',
    { class: 'facts facts--compact' },
    row(
      t('field.inspection.started_at'),
      [dateTime(inspection.started_at), where(inspection.start_location, inspection.start_location_status)]
        .filter(Boolean)
        .join(' · '),
    ),
    row(
      t('field.inspection.finished_at'),
      [dateTime(inspection.finished_at), where(inspection.finish_location, inspection.finish_location_status)]
        .filter(Boolean)
        .join(' · '),
    ),
    row(t('field.inspection.submitted_at'), dateTime(inspection.submitted_at)),
  );
}

/** The screen for #/inspections/<id>. */
export function inspectionScreen({ me, params }) {
  const id = params.id;
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
    t('inspection.back'),
  );
  const head = h('div', { class: 'inspection__head' });
  const refusedBox = h('div', { class: 'inspection__refused' });
  const progress = progressBar({ onJump: (kind) => form.jump(kind), onPassRest: () => form.passRest() });
  const status = h('p', { class: 'status-line', role: 'status', 'data-testid': 'inspection-saved' });
  const form = inspectionForm({ id, status, onProgress: (counts) => progress.show(counts) });
  const top = h('div', { class: 'inspection__top' }, progress, form.undo);
  const startSlot = h('div', { class: 'inspection__start' });
  const actions = h('div', { class: 'actionbar', 'data-testid': 'inspection-actions' });
  const result = h('div');
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--detail screen--inspection', 'data-testid': 'inspection' },
    back,
    body,
  );
  let askedTemplate = false;

  // Each with the time and where it happened, if a fix comes quickly; neither waits longer.
  const startButton = () =>
    busyButton({
      testid: 'inspection-start',
      text: t('inspection.start'),
      busyText: t('detail.starting'),
      status,
      action: async () =>
        startInspection(id, { position: await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 5 * 60000 }) }),
    });
  const submitButton = () =>
    busyButton({
      testid: 'inspection-submit',
      text: t('inspection.submit'),
      busyText: t('inspection.submitting'),
      status,
      action: async () => {
        if (!(await form.readyToSubmit())) return false;
        await submitInspection(id, { position: await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 60000 }) });
        window.scrollTo(0, 0);
        return true;
      },
    });

  /** A refused change: a submission goes back to the form (its answers stay); others retry or go. */
  function refusedNotes(refused) {
    const act = (fn, seq) => () => fn(seq).catch((err) => console.warn('could not change the refused change', err));
    const itemErrors = {};
    const notes = refused.map((entry) => {
      Object.assign(itemErrors, answerErrors(entry.error?.fields));
      const submission = entry.fields?.status === 'submitted';
      const backToForm = () => {
        form.carry(answerErrors(entry.error?.fields));
        return discard(entry.seq);
      };
      return refusedAlert(
        entry,
        [
          submission
            ? { testid: 'refused-edit', text: t('inspection.back_to_form'), onclick: act(backToForm, entry.seq) }
            : { testid: 'refused-retry', text: t('sync.retry'), onclick: act(retry, entry.seq) },
          submission
            ? null
            : {
                testid: 'refused-discard',
                kind: 'btn--danger',
                text: t('sync.discard'),
                onclick: act(discard, entry.seq),
              },
        ].filter(Boolean),
        'inspection-refused',
      );
    });
    refusedBox.replaceChildren(...notes);
    return itemErrors;
  }

  async function reload() {
    const loaded = await loadInspection(id);
    if (!loaded.item) {
      body.replaceChildren(...missingRecord('inspection', 'inspection-missing'));
      return;
    }
    const { item, refused, template } = loaded;
    const { inspection } = item;
    if (!template) {
      // Not kept yet (e.g. a plan that arrived with the last pull): fetch it once, if online.
      if (!askedTemplate) {
        askedTemplate = true;
        refreshTemplates([inspection.template_id])
          .then(() => reload())
          .catch(() => {});
      }
      body.replaceChildren(
        h('h1', { class: 'screen__title', tabindex: '-1', text: compoundName(inspection, me) }),
        h('p', {
          class: 'alert',
          role: 'alert',
          'data-testid': 'inspection-no-template',
          text: t('inspection.template_missing'),
        }),
      );
      form.mode = null;
      return;
    }
    const status_ = inspection.status ?? 'planned';
    // A refused submission still reads "submitted" on the phone (the edit is kept): say what the
    // server holds, and no result is awaited until it is sent again.
    const submissionRefused = refused.some((entry) => entry.fields?.status === 'submitted');
    const shownStatus = submissionRefused ? (item.record.server_data?.status ?? 'in_progress') : status_;
    const mode = status_ === 'planned' ? 'start' : status_ === 'in_progress' ? 'edit' : 'read';
    head.replaceChildren(
      ...[
        h(
          'div',
          { class: 'detail__chips' },
          h('span', { class: `chip chip--kind-${inspection.kind ?? 'adhoc'}`, text: kindLabel(inspection.kind) }),
          h('span', {
            class: `chip chip--status chip--inspection-${shownStatus}`,
            'data-testid': 'inspection-status',
            text: inspectionStatusLabel(shownStatus),
          }),
          syncBadges(item),
        ),
        h('h1', {
          class: 'screen__title',
          tabindex: '-1',
          'data-testid': 'inspection-title',
          text: compoundName(inspection, me),
        }),
        h('p', {
          class: 'muted',
          text: t('inspection.template', { name: template.name ?? '', version: template.version ?? '' }),
        }),
        item.pending
          ? h('p', { class: 'note note--pending', 'data-testid': 'pending-note', text: t('detail.pending_note') })
          : null,
        facts(inspection),
      ].filter(Boolean),
    );
    const itemErrors = refusedNotes(refused);
    // Drawn again only when the mode changes: never under the steward's thumb while editing.
    if (mode !== form.mode || mode !== 'edit') form.build(inspection, template, mode);
    form.showRefused(itemErrors);
    form.report();
    progress.setEditable(mode === 'edit');
    startSlot.replaceChildren(...(mode === 'start' ? [startButton()] : []));
    actions.replaceChildren(...(mode === 'edit' ? [submitButton()] : []));
    actions.hidden = mode !== 'edit';
    if (mode === 'read' && !submissionRefused)
      result.replaceChildren(resultCard(inspection, await ordersOfInspection(id, template), me));
    else result.replaceChildren();
    if (!body.contains(form.items)) {
      body.replaceChildren(
        head,
        refusedBox,
        result,
        top,
        startSlot,
        form.items,
        form.notes,
        form.alert,
        status,
        actions,
      );
      screen.querySelector('h1')?.focus({ preventScroll: true });
    }
  }

  reload().catch((err) => {
    console.error('could not read the inspection', err);
    body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, reload);
  return screen;
}

/**
 * The server's messages per item of a refused change: {item_code: text}. It names them as
 * "answers.<code>" fields (PROTOCOL.md §12), or as an `answers` object of per-item messages.
 */
export function answerErrors(fields = {}) {
  const errors = {};
  for (const [name, messages] of Object.entries(fields ?? {})) {
    // Item codes may hold dots themselves ("fire.exits"): the whole rest names the item.
    if (name.startsWith('answers.')) errors[name.slice('answers.'.length)] = [].concat(messages).join(' ');
    else if (name === 'answers' && messages && typeof messages === 'object' && !Array.isArray(messages)) {
      for (const [code, text] of Object.entries(messages))
        errors[code] = []
          .concat(typeof text === 'object' && !Array.isArray(text) ? Object.values(text).flat() : text)
          .join(' ');
    }
  }
  return errors;
}
