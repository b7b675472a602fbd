// 随机抽查 (#/admin/spot-checks, issue 5): an admin draws k compounds of their area at random
// (POST /api/spot-checks); each drawn compound gets a random-check inspection for its steward. The
// draw is shown as it is kept, so anyone can check it was fair: the seed, the method, how many
// compounds were in the draw, who drew and when; 核验 recomputes it on the server (…/verify).
import { adminUnits } from '../admin.js';
import {
  adminSession,
  drawSpotCheck,
  loadCompound,
  loadDrawPopulation,
  loadDraws,
  loadPublishedTemplates,
  verifyDraw,
} from '../admin-data.js';
import { t } from '../i18n.js';
import {
  adminFrame,
  errorText,
  inputField,
  loadFailed,
  selectField,
  showFieldErrors,
  submitBar,
} from './admin-common.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

async function compoundNames(ids) {
  const found = await Promise.all(ids.map((id) => loadCompound(id).catch(() => null)));
  return ids.map((id, i) => found[i]?.name ?? `#${id}`);
}

function drawCard(draw, names) {
  const result = h('p', { class: 'muted', 'data-testid': 'draw-verify-result', role: 'status' });
  const verify = h('button', {
    type: 'button',
    class: 'btn btn--secondary',
    'data-testid': 'draw-verify',
    text: t('spot.verify'),
  });
  verify.addEventListener('click', async () => {
    verify.disabled = true;
    try {
      const check = await verifyDraw(draw.id);
      result.className = check.matches ? 'note note--saved' : 'alert';
      result.textContent = check.matches
        ? t(check.population_unchanged ? 'spot.verified' : 'spot.verified_population_changed', {
            count: check.population_size,
          })
        : t('spot.mismatch');
    } catch (err) {
      result.className = 'alert';
      result.textContent = errorText(err);
    } finally {
      verify.disabled = false;
    }
  });
  return h(
    'article',
    { class: 'card draw', 'data-testid': 'draw', 'data-id': draw.id },
    h('h3', { class: 'card__title', text: t('spot.draw_title', { k: draw.k, count: draw.population.length }) }),
    h(
      'ol',
      { class: 'draw__picked', 'data-testid': 'draw-picked' },
      names.map((name) => h('li', { text: name })),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: t('spot.seed') }),
      h('dd', {}, h('code', { 'data-testid': 'draw-seed', text: draw.seed })),
      h('dt', { text: t('spot.method') }),
      h('dd', { text: t('spot.method_text') }),
      h('dt', { text: t('spot.drawn_at') }),
      h('dd', { text: dateTime(draw.drawn_at) }),
    ),
    h('div', { class: 'button-row' }, verify),
    result,
  );
}

/**
 * 本范围共 N 个小区: the population of the chosen unit and filter, asked of the server as they
 * change, and the warning in words when k reaches it (every compound drawn: nothing random).
 * size() is the last count (null while unknown).
 */
function populationLine({ unit, k, exclude }) {
  const line = h('p', { class: 'field__hint', 'data-testid': 'draw-population', 'aria-live': 'polite' });
  const warning = h('p', { class: 'note note--warn', 'data-testid': 'draw-all-warning', role: 'alert', hidden: true });
  let size = null;
  let asked = 0;

  function warn() {
    const n = Number(k.input.value);
    const all = size !== null && Number.isInteger(n) && n >= size;
    warning.hidden = !all;
    warning.textContent = all ? t(n > size ? 'spot.too_many' : 'spot.all_drawn', { k: n, size }) : '';
  }

  async function count() {
    const mine = ++asked;
    size = null;
    line.textContent = t('app.loading');
    warn();
    try {
      const found = await loadDrawPopulation({ orgUnitId: unit.input.value, excludeInspected: exclude.checked });
      if (mine !== asked) return;
      size = found.size;
      line.textContent = t('spot.population', { size });
    } catch (err) {
      if (mine === asked) line.textContent = errorText(err);
    }
    warn();
  }

  unit.input.addEventListener('change', count);
  exclude.addEventListener('change', count);
  k.input.addEventListener('input', warn);
  count();
  return { elements: [line, warning], size: () => size };
}

