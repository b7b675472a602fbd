// 检查表 (#/inspections/<id>): one inspection, item by item under its category headers, with
// big 合格 / 不合格 / 不适用 buttons, a note and photos per item, the progress (answered of all,
// failed), 开始检查 and 提交 (each with the time and the GPS fix). Every answer is saved at once
// as an outbox edit of `answers` (no signal needed); the template version comes from the phone
// (inspection-templates.js). A failed item that needs a photo is flagged before submitting;
// a submission the server refuses is shown with its reason per item, nothing lost. Submitted,
// it shows the server's score and the rectification orders it made.
import { locate, QUICK_TIMEOUT_MS } from '../geo.js';
import { t } from '../i18n.js';
import { saveAnswers, startInspection, submitInspection } from '../inspection-actions.js';
import { loadInspection, ordersOfInspection } from '../inspection-data.js';
import { refreshTemplates } from '../inspection-templates.js';
import { progressOf, submitProblems, templateItems, withAnswer } from '../inspections.js';
import { discard, retry } from '../outbox.js';
import { h } from './dom.js';
import { dateTime, locationText } from './format.js';
import { compoundName, inspectionStatusLabel, kindLabel, orderRow, refusedAlert, scoreText } from './inspection-parts.js';
import { inspectionItem, itemProblems } from './inspection-item.js';
import { goBack } from './nav.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';

const NOTE_SAVE_MS = 800; // typing a note saves once the thumb pauses

/** Progress line and bar: "已答 12/40 · 不合格 3". */
function progressBar() {
  const meter = h('progress', { class: 'progress-bar__meter', max: 1, value: 0, 'aria-hidden': 'true' });
  const text = h('span', { class: 'progress-bar__text', 'data-testid': 'inspection-progress' });
  const failed = h('span', { class: 'progress-bar__failed', 'data-testid': 'inspection-failed' });
  const node = h('div', { class: 'progress-bar inspection__progress', role: 'status' }, meter, h('span', { class: 'inspection__progress-line' }, text, failed));
  node.show = ({ answered, total, failed: fails }) => {
    meter.max = Math.max(1, total);
    meter.value = answered;
    node.dataset.answered = String(answered);
    node.dataset.total = String(total);
    text.textContent = t('inspection.progress', { answered, total });
    failed.textContent = fails ? t('inspection.failed_n', { count: fails }) : '';
  };
  return node;
}

/** The summary of a submitted inspection: score (once the server stamped it) and its orders. */
function resultCard(inspection, orders, me) {
  const score = scoreText(inspection);
  return h('section', { class: 'card inspection__result', 'data-testid': 'inspection-result' },
    h('h2', { class: 'card__title', text: t('inspection.result') }),
    h('p', { class: 'inspection__score', 'data-testid': 'inspection-score', text: score || t('inspection.awaiting_score') }),
    inspection.failed_count != null ? h('p', { class: 'muted', text: t('inspection.failed_total', { count: inspection.failed_count }) }) : null,
    orders.length
      ? [h('h3', { class: 'form__section', text: t('inspection.orders', { count: orders.length }) }),
        h('ul', { class: 'task-list', 'data-testid': 'inspection-orders' }, orders.map((item) => orderRow(item, me)))]
      : null);
}

function facts(inspection) {
  const row = (label, value) => (value ? [h('dt', { text: label }), h('dd', { text: value })] : []);
  const where = (loc, status) => (status ? locationText(loc, status) : '');
  return h('dl', { class: 'facts facts--compact' },
    row(t('field.inspection.started_at'), [dateTime(inspection.started_at), where(inspection.start_location, inspection.start_location_status)].filter(Boolean).join(' · ')),
    row(t('field.inspection.finished_at'), [dateTime(inspection.finished_at), where(inspection.finish_location, inspection.finish_location_status)].filter(Boolean).join(' · ')),
    row(t('field.inspection.submitted_at'), dateTime(inspection.submitted_at)));
}

