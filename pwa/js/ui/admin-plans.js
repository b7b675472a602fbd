// 定期检查计划 (#/admin/plans, issue 5): one plan per compound and checklist — monthly or
// quarterly — makes one periodic inspection per period for the compound's red steward. The
// admin adds plans, stops one, and makes this period's inspections now (生成本期检查; the server
// also does it by itself, and never twice: POST /api/inspection-plans/generate is idempotent).
import { adminUnits } from '../admin.js';
import {
  adminSession,
  createPlan,
  generatePlanned,
  loadCompounds,
  loadPlans,
  loadPublishedTemplates,
  setPlanActive,
} from '../admin-data.js';
import { t } from '../i18n.js';
import { adminFrame, errorText, loadFailed, selectField, showFieldErrors, submitBar } from './admin-common.js';
import { h } from './dom.js';

function planRow(plan, names, templates, onChanged) {
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': 'plan-toggle',
    text: plan.active ? t('plans.stop') : t('plans.resume'),
  });
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      await setPlanActive(plan.id, !plan.active);
      onChanged();
    } catch (err) {
      toggle.disabled = false;
      toggle.after(h('p', { class: 'alert', role: 'alert', text: errorText(err) }));
    }
  });
  const template = templates.find((tpl) => tpl.code === plan.template_code);
  return h(
    'li',
    {
      class: `card plan${plan.active ? '' : ' plan--stopped'}`,
      'data-testid': 'plan',
      'data-id': plan.id,
      'data-active': String(plan.active),
    },
    h('strong', { class: 'plan__compound', text: names.get(plan.compound_id) ?? `#${plan.compound_id}` }),
    h('span', {
      class: 'muted',
      text: [
        template?.name ?? plan.template_code,
        t(`plans.period.${plan.period}`),
        t('plans.since', { date: plan.starts_on }),
      ].join(' · '),
    }),
    plan.active ? null : h('span', { class: 'chip chip--status', text: t('plans.stopped') }),
    toggle,
  );
}

/** #/admin/plans */
export function plansScreen({ me }) {
  adminSession(me.user.id);
  const units = adminUnits(me);
  const { screen, body } = adminFrame({
    testid: 'admin-plans',
    title: t('plans.title'),
    back: '/',
    backText: t('form.back_home'),
  });

  async function show() {
    try {
      const [templates, plans, ...compoundPages] = await Promise.all([
        loadPublishedTemplates(),
        loadPlans(),
        ...units.map((u) => loadCompounds(u.id)),
      ]);
      const compounds = compoundPages.flatMap((page) => page.items ?? []);
      const names = new Map(compounds.map((c) => [c.id, c.name]));
      const codes = [...new Map(templates.map((tpl) => [tpl.code, tpl])).values()];

      const compound = selectField({
        label: t('plans.compound'),
        testid: 'plan-compound',
        required: true,
        options: [
          { value: '', label: t('plans.choose_compound') },
          ...compounds.map((c) => ({ value: String(c.id), label: c.name })),
        ],
      });
      const template = selectField({
        label: t('plans.template'),
        testid: 'plan-template',
        required: true,
        value: codes[0]?.code ?? '',
        options: codes.map((tpl) => ({ value: tpl.code, label: tpl.name })),
      });
      const period = selectField({
        label: t('plans.period_label'),
        testid: 'plan-period',
        value: 'monthly',
        options: ['monthly', 'quarterly'].map((p) => ({ value: p, label: t(`plans.period.${p}`) })),
      });
      const bar = submitBar({ testid: 'plan', label: t('plans.add') });
      const form = h(
        'form',
        { class: 'card form', novalidate: true, 'data-testid': 'plan-form' },
        compound,
        template,
        period,
        bar.element,
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!compound.input.value) {
          compound.setError(t('plans.choose_compound'));
          compound.input.focus();
          return;
        }
        bar.busy(true);
        try {
          await createPlan({
            compound_id: Number(compound.input.value),
            template_code: template.input.value,
            period: period.input.value,
          });
          show();
        } catch (err) {
          bar.alert.textContent = showFieldErrors(err, { compound_id: compound, template_code: template, period });
          bar.busy(false);
        }
      });

      const result = h('p', { role: 'status', 'data-testid': 'plans-generated' });
      const generate = h('button', {
        type: 'button',
        class: 'btn btn--secondary btn--big',
        'data-testid': 'plans-generate',
        text: t('plans.generate'),
      });
      generate.addEventListener('click', async () => {
        generate.disabled = true;
        try {
          const made = await generatePlanned();
          result.className = 'note note--saved';
          result.textContent = t('plans.generated', { created: made.created, existing: made.existing });
        } catch (err) {
          result.className = 'alert';
          result.textContent = errorText(err);
        } finally {
          generate.disabled = false;
        }
      });

      const items = plans.items ?? [];
      body.replaceChildren(
        h('p', { class: 'muted', text: t('plans.explain') }),
        h('div', { class: 'button-row' }, generate),
        result,
        h('h2', { class: 'section-title', text: t('plans.list', { count: items.filter((p) => p.active).length }) }),
        items.length
          ? h(
              'ul',
              { class: 'plan-list', 'data-testid': 'plan-list' },
              items.map((plan) => planRow(plan, names, templates, show)),
            )
          : h('p', { class: 'empty', text: t('plans.none') }),
        h('h2', { class: 'section-title', text: t('plans.add_title') }),
        form,
      );
    } catch (err) {
      body.replaceChildren(loadFailed(err, show));
    }
  }
  show();
  return screen;
}
