// 发布通知 (#/admin/alerts/new, issue 6): title, body with a live count, level, category, who it
// reaches (communities, grids, compounds, buildings of the admin's jurisdiction, narrowed to
// roles), now or at a time, expiry — POST /api/alerts. Checked on the phone first (alerts.js);
// the server's messages then show per field, and nothing typed is lost on a refusal.
import { adminUnits, localInputToIso } from '../admin.js';
import { adminSession, loadGridPlaces, loadProgress } from '../admin-data.js';
import {
  alertFormProblems,
  alertPayload,
  BODY_MAX,
  CATEGORIES,
  charCount,
  LEVELS,
  needsConfirmation,
  reachBody,
  TARGET_ROLES,
  TITLE_MAX,
} from '../alerts.js';
import { previewAlert, publishAlert } from '../alerts-data.js';
import { t } from '../i18n.js';
import {
  adminFrame,
  errorText,
  inputField,
  loadFailed,
  setFlash,
  showFieldErrors,
  submitBar,
  textField,
} from './admin-common.js';
import { choiceGroup } from './choices.js';
import { compoundPicker } from './compound-picker.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';
import { alertCategoryLabel, levelLabel } from './inbox-row.js';
import { replaceWith } from './nav.js';

/** A fieldset of checkboxes: .values() the ticked ones. */
function checkList({ legend, testid, options }) {
  const boxes = options.map((o) =>
    h(
      'label',
      { class: 'check-row' },
      h('input', { type: 'checkbox', value: String(o.value), 'data-testid': `${testid}-${o.value}` }),
      h('span', { text: o.label }),
    ),
  );
  const element = h(
    'fieldset',
    { class: 'fieldset check-list', 'data-testid': testid },
    h('legend', { text: legend }),
    options.length ? boxes : h('p', { class: 'muted small', text: t('alerts.form.none_here') }),
  );
  element.values = () =>
    boxes
      .map((b) => b.querySelector('input'))
      .filter((i) => i.checked)
      .map((i) => i.value);
  return element;
}

/** The places of the grids (their directories), compounds once even when two grids share one. */
async function placesOf(grids) {
  const directories = await Promise.all(grids.map((g) => loadGridPlaces(g.grid_id).catch(() => null)));
  const compounds = new Map();
  const buildings = new Map();
  for (const d of directories.filter(Boolean)) {
    // The grid's path is city, district, street, community, grid: its compounds are grouped by the middle.
    const path = (d.grid?.path ?? []).slice(1, -1);
    for (const c of d.compounds ?? []) compounds.set(String(c.id), { ...c, path });
    for (const b of d.buildings ?? []) buildings.set(String(b.id), b);
  }
  return { compounds: [...compounds.values()], buildings: [...buildings.values()] };
}

function targetingPart(me, grids, places) {
  const units = checkList({
    legend: t('alerts.form.org_units'),
    testid: 'alert-unit',
    options: adminUnits(me).map((u) => ({ value: u.id, label: u.name })),
  });
  const gridList = checkList({
    legend: t('alerts.form.grids'),
    testid: 'alert-grid',
    options: grids.map((g) => ({ value: g.grid_id, label: g.grid_name })),
  });
  const compounds = compoundPicker({
    legend: t('alerts.form.compounds'),
    testid: 'alert-compound',
    compounds: places.compounds,
  });
  const compoundName = new Map(places.compounds.map((c) => [String(c.id), c.name]));
  const buildings = checkList({
    legend: t('alerts.form.buildings'),
    testid: 'alert-building',
    options: places.buildings.map((b) => ({
      value: b.id,
      label: [compoundName.get(String(b.compound_id)), b.name].filter(Boolean).join(' · '),
    })),
  });
  const roles = checkList({
    legend: t('alerts.form.roles'),
    testid: 'alert-role',
    options: TARGET_ROLES.map((r) => ({ value: r, label: t(`role.${r}.name`) })),
  });
  const error = h('p', { class: 'field__error', 'data-testid': 'targeting-error' });
  const everywhere = h('input', { type: 'checkbox', 'data-testid': 'alert-everywhere' });
  const element = h(
    'fieldset',
    { class: 'fieldset targeting' },
    h('legend', { text: t('alerts.form.targeting') }),
    h('p', { class: 'field__hint', text: t('alerts.form.targeting_hint') }),
    compounds,
    h(
      'details',
      { class: 'more-places' },
      h('summary', { text: t('alerts.form.more_places') }),
      buildings,
      gridList,
      units,
    ),
    roles,
    h('label', { class: 'check-row' }, everywhere, h('span', { text: t('alerts.form.everywhere') })),
    error,
  );
  return {
    element,
    setError: (text) => {
      error.textContent = text ?? '';
    },
    value: () => ({
      org_unit_ids: units.values(),
      grid_ids: gridList.values(),
      compound_ids: compounds.values(),
      building_ids: buildings.values(),
      roles: roles.values(),
    }),
    everywhere: () => everywhere.checked,
  };
}

