// 单位 (#/members/units/<id>), the unit secretary's: the unit's members (skills, when they can
// serve, their phones), the grids it serves (N对1, editable), its resources list (场地、设备、专业服务:
// add and remove) and the unit's 双报告. Online; offline it shows the copy kept with 我的报到.
import { MEMBERS } from '../constants.js';
import { t } from '../i18n.js';
import { addResource, deleteResource, loadMine, loadUnit, saveUnit } from '../member-data.js';
import { label, labels, options, resourceProblems } from '../members.js';
import { errorText, inputField, loadFailed, selectField, showFieldErrors, textField } from './admin-common.js';
import { checkGroup } from './choices.js';
import { h } from './dom.js';
import { actionButton, facts, gridChoices, keptNote, reportLink, saveButton, statusLine } from './member-parts.js';
import { backLink, block } from './wish-parts.js';

function membersBlock(unit) {
  const members = unit.members ?? [];
  return block(
    t('member.unit_members', { count: unit.member_count }),
    'unit-members',
    h(
      'ul',
      { class: 'member-list' },
      members.map((m) =>
        h(
          'li',
          { class: 'member-item', 'data-testid': 'unit-member' },
          h('strong', {
            text: `${m.display_name}${m.unit_role === 'secretary' ? `（${label('unit_role', 'secretary')}）` : ''}`,
          }),
          h('span', {
            class: 'member-line',
            text: [labels('skill', m.skills), m.skills_note].filter(Boolean).join('；') || t('member.no_skills'),
          }),
          h('span', { class: 'member-line', text: labels('slot', m.availability) || t('member.no_slots') }),
          m.phone ? h('a', { href: `tel:${m.phone}`, class: 'member-phone', text: m.phone }) : null,
        ),
      ),
    ),
  );
}

function gridsForm(unit, grids, redraw) {
  const field = gridChoices({ grids, chosen: unit.grids.map((g) => g.id), testid: 'unit-grids' });
  const status = statusLine('unit-grids-status');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    field,
    status,
    saveButton('unit-grids-save', t('member.save_grids')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await saveUnit(unit.id, { grid_ids: field.value.map(Number) });
      redraw(t('member.grids_saved'));
    } catch (err) {
      status.textContent = showFieldErrors({ ...err, message: errorText(err) }, { grid_ids: field });
    }
  });
  return form;
}

function resourceRow(unit, resource, redraw) {
  const remove = actionButton({
    testid: 'resource-delete',
    text: t('member.remove'),
    confirm: t('member.remove_confirm', { name: resource.name }),
    action: () => deleteResource(unit.id, resource.id),
    after: () => redraw(t('member.resource_removed')),
  });
  const capacity = resource.capacity ? t('member.capacity_of', { n: resource.capacity }) : '';
  return h(
    'li',
    { class: 'member-item', 'data-testid': 'resource-row' },
    h('strong', { text: `${label('resource_kind', resource.kind)} · ${resource.name}` }),
    resource.description ? h('span', { text: resource.description }) : null,
    h('span', {
      class: 'member-line',
      text: [labels('slot', resource.availability), resource.availability_note, capacity].filter(Boolean).join(' · '),
    }),
    remove,
  );
}

