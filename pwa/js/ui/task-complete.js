// 完成表单 and 无法完成: the worker's report of a task, saved on the phone in one outbox entry
// the moment they tap 保存 (no signal needed; it survives closing the app) and sent with the
// next sync. GPS never holds a save: whatever the position field knows then is saved, a refusal
// or no fix as an explicit location_status. Opened with ?fix=<seq>, the form edits a change the
// server refused and sends it again (outbox.retry).
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import { retry } from '../outbox.js';
import { completeTask, completionFields, completionProblems, markUnable, unableFields } from '../task-actions.js';
import { loadOutboxEntry, loadTask } from '../task-data.js';
import { CHECKLIST_ANSWERS, OUTCOMES } from '../tasks.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { answerLabel, outcomeLabel } from './format.js';
import { locationField } from './location.js';
import { goBack } from './nav.js';
import { photoField } from './photos.js';

function textArea({ label, testid, value = '', maxlength, required = false, placeholder = '' }) {
  const id = `${testid}-input`;
  const input = h('textarea', {
    id,
    class: 'field__input field__textarea',
    rows: 4,
    maxlength,
    'data-testid': testid,
    placeholder,
    required,
    'aria-describedby': `${id}-error`,
  });
  input.value = value;
  const error = h('p', { class: 'field__error', id: `${id}-error` });
  const field = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { class: 'field__label', for: id },
      label,
      required ? h('span', { class: 'field__required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    input,
    error,
  );
  field.input = input;
  field.setError = (text) => {
    error.textContent = text;
    input.setAttribute('aria-invalid', String(Boolean(text)));
  };
  return field;
}

function frame({ title, taskTitle, backTo, testid }) {
  const back = h(
    'a',
    {
      class: 'back',
      href: `#${backTo}`,
      'data-testid': 'back',
      onclick: (event) => {
        event.preventDefault();
        goBack(backTo);
      },
    },
    t('form.back_to_task'),
  );
  const body = h('div', { class: 'form-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--form', 'data-testid': testid },
    back,
    h('h1', { class: 'screen__title', tabindex: '-1', text: title }),
    h('p', { class: 'form__subject', 'data-testid': 'form-task-title', text: taskTitle ?? '' }),
    body,
  );
  return { screen, body, subject: screen.querySelector('.form__subject') };
}

/** The bottom of every form: what went wrong, the save button, and what saving means offline. */
function saveBar(testid) {
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': `${testid}-error` });
  const save = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': `${testid}-save`,
    text: t('form.save'),
  });
  return {
    alert,
    save,
    element: h(
      'div',
      { class: 'savebar' },
      alert,
      save,
      h('p', { class: 'muted savebar__hint', text: t('form.offline_hint') }),
    ),
    busy(on) {
      save.disabled = on;
      save.textContent = t(on ? 'form.saving' : 'form.save');
    },
  };
}

async function loadForForm(id, fixSeq) {
  const { item } = await loadTask(id);
  const fix = fixSeq != null ? await loadOutboxEntry(Number(fixSeq)) : null;
  return { item, fix: fix?.status === 'rejected' && fix.record_id === id ? fix : null };
}

/** Says which refused change the form is fixing, and why the server refused it. */
function fixingNote(fix) {
  return h('p', {
    class: 'note',
    'data-testid': 'fixing-note',
    text: t('form.fixing', { message: fix.error?.message ?? '' }),
  });
}

/** Clears the form's summary of problems as soon as the worker changes something. */
function clearOnChange(form, bar) {
  form.addEventListener('change', () => {
    bar.alert.textContent = '';
  });
  form.addEventListener('input', () => {
    bar.alert.textContent = '';
  });
}

function missing(body) {
  body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'task-missing', text: t('detail.missing') }));
}

