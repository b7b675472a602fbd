// 发布活动 (#/activities/new) and 编辑活动 (#/activities/<id>/edit), an admin's: the community
// (the admin's own when it is one; else the communities below, read from the server when
// online), title, place, the day and the hours it runs, seats, the hours it credits (计入时长,
// at most what the server allows), the skills wanted (toggle buttons of the shared vocabulary,
// vocab.js) and a description. Saved on the phone in
// one outbox entry and published with the next sync; the server makes its check-in key.
import { activityProblems, hoursBetween } from '../activities.js';
import { editActivity, publishActivity } from '../activity-actions.js';
import { loadActivity } from '../activity-data.js';
import { adminUnits, bulkUnits } from '../admin.js';
import { loadOrgChildren, loadOrgUnit, loadVolunteers } from '../admin-data.js';
import { ACTIVITIES } from '../constants.js';
import { t } from '../i18n.js';
import { vocabOptions } from '../vocab.js';
import { checkGroup, choiceGroup } from './choices.js';
import { h } from './dom.js';
import { replaceWith } from './nav.js';
import { clearOnChange, loadFailed, saveBar, saveFailed, showForm, textArea } from './task-complete.js';
import { textInput } from './wish-form.js';
import { backLink } from './wish-parts.js';

const pad = (n) => String(n).padStart(2, '0');
const dayOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const timeOf = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const instant = (day, time) => (day && time ? new Date(`${day}T${time}`).toISOString() : '');

/** The communities an admin may publish in: [{id, name}] (their own units when offline). */
async function communities(me) {
  const units = adminUnits(me);
  try {
    const roots = await Promise.all(units.map((unit) => loadOrgUnit(unit.id)));
    const found = (await bulkUnits(roots, loadOrgChildren)).filter((unit) => unit.kind === 'community');
    if (found.length) return found.map((unit) => ({ id: unit.id, name: unit.name }));
  } catch (err) {
    console.info('communities from the admin units only (offline?)', err?.message ?? err);
  }
  return units.map((unit) => ({ id: unit.id, name: unit.name }));
}

/**
 * 组织者: nobody named (the community's admins organise) or a volunteer, who then holds the
 * activity's key and attendance on their own phone. The list needs the network; offline the
 * field keeps the organiser already named.
 */
function organiserField(before) {
  const id = 'activity-organiser-input';
  const select = h('select', { id, class: 'field__input', 'data-testid': 'activity-organiser' });
  const none = h('option', { value: '', text: t('activity.form.organiser_none') });
  select.append(none);
  if (before?.organiser_id) {
    select.append(h('option', { value: String(before.organiser_id), text: `#${before.organiser_id}` }));
    select.value = String(before.organiser_id);
  }
  const field = h(
    'div',
    { class: 'field' },
    h('label', { class: 'field__label', for: id, text: t('field.activity.organiser_id') }),
    h('p', { class: 'field__hint', text: t('activity.form.organiser_hint') }),
    select,
  );
  loadVolunteers()
    .then((people) => {
      const chosen = select.value;
      select.replaceChildren(
        none,
        ...people.map((p) => h('option', { value: String(p.id), text: `${p.display_name} ${p.phone ?? ''}`.trim() })),
      );
      if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    })
    .catch((err) => console.info('no volunteer list (offline?)', err?.message ?? err));
  field.value = () => (select.value ? Number(select.value) : null);
  return field;
}