/** The screen for #/inspections/<id>. */
export function inspectionScreen({ me, params }) {
  const id = params.id;
  const back = h('a', { class: 'back', href: '#/', 'data-testid': 'back', onclick: (event) => { event.preventDefault(); goBack('/'); } }, t('inspection.back'));
  const head = h('div', { class: 'inspection__head' });
  const refusedBox = h('div', { class: 'inspection__refused' });
  const progress = progressBar();
  const top = h('div', { class: 'inspection__top' }, progress);
  const items = h('div', { class: 'inspection__items', 'data-testid': 'inspection-items' });
  const status = h('p', { class: 'status-line', role: 'status', 'data-testid': 'inspection-saved' });
  const problemsAlert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'submit-error' });
  const startSlot = h('div', { class: 'inspection__start' });
  const actions = h('div', { class: 'actionbar', 'data-testid': 'inspection-actions' });
  const result = h('div');
  const body = h('div', { class: 'detail' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h('section', { class: 'screen screen--detail screen--inspection', 'data-testid': 'inspection' }, back, body);

  let inspection = null; // its fields as last read
  let template = null;
  let answers = {};
  let mode = null; // 'start' | 'edit' | 'read': the items are built again only when it changes
  let fields = new Map(); // item code → the item's element (inspectionItem)
  let saving = Promise.resolve();
  let askedTemplate = false;
  let carried = {}; // a refused submission's messages per item, kept at the items once back in the form

  /** Saves the answers as they are now, after any save under way (the outbox keeps the order). */
  function save() {
    const snapshot = answers;
    saving = saving.then(() => saveAnswers(id, snapshot)).then(() => {
      status.textContent = t('inspection.saved');
    }, (err) => {
      console.error('could not save the answer', err);
      status.textContent = t('detail.save_failed');
    });
    return saving;
  }

  function change(code, patch, { later = false } = {}) {
    answers = withAnswer(answers, code, patch);
    progress.show(progressOf(template, answers));
    fields.get(code)?.setProblem('');
    problemsAlert.textContent = '';
    if (!later) return save();
    clearTimeout(fields.get(code)?.noteTimer);
    fields.get(code).noteTimer = setTimeout(save, NOTE_SAVE_MS);
    return null;
  }

  function buildItems(nextMode) {
    mode = nextMode;
    fields = new Map();
    let category = null;
    const nodes = [];
    for (const item of templateItems(template)) {
      if (item.category.code !== category) {
        category = item.category.code;
        nodes.push(h('h2', { class: 'inspection__category', 'data-testid': 'category-header', text: item.category.name }));
      }
      const field = inspectionItem({ item, answer: answers[item.code], editable: mode === 'edit', onChange: (patch, options) => change(item.code, patch, options) });
      fields.set(item.code, field);
      nodes.push(field);
    }
    items.replaceChildren(...nodes);
  }

  function startButton() {
    const button = h('button', { type: 'button', class: 'btn btn--primary btn--big btn--block', 'data-testid': 'inspection-start', text: t('inspection.start') });
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.textContent = t('detail.starting');
      const position = await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 5 * 60000 });
      try {
        await startInspection(id, { position });
      } catch (err) {
        console.error('could not start the inspection', err);
        status.textContent = t('detail.save_failed');
        button.disabled = false;
        button.textContent = t('inspection.start');
      }
    });
    return button;
  }

  function submitButton() {
    const button = h('button', { type: 'button', class: 'btn btn--primary btn--big btn--block', 'data-testid': 'inspection-submit', text: t('inspection.submit') });
    button.addEventListener('click', async () => {
      for (const field of fields.values()) clearTimeout(field.noteTimer);
      await save(); // a note still being typed goes with it
      const problems = submitProblems(template, answers);
      for (const [code, field] of fields) field.setProblem(problems[code] ? t(`inspection.problem.${problems[code]}`) : '');
      if (Object.keys(problems).length) {
        const counts = itemProblems(problems);
        const parts = [counts.unanswered ? t('inspection.unanswered_n', { count: counts.unanswered }) : null,
          counts.photos ? t('inspection.no_photo_n', { count: counts.photos }) : null].filter(Boolean);
        problemsAlert.textContent = t('inspection.cannot_submit', { problems: parts.join(t('list.separator')) });
        fields.get(Object.keys(problems)[0])?.focusProblem();
        return;
      }
      button.disabled = true;
      button.textContent = t('inspection.submitting');
      const position = await locate({ timeoutMs: QUICK_TIMEOUT_MS, maximumAgeMs: 60000 });
      try {
        await submitInspection(id, { position });
        window.scrollTo(0, 0);
      } catch (err) {
        console.error('could not submit the inspection', err);
        status.textContent = t('detail.save_failed');
        button.disabled = false;
        button.textContent = t('inspection.submit');
      }
    });
    return button;
  }

  /** A refused change: a submission goes back to the form (its answers stay); others retry or go. */
  function refusedNotes(refused) {
    const act = (fn, seq) => () => fn(seq).catch((err) => console.warn('could not change the refused change', err));
    const itemErrors = {};
    const notes = refused.map((entry) => {
      Object.assign(itemErrors, answerErrors(entry.error?.fields));
      const submission = entry.fields?.status === 'submitted';
      const backToForm = () => {
        carried = answerErrors(entry.error?.fields);
        return discard(entry.seq);
      };
      return refusedAlert(entry, [
        submission
          ? { testid: 'refused-edit', text: t('inspection.back_to_form'), onclick: act(backToForm, entry.seq) }
          : { testid: 'refused-retry', text: t('sync.retry'), onclick: act(retry, entry.seq) },
        submission ? null : { testid: 'refused-discard', kind: 'btn--danger', text: t('sync.discard'), onclick: act(discard, entry.seq) },
      ].filter(Boolean), 'inspection-refused');
    });
    refusedBox.replaceChildren(...notes);
    return itemErrors;
  }

  async function reload() {
    const loaded = await loadInspection(id);
    if (!loaded.item) {
      body.replaceChildren(h('h1', { class: 'screen__title', tabindex: '-1', text: t('detail.missing_title') }),
        h('p', { class: 'muted', 'data-testid': 'inspection-missing', text: t('detail.missing') }));
      return;
    }
    const { item, refused } = loaded;
    inspection = item.inspection;
    template = loaded.template;
    if (!template) {
      // Not kept yet (e.g. a plan that arrived with the last pull): fetch it once, if online.
      if (!askedTemplate) {
        askedTemplate = true;
        refreshTemplates([inspection.template_id]).then(() => reload()).catch(() => {});
      }
      body.replaceChildren(h('h1', { class: 'screen__title', tabindex: '-1', text: compoundName(inspection, me) }),
        h('p', { class: 'alert', role: 'alert', 'data-testid': 'inspection-no-template', text: t('inspection.template_missing') }));
      mode = null;
      return;
    }
    const status_ = inspection.status ?? 'planned';
    const nextMode = status_ === 'planned' ? 'start' : status_ === 'in_progress' ? 'edit' : 'read';
    // The phone's own answers are what the form shows while editing; a rebuild takes the record's.
    if (nextMode !== mode) answers = inspection.answers ?? {};
    head.replaceChildren(...[
      h('div', { class: 'detail__chips' },
        h('span', { class: `chip chip--kind-${inspection.kind ?? 'adhoc'}`, text: kindLabel(inspection.kind) }),
        h('span', { class: `chip chip--status chip--inspection-${status_}`, 'data-testid': 'inspection-status', text: inspectionStatusLabel(status_) }),
        syncBadges(item)),
      h('h1', { class: 'screen__title', tabindex: '-1', 'data-testid': 'inspection-title', text: compoundName(inspection, me) }),
      h('p', { class: 'muted', text: t('inspection.template', { name: template.name ?? '', version: template.version ?? '' }) }),
      item.pending ? h('p', { class: 'note note--pending', 'data-testid': 'pending-note', text: t('detail.pending_note') }) : null,
      facts(inspection)].filter(Boolean));
    const itemErrors = refusedNotes(refused);
    if (nextMode !== mode || !items.childElementCount) buildItems(nextMode);
    for (const [code, field] of fields) field.setRefused(itemErrors[code] ?? '');
    if (mode === 'edit') {
      for (const [code, text] of Object.entries(carried)) fields.get(code)?.setProblem(text);
      carried = {};
    }
    progress.show(progressOf(template, answers));
    startSlot.replaceChildren(...(mode === 'start' ? [startButton()] : []));
    actions.replaceChildren(...(mode === 'edit' ? [submitButton()] : []));
    actions.hidden = mode !== 'edit';
    if (mode === 'read') result.replaceChildren(resultCard(inspection, await ordersOfInspection(id, template), me));
    else result.replaceChildren();
    if (!body.contains(items)) {
      body.replaceChildren(head, refusedBox, result, top, startSlot, items, problemsAlert, status, actions);
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
      for (const [code, text] of Object.entries(messages)) errors[code] = [].concat(typeof text === 'object' && !Array.isArray(text) ? Object.values(text).flat() : text).join(' ');
    }
  }
  return errors;
}