const REACH_WAIT_MS = 350; // ticking three boxes in a row asks the server once

/**
 * 将送达: the server's count of the people and push devices the form's audience reaches, asked
 * again as the targeting or category changes. bodyNow() gives the preview's body or null.
 * count() asks at once and gives the server's answer (or throws its refusal).
 */
function reachLine(bodyNow) {
  const line = h('p', { class: 'reach', 'data-testid': 'alert-reach', role: 'status' });
  let asked = 0;
  let timer = null;

  function show(reach) {
    line.classList.toggle('reach--wide', Boolean(reach?.whole_jurisdiction));
    line.dataset.people = reach ? String(reach.people) : '';
    if (!reach) line.textContent = t('alerts.form.reach_none');
    else
      line.textContent = t(reach.whole_jurisdiction ? 'alerts.form.reach_wide' : 'alerts.form.reach', {
        people: reach.people,
        devices: reach.devices,
      });
  }

  async function count() {
    clearTimeout(timer);
    const mine = ++asked;
    const body = bodyNow();
    if (!body) {
      show(null);
      return null;
    }
    counting();
    try {
      const reach = await previewAlert(body);
      if (mine === asked) show(reach);
      return reach;
    } catch (err) {
      if (mine === asked) {
        line.classList.remove('reach--wide');
        line.textContent = errorText(err);
      }
      throw err;
    }
  }

  // From the change on, the count shown is no longer the audience's: say so until the answer.
  function counting() {
    line.classList.remove('reach--wide');
    line.dataset.people = '';
    line.textContent = t('alerts.form.reach_counting');
  }

  show(null);
  return {
    element: line,
    count,
    later() {
      clearTimeout(timer);
      counting();
      timer = setTimeout(() => count().catch(() => {}), REACH_WAIT_MS);
    },
  };
}

/** "Send to 1,234 people?" with the server's count, for an urgent alert or a whole jurisdiction. */
function confirmSending(values, reach) {
  const lines = [
    t('alerts.confirm.count', { people: reach.people, devices: reach.devices }),
    reach.whole_jurisdiction ? t('alerts.confirm.whole') : null,
    values.level === 'urgent' ? t('alerts.confirm.urgent') : null,
    reach.needs_approval ? t('alerts.confirm.approval') : null,
  ];
  return confirmDialog({
    title: t('alerts.confirm.title', { title: values.title.trim() }),
    lines,
    confirm: t('alerts.confirm.yes', { people: reach.people }),
    cancel: t('alerts.confirm.no'),
    testid: 'alert-confirm',
  });
}

/** Title, body with its live count (characters as people count them), level, category. */
function messageFields() {
  const title = inputField({
    label: t('alerts.form.title'),
    testid: 'alert-title-input',
    maxlength: TITLE_MAX,
    required: true,
    placeholder: t('alerts.form.title_placeholder'),
  });
  const text = textField({
    label: t('alerts.form.body'),
    testid: 'alert-body-input',
    maxlength: BODY_MAX,
    required: true,
    rows: 5,
    placeholder: t('alerts.form.body_placeholder'),
  });
  const counter = h('p', { class: 'field__hint counter', 'data-testid': 'alert-body-count', 'aria-live': 'polite' });
  const count = () => {
    const n = charCount(text.input.value);
    counter.textContent = t('alerts.form.count', { count: n, max: BODY_MAX });
    counter.classList.toggle('counter--over', n > BODY_MAX);
  };
  text.input.addEventListener('input', count);
  count();
  text.insertBefore(counter, text.querySelector('.field__error'));
  const level = choiceGroup({
    legend: t('alerts.form.level'),
    name: 'alert-level',
    testid: 'alert-level',
    columns: 4,
    value: 'notice',
    required: true,
    options: LEVELS.map((value) => ({ value, label: levelLabel(value) })),
  });
  const category = choiceGroup({
    legend: t('alerts.form.category'),
    name: 'alert-category',
    testid: 'alert-category',
    columns: 3,
    value: null,
    required: true,
    options: CATEGORIES.map((value) => ({ value, label: alertCategoryLabel(value) })),
  });
  return { title, text, level, category };
}