function buildForm(places, before, id) {
  const tomorrow = new Date(Date.now() + 86_400_000);
  const starts = before?.starts_at ? new Date(before.starts_at) : new Date(`${dayOf(tomorrow)}T09:00`);
  const ends = before?.ends_at ? new Date(before.ends_at) : new Date(`${dayOf(tomorrow)}T11:00`);
  const community =
    places.length > 1 && !before
      ? choiceGroup({
          legend: t('field.activity.community_id'),
          name: 'community',
          testid: 'activity-community',
          columns: 1,
          required: true,
          options: places.map((p) => ({ value: String(p.id), label: p.name })),
        })
      : h(
          'p',
          { class: 'field form__fact', 'data-testid': 'activity-community' },
          h('span', { class: 'field__label', text: t('field.activity.community_id') }),
          h('span', { text: places.find((p) => p.id === before?.community_id)?.name ?? places[0]?.name ?? '' }),
        );
  const communityId = () =>
    before?.community_id ?? (places.length > 1 ? Number(community.value) || null : (places[0]?.id ?? null));
  const title = textInput({
    label: t('field.activity.title'),
    testid: 'activity-title-input',
    value: before?.title ?? '',
    maxlength: ACTIVITIES.TITLE_MAX,
    required: true,
  });
  const place = textInput({
    label: t('field.activity.place'),
    testid: 'activity-place-input',
    value: before?.place ?? '',
    maxlength: ACTIVITIES.PLACE_MAX,
    required: true,
  });
  const day = textInput({
    label: t('activity.form.day'),
    testid: 'activity-day',
    type: 'date',
    required: true,
    value: dayOf(starts),
  });
  const from = textInput({
    label: t('activity.form.from'),
    testid: 'activity-from',
    type: 'time',
    required: true,
    value: timeOf(starts),
  });
  const to = textInput({
    label: t('activity.form.to'),
    testid: 'activity-to',
    type: 'time',
    required: true,
    value: timeOf(ends),
  });
  const capacity = textInput({
    label: t('field.activity.capacity'),
    testid: 'activity-capacity',
    type: 'number',
    required: true,
    value: String(before?.capacity ?? 20),
  });
  capacity.input.min = '1';
  capacity.input.max = String(ACTIVITIES.CAPACITY_MAX);
  capacity.input.inputMode = 'numeric';
  const hours = textInput({
    label: t('field.activity.hours'),
    testid: 'activity-hours',
    type: 'number',
    required: true,
    hint: t('activity.form.hours_hint'),
    value: String(before?.hours ?? hoursBetween(starts.toISOString(), ends.toISOString()) ?? 2),
  });
  Object.assign(hours.input, { min: String(ACTIVITIES.HOURS_MIN), max: String(ACTIVITIES.HOURS_MAX), step: '0.5' });
  hours.input.inputMode = 'decimal';
  const skills = checkGroup({
    legend: t('field.activity.skills'),
    items: vocabOptions('skill'),
    chosen: before?.skills ?? [],
    columns: 3,
    testid: 'activity-skills',
  });
  const description = textArea({
    label: t('field.activity.description'),
    testid: 'activity-description-input',
    value: before?.description ?? '',
    maxlength: ACTIVITIES.DESCRIPTION_MAX,
  });
  const organiser = organiserField(before);
  const bar = saveBar('activity');
  bar.save.textContent = t(before ? 'activity.form.save' : 'activity.form.publish');
  const fields = { title, place, starts_at: from, ends_at: to, capacity, hours, skills };
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'activity-form' },
    community,
    title,
    place,
    day,
    h('div', { class: 'form__row' }, from, to),
    capacity,
    hours,
    skills,
    description,
    organiser,
    bar.element,
  );
  clearOnChange(form, bar);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      communityId: communityId(),
      title: title.input.value,
      place: place.input.value,
      startsAt: instant(day.input.value, from.input.value),
      endsAt: instant(day.input.value, to.input.value),
      capacity: capacity.input.value,
      hours: hours.input.value,
      skills: skills.value,
      description: description.input.value,
      organiserId: organiser.value(),
    };
    const problems = activityProblems(values);
    for (const [name, field] of Object.entries(fields)) field.setError(problems[name] ? t(problems[name]) : '');
    if (places.length > 1 && !before) community.setError(problems.community_id ? t(problems.community_id) : '');
    if (Object.keys(problems).length) {
      bar.alert.textContent = t('activity.form.fix');
      return;
    }
    bar.busy(true);
    try {
      const result = before ? await editActivity(id, values) : await publishActivity(values);
      replaceWith(`/activities/${encodeURIComponent(before ? id : result.record.id)}`);
    } catch (err) {
      saveFailed(bar, 'could not save the activity', err);
    }
  });
  return form;
}

function frame(testid, title, back) {
  const body = h('div', { class: 'form-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--form', 'data-testid': testid },
    back,
    h('h1', { class: 'screen__title', tabindex: '-1', text: title }),
    body,
  );
  return { screen, body };
}

/** #/activities/new */
export function newActivityScreen({ me }) {
  const { screen, body } = frame('activity-new-screen', t('activity.new'), backLink('/activities', t('activity.back')));
  communities(me)
    .then((places) => showForm(body, buildForm(places, null, null), null))
    .catch((err) => loadFailed(body, 'could not open the activity form', err));
  return screen;
}

/** #/activities/<id>/edit */
export function editActivityScreen({ me, params }) {
  const id = params.id;
  const { screen, body } = frame(
    'activity-edit-screen',
    t('activity.edit'),
    backLink(`/activities/${id}`, t('activity.back_to_activity')),
  );
  Promise.all([loadActivity(id), communities(me)])
    .then(([{ item }, places]) => {
      if (!item) return loadFailed(body, 'the activity is not on this phone', new Error(id));
      return showForm(body, buildForm(places, item.activity, id), null);
    })
    .catch((err) => loadFailed(body, 'could not open the activity form', err));
  return screen;
}