/** "Draw 3 of 12 compounds?"; when k reaches the population, the warning comes first. */
function confirmDraw(k, size, unitName) {
  const all = size !== null && k >= size;
  return confirmDialog({
    title: t('spot.confirm_title'),
    lines: [
      all ? t('spot.all_drawn', { k, size }) : null,
      size === null
        ? t('spot.confirm_text_unknown', { k, unit: unitName })
        : t('spot.confirm_text', { k, size, unit: unitName }),
      t('spot.confirm_record'),
    ],
    confirm: t(all ? 'spot.confirm_all' : 'spot.confirm_yes', { k }),
    cancel: t('spot.confirm_no'),
    testid: 'draw-confirm',
  });
}

/** #/admin/spot-checks */
export function spotChecksScreen({ me }) {
  adminSession(me.user.id);
  const units = adminUnits(me);
  const { screen, body } = adminFrame({
    testid: 'admin-spot-checks',
    title: t('spot.title'),
    back: '/',
    backText: t('form.back_home'),
  });
  const latest = h('div', { 'data-testid': 'draw-latest' });
  const history = h('div', { class: 'draws' });

  async function showHistory() {
    const page = await loadDraws();
    const cards = [];
    for (const draw of page.items ?? []) cards.push(drawCard(draw, await compoundNames(draw.picked)));
    history.replaceChildren(
      h('h2', { class: 'section-title', text: t('spot.history') }),
      cards.length ? h('div', { class: 'draw-list' }, ...cards) : h('p', { class: 'empty', text: t('spot.none') }),
    );
  }

  async function show() {
    try {
      const templates = await loadPublishedTemplates();
      const unit = selectField({
        label: t('spot.unit'),
        testid: 'draw-unit',
        required: true,
        value: String(units[0]?.id ?? ''),
        options: units.map((u) => ({ value: String(u.id), label: u.name })),
      });
      const template = selectField({
        label: t('spot.template'),
        testid: 'draw-template',
        required: true,
        value: String(templates[0]?.id ?? ''),
        options: templates.map((tpl) => ({
          value: String(tpl.id),
          label: t('spot.template_option', { name: tpl.name, version: tpl.version }),
        })),
      });
      const k = inputField({ label: t('spot.k'), testid: 'draw-k', type: 'number', value: '3', required: true });
      k.input.min = '1';
      k.input.inputMode = 'numeric';
      const seed = inputField({
        label: t('spot.seed_input'),
        testid: 'draw-seed-input',
        maxlength: 64,
        hint: t('spot.seed_hint'),
      });
      const exclude = h('input', { type: 'checkbox', 'data-testid': 'draw-exclude' });
      const population = populationLine({ unit, k, exclude });
      const bar = submitBar({ testid: 'draw', label: t('spot.submit') });
      const form = h(
        'form',
        { class: 'card form', novalidate: true, 'data-testid': 'draw-form' },
        unit,
        template,
        k,
        ...population.elements,
        seed,
        h('label', { class: 'check-line' }, exclude, h('span', { text: t('spot.exclude') })),
        bar.element,
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        bar.alert.textContent = '';
        const size = population.size();
        const wanted = Number(k.input.value);
        k.setError('');
        if (size !== null && wanted > size) {
          k.setError(t('spot.too_many', { k: wanted, size }));
          return; // the server would refuse it too: nothing to confirm
        }
        const unitName = unit.input.selectedOptions[0]?.textContent ?? '';
        if (!(await confirmDraw(wanted, size, unitName))) return;
        bar.busy(true);
        try {
          const draw = await drawSpotCheck({
            org_unit_id: Number(unit.input.value),
            template_id: Number(template.input.value),
            k: Number(k.input.value),
            seed: seed.input.value.trim() || undefined,
            exclude_inspected_this_month: exclude.checked,
          });
          latest.replaceChildren(
            h('p', { class: 'note note--saved', role: 'status', text: t('spot.done', { count: draw.picked.length }) }),
            drawCard(draw, await compoundNames(draw.picked)),
          );
          latest.querySelector('h3')?.scrollIntoView({ block: 'nearest' });
          showHistory().catch(() => {});
        } catch (err) {
          bar.alert.textContent = showFieldErrors(err, { org_unit_id: unit, template_id: template, k, seed });
        } finally {
          bar.busy(false);
        }
      });
      body.replaceChildren(h('p', { class: 'muted', text: t('spot.explain') }), form, latest, history);
      await showHistory();
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}
