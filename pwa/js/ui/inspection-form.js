// The items of an inspection under their category headers, and its overall note: what the
// steward fills in. Every change is saved at once as an outbox edit (`answers` or `notes`, one
// after another in the order made: the outbox keeps it), a note once the typing pauses. Before
// submitting, what the server would refuse is flagged at the items (unanswered, a failed item
// without the photo its template asks for); the server's own refusal is shown there too.
import { INSPECTIONS } from '../constants.js';
import { t } from '../i18n.js';
import { saveAnswers, saveNotes } from '../inspection-actions.js';
import {
  jumpTargets,
  MAX_ITEM_PHOTOS,
  passUnanswered,
  progressOf,
  submitProblems,
  templateItems,
  withAnswer,
} from '../inspections.js';
import { h } from './dom.js';
import { inspectionItem, itemProblems } from './inspection-item.js';

const NOTE_SAVE_MS = 800; // typing a note saves once the thumb pauses

/**
 * The form of inspection `id`. onProgress({…progressOf(…), targets: jumpTargets(…)}) after every
 * change; status: the line that says "saved" or not. Returns {items, notes, alert, undo, mode,
 * build, report, passRest, jump, showRefused, carry, readyToSubmit} (see each).
 */
export function inspectionForm({ id, status, onProgress }) {
  const items = h('div', { class: 'inspection__items', 'data-testid': 'inspection-items' });
  const notes = h('div', { class: 'inspection__notes' });
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'submit-error' });
  const undo = h('div', { class: 'inspection__undo', 'data-testid': 'bulk-undo', hidden: true });
  let template = null;
  let answers = {}; // what the steward sees: the phone's own answers while editing
  let fields = new Map(); // item code → its element (inspectionItem)
  let categoryButtons = new Map(); // category code → its 本类全部合格 button
  let saving = Promise.resolve();
  let flushNotes = () => Promise.resolve(); // saves the overall note being typed, at once
  let carried = {}; // a refused submission's messages per item, shown at the items once back here

  /** Runs an edit after any under way; the status line says whether it was saved. */
  function queue(edit) {
    saving = saving.then(edit).then(
      () => {
        status.textContent = t('inspection.saved');
      },
      (err) => {
        console.error('could not save the inspection', err);
        status.textContent = t('detail.save_failed');
      },
    );
    return saving;
  }

  const saveNow = () => {
    const snapshot = answers;
    return queue(() => saveAnswers(id, snapshot));
  };

  /** The progress and what is left, to the screen; each category's button says what it would do. */
  function report() {
    const items_ = templateItems(template);
    for (const [category, button] of categoryButtons) {
      const own = items_.filter((item) => item.category.code === category);
      const open = own.filter((item) => !answers[item.code]?.result).length;
      button.hidden = !open;
      button.textContent = open === own.length ? t('inspection.category_pass') : t('inspection.category_pass_rest');
    }
    onProgress({ ...progressOf(template, answers), targets: jumpTargets(template, answers) });
  }

  function hideUndo() {
    undo.hidden = true;
    undo.replaceChildren();
  }

  /** The results of `codes` as they were in `before` (本类全部合格 or 其余全部合格 taken back). */
  function restore(before, codes) {
    const next = { ...answers };
    for (const code of codes) {
      if (code in before) next[code] = before[code];
      else delete next[code];
      fields.get(code)?.setResult(next[code]?.result ?? null);
    }
    answers = next;
    hideUndo();
    report();
    saveNow();
  }

  /**
   * 本类全部合格 (a category's code) or 其余全部合格 (none): every item still unanswered there
   * passes; an answer given stays. Saved as one edit, and offered to take back.
   */
  function passRest(category = null) {
    const before = answers;
    const { answers: next, changed } = passUnanswered(template, answers, category);
    if (!changed.length) return;
    answers = next;
    for (const code of changed) {
      fields.get(code)?.setProblem('');
      fields.get(code)?.setResult('pass');
    }
    alert.textContent = '';
    report();
    saveNow();
    undo.replaceChildren(
      h('span', { role: 'status', text: t('inspection.bulk_passed', { count: changed.length }) }),
      h('button', {
        type: 'button',
        class: 'btn btn--secondary inspection__undo-button',
        'data-testid': 'bulk-undo-button',
        text: t('inspection.bulk_undo'),
        onclick: () => restore(before, changed),
      }),
    );
    undo.hidden = false;
  }

  function change(code, patch, { later = false } = {}) {
    answers = withAnswer(answers, code, patch);
    hideUndo(); // taking back a bulk answer after another change would undo more than it says
    report();
    const field = fields.get(code);
    field?.setProblem('');
    alert.textContent = '';
    clearTimeout(field?.noteTimer);
    if (later) field.noteTimer = setTimeout(saveNow, NOTE_SAVE_MS);
    else saveNow();
  }

  /** 总体意见: the inspection's own note; read-only once submitted. */
  function notesField(inspection, mode) {
    if (mode === 'read')
      return inspection.notes
        ? h('p', { class: 'inspection__notes-text', 'data-testid': 'inspection-notes-text', text: inspection.notes })
        : null;
    if (mode !== 'edit') return null;
    const input = h('textarea', {
      class: 'field__input field__textarea',
      id: 'inspection-notes',
      rows: 3,
      maxlength: INSPECTIONS.NOTES_MAX,
      'data-testid': 'inspection-notes',
      placeholder: t('inspection.notes_placeholder'),
    });
    input.value = inspection.notes ?? '';
    let timer = null;
    flushNotes = () => {
      clearTimeout(timer);
      return queue(() => saveNotes(id, input.value.trim()));
    };
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(flushNotes, NOTE_SAVE_MS);
    });
    input.addEventListener('change', flushNotes);
    return h(
      'div',
      { class: 'field' },
      h('label', { class: 'field__label', for: 'inspection-notes', text: t('field.inspection.notes') }),
      input,
    );
  }

  /** A category's header; editable, with its 本类全部合格 button. */
  function categoryHeader({ code, name }, mode) {
    const button =
      mode === 'edit'
        ? h('button', {
            type: 'button',
            class: 'btn btn--secondary inspection__category-pass',
            'data-testid': 'category-pass',
            'data-category': code,
            onclick: () => passRest(code),
          })
        : null;
    if (button) categoryButtons.set(code, button);
    return h(
      'div',
      { class: 'inspection__category', 'data-category': code },
      h('h2', { class: 'inspection__category-name', 'data-testid': 'category-header', text: name }),
      button,
    );
  }

  const form = {
    items,
    notes,
    alert,
    undo,
    mode: null, // 'start' | 'edit' | 'read'
    get answers() {
      return answers;
    },

    /** Draws the items and the note for `mode`, from the record's answers. */
    build(inspection, nextTemplate, mode) {
      template = nextTemplate;
      answers = inspection.answers ?? {};
      form.mode = mode;
      flushNotes = () => Promise.resolve();
      notes.replaceChildren(...[notesField(inspection, mode)].filter(Boolean));
      fields = new Map();
      categoryButtons = new Map();
      hideUndo();
      let category = null;
      const nodes = [];
      for (const item of templateItems(template)) {
        if (item.category.code !== category) {
          category = item.category.code;
          nodes.push(categoryHeader(item.category, mode));
        }
        const field = inspectionItem({
          item,
          answer: answers[item.code],
          editable: mode === 'edit',
          onChange: (patch, options) => change(item.code, patch, options),
        });
        fields.set(item.code, field);
        nodes.push(field);
      }
      items.replaceChildren(...nodes);
      if (mode === 'edit') {
        for (const [code, text] of Object.entries(carried)) fields.get(code)?.setProblem(text);
        carried = {};
      }
    },

    report: () => template && report(),
    passRest,

    /**
     * To the next item that still needs work of `kind` ('unanswered' | 'missingPhoto') below the
     * middle of the screen, else the first: tapped again and again, it walks through them all.
     */
    jump(kind) {
      const codes = jumpTargets(template, answers)[kind] ?? [];
      const nodes = codes.map((code) => fields.get(code)).filter(Boolean);
      if (!nodes.length) return;
      const next = nodes.find((node) => node.getBoundingClientRect().top > window.innerHeight / 2) ?? nodes[0];
      next.focusWork(kind);
    },

    /** The server's messages of refused changes at their items ({item code: text}). */
    showRefused(itemErrors) {
      for (const [code, field] of fields) field.setRefused(itemErrors[code] ?? '');
    },

    /** Keeps a refused submission's messages for the items, once the form is editable again. */
    carry(itemErrors) {
      carried = itemErrors;
    },

    /**
     * Saves what is being typed, then checks what the server would refuse: true when it may be
     * submitted; else the items and the alert say why and the first such item gets the focus.
     */
    async readyToSubmit() {
      for (const field of fields.values()) clearTimeout(field.noteTimer);
      flushNotes();
      await saveNow();
      const problems = submitProblems(template, answers);
      for (const [code, field] of fields)
        field.setProblem(problems[code] ? t(`inspection.problem.${problems[code]}`) : '');
      if (!Object.keys(problems).length) return true;
      const counts = itemProblems(problems);
      const parts = [
        counts.unanswered ? t('inspection.unanswered_n', { count: counts.unanswered }) : null,
        counts.photos ? t('inspection.no_photo_n', { count: counts.photos }) : null,
        counts.tooMany ? t('inspection.too_many_n', { count: counts.tooMany, max: MAX_ITEM_PHOTOS }) : null,
      ].filter(Boolean);
      alert.textContent = t('inspection.cannot_submit', { problems: parts.join(t('list.separator')) });
      fields.get(Object.keys(problems)[0])?.focusProblem();
      return false;
    },
  };
  return form;
}