/** #/tasks/<id>/complete */
export function completeScreen({ params, query }) {
  const id = params.id;
  const backTo = `/tasks/${encodeURIComponent(id)}`;
  const { screen, body, subject } = frame({ title: t('complete.title'), backTo, testid: 'complete-form' });

  loadForForm(id, query.get('fix'))
    .then(({ item, fix }) => {
      if (!item) return missing(body);
      const task = item.task;
      subject.textContent = task.title ?? '';
      const before = fix?.fields ?? {};
      const answers = { ...(before.checklist_answers ?? {}) };

      const outcome = choiceGroup({
        legend: t('field.task.outcome'),
        name: 'outcome',
        testid: 'outcome',
        columns: 1,
        required: true,
        value: before.outcome ?? null,
        options: OUTCOMES.map((value) => ({ value, label: outcomeLabel(value) })),
      });
      const checklist = (task.checklist ?? []).map((item, index) =>
        choiceGroup({
          legend: `${index + 1}. ${item.text}`,
          name: `check-${index}`,
          testid: `check-${item.key}`,
          columns: 3,
          value: answers[item.key] ?? null,
          options: CHECKLIST_ANSWERS.map((value) => ({ value, label: answerLabel(value) })),
          onChange: (value) => {
            answers[item.key] = value;
          },
        }),
      );
      const notes = textArea({
        label: t('field.task.notes'),
        testid: 'notes',
        value: before.notes ?? '',
        maxlength: TASKS.NOTES_MAX,
        placeholder: t('complete.notes_placeholder'),
      });
      const photos = photoField({ hashes: before.photos ?? [], testid: 'photos' });
      const location = locationField();
      const bar = saveBar('complete');
      const form = h(
        'form',
        { class: 'form', novalidate: true, 'data-testid': 'complete' },
        outcome,
        checklist.length
          ? h(
              'div',
              { class: 'checklist', 'data-testid': 'checklist' },
              h('h2', { class: 'form__section', text: t('complete.checklist', { count: checklist.length }) }),
              checklist,
            )
          : null,
        notes,
        photos,
        location,
        bar.element,
      );
      clearOnChange(form, bar);

      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        bar.alert.textContent = '';
        const values = {
          outcome: outcome.value,
          answers,
          notes: notes.input.value,
          photos: photos.value,
          position: location.position,
        };
        const problems = completionProblems(task, values);
        outcome.setError(problems.outcome ? t(problems.outcome) : '');
        (task.checklist ?? []).forEach((c, i) =>
          checklist[i].setError(CHECKLIST_ANSWERS.includes(answers[c.key]) ? '' : t('complete.answer_this')),
        );
        if (Object.keys(problems).length) {
          bar.alert.textContent = Object.values(problems)
            .map((key) => t(key))
            .join(' ');
          form.querySelector('.choices-field--invalid .choice__input')?.focus();
          return;
        }
        bar.busy(true);
        try {
          await photos.settled(); // a photo still being shrunk must not be left out
          const report = { ...values, photos: photos.value };
          if (fix) await retry(fix.seq, { fields: completionFields(task, report) });
          else await completeTask(task, id, report);
          goBack(backTo);
        } catch (err) {
          saveFailed(bar, 'could not save the report', err);
        }
      });
      showForm(body, form, fix);
    })
    .catch((err) => loadFailed(body, 'could not open the form', err));
  return screen;
}

/** #/tasks/<id>/unable */
export function unableScreen({ params, query }) {
  const id = params.id;
  const backTo = `/tasks/${encodeURIComponent(id)}`;
  const { screen, body, subject } = frame({ title: t('unable.title'), backTo, testid: 'unable-form' });

  loadForForm(id, query.get('fix'))
    .then(({ item, fix }) => {
      if (!item) return missing(body);
      subject.textContent = item.task.title ?? '';
      const reason = textArea({
        label: t('field.task.unable_reason'),
        testid: 'unable-reason',
        value: fix?.fields?.unable_reason ?? '',
        maxlength: TASKS.UNABLE_REASON_MAX,
        required: true,
        placeholder: t('unable.placeholder'),
      });
      const location = locationField();
      const bar = saveBar('unable');
      const form = h(
        'form',
        { class: 'form', novalidate: true, 'data-testid': 'unable' },
        reason,
        location,
        bar.element,
      );
      clearOnChange(form, bar);
      reason.input.addEventListener('input', () => reason.setError(''));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!reason.input.value.trim()) {
          reason.setError(t('unable.required'));
          reason.input.focus();
          return;
        }
        reason.setError('');
        bar.busy(true);
        try {
          const values = { reason: reason.input.value, position: location.position };
          if (fix) await retry(fix.seq, { fields: unableFields(values) });
          else await markUnable(id, values);
          goBack(backTo);
        } catch (err) {
          saveFailed(bar, 'could not save', err);
        }
      });
      showForm(body, form, fix);
    })
    .catch((err) => loadFailed(body, 'could not open the form', err));
  return screen;
}

export { clearOnChange, fixingNote, frame, saveBar, textArea };

// The ends every form screen shares (completion, unable, problem report).

/** A save that failed on the phone itself: say so on the bar and let the user try again. */
export function saveFailed(bar, what, err) {
  console.error(what, err);
  bar.alert.textContent = t('form.save_failed');
  bar.busy(false);
}

/** The form, under the note of the refused edit it fixes, if any. */
export function showForm(body, form, fix) {
  body.replaceChildren(...[fix ? fixingNote(fix) : null, form].filter(Boolean));
}

/** The form could not be opened (its record or outbox entry did not load). */
export function loadFailed(body, what, err) {
  console.error(what, err);
  body.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
}
