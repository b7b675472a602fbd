// 问题上报: a problem the grid worker finds in the field (category, description, photos,
// position, building or household) becomes a field_report, created on the phone in one outbox
// entry and sent with the next sync; an admin turns it into a task. ?fix=<seq> edits a report
// the server refused and sends it again.
import { TASKS } from '../constants.js';
import { t } from '../i18n.js';
import { retry } from '../outbox.js';
import { loadPlaces, myGrids, roomOf } from '../places.js';
import { createReport, reportFields, reportProblems } from '../task-actions.js';
import { loadOutboxEntry } from '../task-data.js';
import { REPORT_CATEGORIES } from '../tasks.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { categoryLabel } from './format.js';
import { locationField } from './location.js';
import { goBack } from './nav.js';
import { photoField } from './photos.js';
import { clearOnChange, loadFailed, saveBar, saveFailed, showForm, textArea } from './task-complete.js';

// A message for the home screen after a save ("saved, will be sent"), shown once.
let flash = null;
export const takeFlash = () => {
  const message = flash;
  flash = null;
  return message;
};

function selectField({ label, testid, options, value = '' }) {
  const id = `${testid}-select`;
  const select = h(
    'select',
    { id, class: 'field__input', 'data-testid': testid },
    options.map((option) =>
      h('option', { value: option.value, selected: String(option.value) === String(value), text: option.label }),
    ),
  );
  return {
    select,
    element: h('div', { class: 'field' }, h('label', { class: 'field__label', for: id, text: label }), select),
  };
}

/** Optional building and household pickers from the grid directory; nothing when the phone has none. */
function placePicker(places, gridIdOf, before) {
  const wrap = h('div', { class: 'place-picker', 'data-testid': 'place-picker' });
  let building = null;
  let household = null;
  function draw(buildingValue = before.building_id ?? '', householdValue = before.household_id ?? '') {
    const gridId = Number(gridIdOf());
    const buildings = [...places.buildings.values()].filter((b) => b.grid_id === gridId);
    if (!buildings.length) {
      wrap.replaceChildren();
      building = household = null;
      return;
    }
    const compounds = places.compounds;
    building = selectField({
      label: t('report.building'),
      testid: 'report-building',
      value: buildingValue,
      options: [
        { value: '', label: t('report.no_building') },
        ...buildings.map((b) => ({
          value: String(b.id),
          label: [compounds.get(b.compound_id)?.name, b.name].filter(Boolean).join(' '),
        })),
      ],
    });
    const households = [...places.households.values()].filter((hh) => String(hh.building_id) === String(buildingValue));
    household = households.length
      ? selectField({
          label: t('report.household'),
          testid: 'report-household',
          value: householdValue,
          options: [
            { value: '', label: t('report.no_household') },
            ...households.map((hh) => ({ value: String(hh.id), label: roomOf(hh) })),
          ],
        })
      : null;
    building.select.addEventListener('change', () => draw(building.select.value, ''));
    wrap.replaceChildren(...[building.element, household?.element].filter(Boolean));
  }
  draw();
  return {
    element: wrap,
    redraw: () => draw(),
    get buildingId() {
      return building?.select.value || null;
    },
    get householdId() {
      return household?.select.value || null;
    },
  };
}

/** #/report */
export function reportScreen({ me, query }) {
  const grids = myGrids(me);
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
    t('form.back_home'),
  );
  const body = h('div', { class: 'form-body' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen screen--form', 'data-testid': 'report-form' },
    back,
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('report.title') }),
    body,
  );

  Promise.all([loadPlaces(), query.get('fix') ? loadOutboxEntry(Number(query.get('fix'))) : null])
    .then(([places, entry]) => {
      const fix = entry?.status === 'rejected' && entry.entity === 'field_report' ? entry : null;
      const before = fix?.fields ?? {};
      const category = choiceGroup({
        legend: t('field.field_report.category'),
        name: 'category',
        testid: 'category',
        columns: 2,
        required: true,
        value: before.category ?? null,
        options: REPORT_CATEGORIES.map((value) => ({ value, label: categoryLabel(value) })),
      });
      const description = textArea({
        label: t('field.field_report.description'),
        testid: 'report-description',
        value: before.description ?? '',
        maxlength: TASKS.REPORT_DESCRIPTION_MAX,
        required: true,
        placeholder: t('report.description_placeholder'),
      });
      // One grid: it is the report's, said in a line. Several: the worker picks one.
      const grid =
        grids.length > 1
          ? choiceGroup({
              legend: t('field.field_report.grid_id'),
              name: 'grid',
              testid: 'report-grid',
              columns: 1,
              required: true,
              value: before.grid_id ?? null,
              options: grids.map((g) => ({ value: String(g.id), label: g.name })),
            })
          : h(
              'p',
              { class: 'field form__fact', 'data-testid': 'report-grid' },
              h('span', { class: 'field__label', text: t('field.field_report.grid_id') }),
              h('span', { text: grids[0]?.name ?? '' }),
            );
      const gridId = () => (grids.length > 1 ? grid.value : (grids[0]?.id ?? null));
      const picker = placePicker(places, gridId, before);
      if (grids.length > 1) grid.addEventListener('change', () => picker.redraw());
      const photos = photoField({ hashes: before.photos ?? [], testid: 'photos' });
      const location = locationField();
      const bar = saveBar('report');
      const form = h(
        'form',
        { class: 'form', novalidate: true, 'data-testid': 'report' },
        category,
        description,
        photos,
        location,
        grid,
        picker.element,
        bar.element,
      );
      clearOnChange(form, bar);
      description.input.addEventListener('input', () => description.setError(''));

      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        bar.alert.textContent = '';
        const values = { category: category.value, description: description.input.value, gridId: gridId() };
        const problems = reportProblems(values);
        category.setError(problems.category ? t(problems.category) : '');
        description.setError(problems.description ? t(problems.description) : '');
        if (grids.length > 1) grid.setError(problems.grid ? t(problems.grid) : '');
        if (Object.keys(problems).length) {
          bar.alert.textContent = Object.values(problems)
            .map((key) => t(key))
            .join(' ');
          (problems.category
            ? category.querySelector('input')
            : problems.description
              ? description.input
              : grid.querySelector?.('input')
          )?.focus();
          return;
        }
        bar.busy(true);
        try {
          await photos.settled();
          const report = {
            ...values,
            photos: photos.value,
            position: location.position,
            buildingId: picker.buildingId,
            householdId: picker.householdId,
          };
          // A fixed report keeps the time it was first made.
          if (fix)
            await retry(fix.seq, {
              fields: { ...reportFields(report), reported_at: before.reported_at ?? reportFields(report).reported_at },
            });
          else await createReport(report);
          flash = t('report.saved');
          goBack('/');
        } catch (err) {
          saveFailed(bar, 'could not save the report', err);
        }
      });
      showForm(body, form, fix);
    })
    .catch((err) => loadFailed(body, 'could not open the report form', err));
  return screen;
}
