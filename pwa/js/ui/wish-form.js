// 许个心愿 (#/wishes/new): what the resident wishes for (required, one line), why, up to six
// photos and the day they would like it by; with several households, which one it is for. Saved
// on the phone in one outbox entry and sent with the next sync (no signal needed); the admins
// of the community review it. ?fix=<seq> edits a wish the server refused and sends it again.
import { WISHES } from '../constants.js';
import { t } from '../i18n.js';
import { retry } from '../outbox.js';
import { loadOutboxEntry } from '../task-data.js';
import { createWish, wishFields } from '../wish-actions.js';
import { wishProblems } from '../wishes.js';
import { h } from './dom.js';
import { householdField } from './household-field.js';
import { replaceWith } from './nav.js';
import { photoField } from './photos.js';
import { clearOnChange, loadFailed, saveBar, saveFailed, showForm, textArea } from './task-complete.js';
import { backLink } from './wish-parts.js';

/** A one-line text field with its label, error line, .input and .setError(text). */
export function textInput({ label, testid, value = '', maxlength, required = false, type = 'text', hint = '' }) {
  const id = `${testid}-input`;
  const input = h('input', {
    id,
    type,
    class: 'field__input',
    maxlength,
    required,
    'data-testid': testid,
    'aria-describedby': `${id}-error`,
  });
  input.value = value;
  const error = h('p', { class: 'field__error', id: `${id}-error`, 'data-testid': `${testid}-error` });
  const field = h(
    'div',
    { class: 'field' },
    h(
      'label',
      { class: 'field__label', for: id },
      label,
      required ? h('span', { class: 'field__required', 'aria-hidden': 'true', text: ' *' }) : null,
    ),
    hint ? h('p', { class: 'field__hint', text: hint }) : null,
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

/** Today on this phone as YYYY-MM-DD (the date field's earliest day). */
function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function buildForm(me, fix) {
  const before = fix?.fields ?? {};
  const title = textInput({
    label: t('field.wish.title'),
    testid: 'wish-title',
    value: before.title ?? '',
    maxlength: WISHES.TITLE_MAX,
    required: true,
    hint: t('wish.title_hint'),
  });
  const reason = textArea({
    label: t('field.wish.reason'),
    testid: 'wish-reason',
    value: before.reason ?? '',
    maxlength: WISHES.REASON_MAX,
    placeholder: t('wish.reason_placeholder'),
  });
  const photos = photoField({ hashes: before.photos ?? [], testid: 'wish-photos', label: t('wish.photos') });
  const wanted = textInput({ label: t('field.wish.wanted_by'), testid: 'wish-wanted-by', type: 'date' });
  wanted.input.min = today();
  if (before.wanted_by) wanted.input.value = String(before.wanted_by).slice(0, 10);
  const household = householdField({
    me,
    legend: t('field.wish.household_id'),
    testid: 'wish-household',
    value: before.household_id,
  });
  const bar = saveBar('wish');
  bar.save.textContent = t('wish.submit');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'wish-form' },
    title,
    reason,
    photos,
    wanted,
    household,
    bar.element,
  );
  clearOnChange(form, bar);
  title.input.addEventListener('input', () => title.setError(''));
  wanted.input.addEventListener('input', () => wanted.setError(''));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      userId: me.user.id,
      householdId: household.householdId(),
      title: title.input.value,
      reason: reason.input.value,
      wantedBy: wanted.input.value,
    };
    const problems = wishProblems(values);
    if (photos.value.length > WISHES.MAX_PHOTOS) problems.photos = 'wish.too_many_photos';
    title.setError(problems.title ? t(problems.title) : '');
    wanted.setError(problems.wanted_by ? t(problems.wanted_by, { day: '' }) : '');
    household.setError(problems.household_id ? t(problems.household_id) : '');
    if (Object.keys(problems).length) {
      bar.alert.textContent = Object.values(problems)
        .map((key) => t(key, { max: WISHES.MAX_PHOTOS }))
        .join(' ');
      (problems.title ? title.input : wanted.input).focus();
      return;
    }
    bar.busy(true);
    try {
      await photos.settled();
      const wish = { ...values, photos: photos.value };
      const result = fix ? await retry(fix.seq, { fields: wishFields(wish) }) : await createWish(wish);
      replaceWith(`/wishes/${encodeURIComponent(fix ? fix.record_id : result.record.id)}`);
    } catch (err) {
      saveFailed(bar, 'could not save the wish', err);
    }
  });
  return form;
}

/** #/wishes/new */
export function wishFormScreen({ me, query }) {
  const body = h('div', { class: 'form-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--form', 'data-testid': 'wish-new-screen' },
    backLink('/wishes', t('wish.back_to_list')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('wish.new') }),
    h('p', { class: 'muted', text: t('wish.new_about') }),
    body,
  );
  (query.get('fix') ? loadOutboxEntry(Number(query.get('fix'))) : Promise.resolve(null))
    .then((entry) => {
      const fix = entry?.status === 'rejected' && entry.entity === 'wish' && entry.op === 'create' ? entry : null;
      showForm(body, buildForm(me, fix), fix);
    })
    .catch((err) => loadFailed(body, 'could not open the wish form', err));
  return screen;
}