function resourceForm(unit, redraw) {
  const kind = selectField({
    label: t('member.field.resource_kind'),
    testid: 'resource-kind',
    options: [{ value: '', label: t('member.choose') }, ...options('resource_kind')],
    required: true,
  });
  const name = inputField({
    label: t('member.field.resource_name'),
    testid: 'resource-name',
    maxlength: MEMBERS.NAME_MAX,
    required: true,
    placeholder: t('member.resource_placeholder'),
  });
  const description = textField({
    label: t('member.field.description'),
    testid: 'resource-description',
    maxlength: MEMBERS.TEXT_MAX,
    rows: 2,
  });
  const slots = checkGroup({
    legend: t('member.field.availability'),
    items: options('slot'),
    testid: 'resource-availability',
  });
  const note = inputField({
    label: t('member.field.availability_note'),
    testid: 'resource-availability-note',
    maxlength: MEMBERS.NOTE_MAX,
  });
  const capacity = inputField({ label: t('member.field.capacity'), testid: 'resource-capacity', type: 'number' });
  capacity.input.inputMode = 'numeric';
  capacity.input.min = '1';
  const byName = { kind, name, description, availability: slots, availability_note: note, capacity };
  const status = statusLine('resource-error');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'resource-form' },
    kind,
    name,
    description,
    slots,
    note,
    capacity,
    status,
    saveButton('resource-save', t('member.add_resource')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const typed = capacity.input.value.trim();
    const values = {
      kind: kind.input.value,
      name: name.input.value.trim(),
      description: description.input.value.trim() || null,
      availability: slots.value,
      availability_note: note.input.value.trim() || null,
      capacity: typed ? Number(typed) : null,
    };
    const problems = resourceProblems(values);
    if (Object.keys(problems).length) {
      for (const [field, text] of Object.entries(problems)) byName[field].setError(text);
      return;
    }
    try {
      await addResource(unit.id, values);
      redraw(t('member.resource_added'));
    } catch (err) {
      status.textContent = showFieldErrors({ ...err, message: errorText(err) }, byName);
    }
  });
  return form;
}

/** The screen for #/members/units/<id>. */
export function memberUnitScreen({ params }) {
  const unitId = Number(params.id);
  const body = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const title = h('h1', { class: 'screen__title', tabindex: '-1', text: t('member.unit_title') });
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'member-unit' },
    backLink('/members/me', t('member.back_mine')),
    title,
    body,
  );
  async function draw(flash = null) {
    let unit;
    let kept = { offline: false };
    let grids;
    try {
      kept = await loadMine();
      unit = kept.offline ? kept.mine.units.find((u) => u.id === unitId) : await loadUnit(unitId);
      grids = unit?.community_grids ?? unit?.grids ?? [];
    } catch (err) {
      body.replaceChildren(loadFailed(err, () => draw()));
      return;
    }
    if (!unit) {
      body.replaceChildren(h('p', { class: 'muted', text: t('member.unit_missing') }));
      return;
    }
    title.textContent = unit.name;
    if (!kept.mine.units.some((u) => u.id === unit.id)) {
      // An admin's way here is 报到管理, not 我的报到.
      screen.querySelector('[data-testid="back"]').replaceWith(backLink('/admin/members', t('member.back_admin')));
    }
    const redraw = (text) => draw(text);
    body.replaceChildren(
      h(
        'div',
        { class: 'cards' },
        keptNote(kept),
        flash ? h('p', { class: 'note note--saved', role: 'status', 'data-testid': 'unit-flash', text: flash }) : null,
        block(
          t('member.unit_block'),
          'unit-facts',
          facts([
            [t('member.field.unit_kind'), label('unit_kind', unit.kind)],
            [t('member.field.party_org'), unit.party_org],
            [t('member.field.contact_name'), `${unit.contact_name} ${unit.contact_phone}`],
            [t('member.community'), unit.community_name],
            kept.offline ? [t('member.field.grids'), unit.grids.map((g) => g.name).join('、')] : null,
          ]),
          kept.offline ? null : gridsForm(unit, grids, redraw),
        ),
        membersBlock(unit),
        block(
          t('member.resources'),
          'unit-resources',
          unit.resources.length
            ? h(
                'ul',
                { class: 'member-list' },
                unit.resources.map((r) => resourceRow(unit, r, redraw)),
              )
            : h('p', { class: 'muted', text: t('member.no_resources') }),
          kept.offline
            ? null
            : h(
                'details',
                { class: 'member-fold', 'data-testid': 'resource-fold', open: !unit.resources.length },
                h('summary', { text: t('member.add_resource') }),
                resourceForm(unit, redraw),
              ),
        ),
        reportLink({ unitId: unit.id, testid: 'report-unit' }),
      ),
    );
  }
  draw();
  return screen;
}
