// 提诉求 (#/needs/new): the category (its response and resolution hours said under it), what the
// matter is, up to six photos and, if the resident wants, where it is; with several households,
// which one. Saved on the phone in one outbox entry and sent with the next sync (no signal
// needed); the grid worker of the household's grid receives it. ?fix=<seq> edits a need the
// server refused and sends it again.
import { NEEDS } from '../constants.js';
import { t } from '../i18n.js';
import { createNeed, needFields } from '../need-actions.js';
import { DEADLINE_HOURS, NEED_CATEGORIES, needProblems } from '../needs.js';
import { retry } from '../outbox.js';
import { loadOutboxEntry } from '../task-data.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { householdField } from './household-field.js';
import { locationField } from './location.js';
import { replaceWith } from './nav.js';
import { needCategoryLabel } from './need-parts.js';
import { photoField } from './photos.js';
import { clearOnChange, loadFailed, saveBar, saveFailed, showForm, textArea } from './task-complete.js';
import { backLink } from './wish-parts.js';

const hoursHint = (category) => {
  const [respond, resolve] = DEADLINE_HOURS[category] ?? [];
  return respond ? t('need.deadline_hint', { respond, resolve }) : '';
};

/** 附上我的位置: a button that adds the position field (GPS only when the resident asks). */
function optionalLocation() {
  let field = null;
  const holder = h('div', { class: 'need-location' });
  const add = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'need-location-add',
    text: t('need.location_add'),
    onclick: () => {
      field = locationField({ testid: 'need-location' });
      holder.replaceChildren(field);
    },
  });
  holder.append(add);
  Object.defineProperty(holder, 'location', {
    get: () => (field?.position.location_status === 'ok' ? field.position.location : null),
  });
  return holder;
}

function buildForm(me, fix) {
  const before = fix?.fields ?? {};
  const hint = h('p', { class: 'field__hint', 'data-testid': 'need-deadline-hint', text: hoursHint(before.category) });
  const category = choiceGroup({
    legend: t('field.need.category'),
    name: 'need-category',
    testid: 'need-category',
    columns: 2,
    required: true,
    value: before.category ?? null,
    options: NEED_CATEGORIES.map((code) => ({ value: code, label: needCategoryLabel(code) })),
    onChange: (code) => {
      hint.textContent = hoursHint(code);
    },
  });
  const words = textArea({
    label: t('field.need.text'),
    testid: 'need-text',
    value: before.text ?? '',
    maxlength: NEEDS.TEXT_MAX,
    required: true,
    placeholder: t('need.text_placeholder'),
  });
  const photos = photoField({ hashes: before.photos ?? [], testid: 'need-photos', label: t('need.photos') });
  const where = optionalLocation();
  const household = householdField({
    me,
    legend: t('field.need.household_id'),
    testid: 'need-household',
    value: before.household_id,
  });
  const bar = saveBar('need');
  bar.save.textContent = t('need.submit');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'need-form' },
    category,
    hint,
    words,
    photos,
    where,
    household,
    bar.element,
  );
  clearOnChange(form, bar);
  words.input.addEventListener('input', () => words.setError(''));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      userId: me.user.id,
      householdId: household.householdId(),
      category: category.value,
      text: words.input.value,
      photos: photos.value,
      location: where.location,
    };
    const problems = needProblems(values);
    category.setError(problems.category ? t(problems.category) : '');
    words.setError(problems.text ? t(problems.text) : '');
    household.setError(problems.household_id ? t(problems.household_id) : '');
    if (Object.keys(problems).length) {
      bar.alert.textContent = Object.values(problems)
        .map((key) => t(key, { max: NEEDS.MAX_PHOTOS }))
        .join(' ');
      (problems.category ? category.querySelector('input') : words.input)?.focus();
      return;
    }
    bar.busy(true);
    try {
      await photos.settled();
      const need = { ...values, photos: photos.value };
      const result = fix ? await retry(fix.seq, { fields: needFields(need) }) : await createNeed(need);
      replaceWith(`/needs/${encodeURIComponent(fix ? fix.record_id : result.record.id)}`);
    } catch (err) {
      saveFailed(bar, 'could not save the need', err);
    }
  });
  return form;
}

/** #/needs/new */
export function needFormScreen({ me, query }) {
  const body = h('div', { class: 'form-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--form', 'data-testid': 'need-new-screen' },
    backLink('/needs', t('need.back_to_list')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('need.new') }),
    h('p', { class: 'muted', text: t('need.new_about') }),
    body,
  );
  (query.get('fix') ? loadOutboxEntry(Number(query.get('fix'))) : Promise.resolve(null))
    .then((entry) => {
      const fix = entry?.status === 'rejected' && entry.entity === 'need' && entry.op === 'create' ? entry : null;
      showForm(body, buildForm(me, fix), fix);
    })
    .catch((err) => loadFailed(body, 'could not open the need form', err));
  return screen;
}
