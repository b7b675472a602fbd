// 供需对接 (#/admin/matching), a community admin's: the three lists counted (群众需求, 单位资源,
// 服务项目), then each open need or micro-wish with the resources that suit it best and why
// ("技能：家电维修；同一网格；周六上午有空"). Confirming makes a need a service project in one tap, or
// an activity from a form prefilled from the need and the resource (its time at the resource's
// first free slot); a wish is claimed for the unit by its member. The unit's secretary and the
// grid worker are told (PROTOCOL.md §21). Online only, like every admin screen.

import { activityProblems } from '../activities.js';
import { isoToLocalInput, localInputToIso } from '../admin.js';
import { ACTIVITIES } from '../constants.js';
import { t } from '../i18n.js';
import { activityDraft, outcomesOf } from '../matching.js';
import { confirmMatch, loadMatching } from '../member-data.js';
import { adminFrame, errorText, inputField } from './admin-common.js';
import { h } from './dom.js';
import { communityBody } from './member-parts.js';

function figure(key, value, label) {
  return h(
    'div',
    { class: 'total', 'data-count': key },
    h('span', { class: 'total__value', 'data-testid': `matching-count-${key}`, text: String(value) }),
    h('span', { class: 'total__label', text: label }),
  );
}

function counts(c) {
  return h(
    'div',
    { class: 'card totals', 'data-testid': 'matching-counts' },
    h(
      'div',
      { class: 'totals__grid totals__grid--three' },
      figure('needs', c.needs, t('matching.count_needs')),
      figure('resources', c.resources, t('matching.count_resources')),
      figure('projects', c.projects, t('matching.count_projects')),
    ),
  );
}

function numberField(label, testid, value, { min, max, step }) {
  const field = inputField({ label, testid, type: 'number', value: String(value), required: true });
  Object.assign(field.input, { min: String(min), max: String(max), step: String(step), inputMode: 'decimal' });
  return field;
}

/** 组织活动: the activity the match becomes, prefilled, for the admin to check and publish. */
function activityForm(item, suggestion, onSubmit, onCancel) {
  const draft = activityDraft(item.need, suggestion, item.communityName, (resource, summary) =>
    t('matching.activity_title', { resource, summary }),
  );
  const title = inputField({
    label: t('field.activity.title'),
    testid: 'match-activity-title',
    value: draft.title,
    maxlength: ACTIVITIES.TITLE_MAX,
    required: true,
  });
  const place = inputField({
    label: t('field.activity.place'),
    testid: 'match-activity-place',
    value: draft.place,
    maxlength: ACTIVITIES.PLACE_MAX,
    required: true,
  });
  const local = (date) => isoToLocalInput(date.toISOString());
  const starts = inputField({
    label: t('matching.starts'),
    testid: 'match-activity-starts',
    type: 'datetime-local',
    value: local(draft.startsAt),
    required: true,
  });
  const ends = inputField({
    label: t('matching.ends'),
    testid: 'match-activity-ends',
    type: 'datetime-local',
    value: local(draft.endsAt),
    required: true,
  });
  const capacity = numberField(t('field.activity.capacity'), 'match-activity-capacity', draft.capacity, {
    min: 1,
    max: ACTIVITIES.CAPACITY_MAX,
    step: 1,
  });
  const hours = numberField(t('field.activity.hours'), 'match-activity-hours', draft.hours, {
    min: ACTIVITIES.HOURS_MIN,
    max: ACTIVITIES.HOURS_MAX,
    step: 0.5,
  });
  const fields = { title, place, starts_at: starts, ends_at: ends, capacity, hours };
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'match-activity-error', hidden: true });
  const publish = h('button', {
    type: 'submit',
    class: 'btn btn--primary',
    'data-testid': 'match-activity-publish',
    text: t('matching.activity_publish'),
  });
  const cancel = h('button', { type: 'button', class: 'btn', text: t('matching.cancel'), onclick: onCancel });
  const form = h(
    'form',
    { class: 'form match-activity', novalidate: true, 'data-testid': 'match-activity-form' },
    h('p', { class: 'form__legend', text: t('matching.activity_legend') }),
    title,
    place,
    h('div', { class: 'form__row' }, starts, ends),
    h('div', { class: 'form__row' }, capacity, hours),
    alert,
    h('div', { class: 'form__actions' }, publish, cancel),
  );
  const showError = (text) => {
    alert.textContent = text;
    alert.hidden = !text;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = {
      communityId: item.communityId,
      title: title.input.value.trim(),
      place: place.input.value.trim(),
      startsAt: localInputToIso(starts.input.value),
      endsAt: localInputToIso(ends.input.value),
      capacity: Number(capacity.input.value),
      hours: Number(hours.input.value),
    };
    const problems = activityProblems(values);
    for (const [name, field] of Object.entries(fields)) field.setError(problems[name] ? t(problems[name]) : '');
    if (Object.keys(problems).length) {
      showError(t('activity.form.fix'));
      return;
    }
    showError('');
    publish.disabled = true;
    try {
      await onSubmit({
        title: values.title,
        place: values.place,
        starts_at: values.startsAt,
        ends_at: values.endsAt,
        capacity: values.capacity,
        hours: values.hours,
      });
    } catch (err) {
      publish.disabled = false;
      for (const [name, messages] of Object.entries(err?.fields ?? {})) {
        fields[name.replace(/^activity\./, '')]?.setError(messages.join(' '));
      }
      showError(errorText(err));
    }
  });
  return form;
}