/** #/admin/alerts/new */
export function newAlertScreen({ me }) {
  adminSession(me.user.id);
  const { screen, body } = adminFrame({
    testid: 'new-alert',
    title: t('alerts.admin.new'),
    back: '/admin/alerts',
    backText: t('alerts.admin.back_list'),
    wide: false,
  });

  async function open() {
    let grids;
    let places;
    try {
      grids = (await loadProgress()).grids ?? [];
      places = await placesOf(grids);
    } catch (err) {
      body.replaceChildren(loadFailed(err, open));
      return;
    }
    const { title, text, level, category } = messageFields();
    const targeting = targetingPart(me, grids, places);
    const sendAt = inputField({
      label: t('alerts.form.send_at'),
      testid: 'alert-send-at',
      type: 'datetime-local',
      hint: t('alerts.form.send_at_hint'),
    });
    const expiresAt = inputField({
      label: t('alerts.form.expires_at'),
      testid: 'alert-expires-at',
      type: 'datetime-local',
      hint: t('alerts.form.expires_hint'),
    });
    const bar = submitBar({ testid: 'alert', label: t('alerts.form.submit') });
    const fields = { title, body: text, level, category, targeting, send_at: sendAt, expires_at: expiresAt };
    const valuesNow = () => ({
      title: title.input.value,
      body: text.input.value,
      level: level.value,
      category: category.value,
      targeting: targeting.value(),
      everywhere: targeting.everywhere(),
      sendAt: sendAt.input.value ? localInputToIso(sendAt.input.value) : null,
      expiresAt: expiresAt.input.value ? localInputToIso(expiresAt.input.value) : null,
    });
    const reach = reachLine(() => reachBody(valuesNow()));
    targeting.element.append(reach.element);

    const form = h(
      'form',
      { class: 'form admin-form', novalidate: true, 'data-testid': 'alert-form' },
      title,
      text,
      level,
      category,
      targeting.element,
      sendAt,
      expiresAt,
      bar.element,
    );
    // A change clears what it may have fixed: the summary, and the audience's line once one is ticked.
    form.addEventListener('input', () => {
      bar.alert.textContent = '';
    });
    targeting.element.addEventListener('change', () => {
      targeting.setError('');
      reach.later();
    });
    category.addEventListener('change', () => reach.later());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = valuesNow();
      const problems = alertFormProblems(values);
      for (const [name, field] of Object.entries(fields))
        field.setError(problems[name] ? t(problems[name], { max: name === 'title' ? TITLE_MAX : BODY_MAX }) : '');
      bar.alert.textContent = Object.keys(problems).length ? t('alerts.form.fix') : '';
      if (Object.keys(problems).length) return;
      bar.busy(true, t('alerts.form.submitting'));
      try {
        // The count the person confirms is the server's, asked now, not the one shown a while ago.
        const counted = await reach.count();
        if (needsConfirmation(values.level, counted) && !(await confirmSending(values, counted))) {
          bar.busy(false);
          return;
        }
        const alert = await publishAlert(alertPayload(values));
        setFlash(
          t(`alerts.admin.published_${alert.status}`, { count: alert.counts?.recipients ?? alert.recipients ?? 0 }),
        );
        replaceWith(`/admin/alerts/${encodeURIComponent(alert.id)}`);
      } catch (err) {
        const byName = { ...fields };
        for (const kind of ['org_unit_ids', 'grid_ids', 'compound_ids', 'building_ids', 'roles'])
          byName[`targeting.${kind}`] = targeting;
        bar.alert.textContent = showFieldErrors(err, byName);
        bar.busy(false);
      }
    });
    body.replaceChildren(form);
  }
  open();
  return screen;
}