function suggestionRow(item, suggestion, onConfirm) {
  const outcomes = outcomesOf(item.need);
  const confirmAs = (outcome, activity) =>
    confirmMatch(item.communityId, item.need.id, suggestion.resource_id, outcome, activity).then((made) =>
      onConfirm(made, suggestion),
    );
  const buttons = [];
  const main = outcomes.includes('wish') ? 'wish' : 'project';
  const button = h('button', {
    type: 'button',
    class: 'btn btn--primary match__confirm',
    'data-testid': 'match-confirm',
    text: t(main === 'wish' ? 'matching.as_wish' : 'matching.confirm'),
  });
  buttons.push(button);
  const row = h(
    'li',
    { class: 'match', 'data-testid': 'match-suggestion', 'data-resource-id': suggestion.resource_id },
    h(
      'div',
      { class: 'match__what' },
      h('strong', { class: 'match__name', text: suggestion.resource_name }),
      h('span', { class: 'match__unit', text: suggestion.unit_name }),
      h('span', { class: 'match__why', 'data-testid': 'match-why', text: suggestion.reason_text }),
    ),
  );
  const actions = h('div', { class: 'match__actions' }, button);
  if (outcomes.includes('activity')) {
    const asActivity = h('button', {
      type: 'button',
      class: 'btn match__confirm',
      'data-testid': 'match-activity',
      text: t('matching.as_activity'),
      'aria-expanded': 'false',
    });
    actions.append(asActivity);
    let form = null;
    asActivity.addEventListener('click', () => {
      if (form) return;
      asActivity.setAttribute('aria-expanded', 'true');
      form = activityForm(
        item,
        suggestion,
        (activity) => confirmAs('activity', activity),
        () => {
          form.remove();
          form = null;
          asActivity.setAttribute('aria-expanded', 'false');
          asActivity.focus();
        },
      );
      row.append(form);
      form.querySelector('input')?.focus();
    });
  }
  row.append(actions);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await confirmAs(main);
    } catch (err) {
      button.disabled = false;
      row.append(h('p', { class: 'alert', role: 'alert', 'data-testid': 'match-error', text: errorText(err) }));
    }
  });
  return row;
}

function doneText(made, suggestion) {
  const count = made.notified.length;
  if (made.outcome === 'activity') return t('matching.done_activity', { title: made.title, count });
  if (made.outcome === 'wish') return t('matching.done_wish', { unit: suggestion.unit_name, count });
  return t('matching.done', { unit: suggestion.unit_name, count });
}

function needCard(item, onConfirmed) {
  const { need, suggestions } = item;
  const card = h('li', { class: 'card match-need', 'data-testid': 'match-need', 'data-need-id': need.id });
  const confirmed = (made, suggestion) => {
    card.replaceChildren(
      h('p', { class: 'match-need__text', text: need.summary }),
      h('p', {
        class: 'note note--saved',
        role: 'status',
        'data-testid': 'match-done',
        text: doneText(made, suggestion),
      }),
      made.activity_id
        ? h('a', {
            class: 'btn',
            href: `#/activities/${made.activity_id}`,
            'data-testid': 'match-open-activity',
            text: t('matching.open_activity'),
          })
        : null,
    );
    onConfirmed(made.outcome);
  };
  card.append(
    h(
      'p',
      { class: 'match-need__head' },
      h('span', { class: 'chip', text: need.category_text }),
      need.grid_name ? h('span', { class: 'muted', text: need.grid_name }) : null,
    ),
    h('p', { class: 'match-need__text', text: need.summary }),
    suggestions.length
      ? h(
          'ul',
          { class: 'match-list', 'aria-label': t('matching.suggestions') },
          suggestions.map((s) => suggestionRow(item, s, confirmed)),
        )
      : h('p', { class: 'muted', 'data-testid': 'match-none', text: t('matching.no_suggestions') }),
  );
  return card;
}

/** The screen for #/admin/matching (?community=<id> picks one of several). */
export function adminMatchingScreen({ query }) {
  const { screen, body } = adminFrame({
    testid: 'admin-matching',
    title: t('matching.title'),
    back: '/',
    backText: t('form.back_home'),
    wide: false,
  });
  communityBody({
    query,
    body,
    load: loadMatching,
    draw: ({ data: lists, picker, communityId }) => {
      let figures = counts(lists.counts);
      const onConfirmed = (outcome) => {
        lists.counts.needs -= 1;
        if (outcome === 'project') lists.counts.projects += 1;
        const next = counts(lists.counts);
        figures.replaceWith(next);
        figures = next;
      };
      body.replaceChildren(
        ...[picker].filter(Boolean), // a lone community needs no chooser
        h('p', { class: 'muted', text: t('matching.about', { community: lists.community.name }) }),
        figures,
        lists.needs.length
          ? h(
              'ul',
              { class: 'match-needs', 'data-testid': 'match-needs' },
              lists.needs.map((item) =>
                needCard({ ...item, communityId, communityName: lists.community.name }, onConfirmed),
              ),
            )
          : h('p', { class: 'muted', 'data-testid': 'match-empty', text: t('matching.empty') }),
      );
    },
  });
  return screen;
}
