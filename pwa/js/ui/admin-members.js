// 报到管理 (#/admin/members), a community admin's: issue report codes (a unit registers with one;
// a member joins a unit or the community) and revoke them; the units that reported with the grids
// they serve (N对1); the members with their skills, time and phones; the service projects list
// (服务项目清单: add, close). Online only, like every admin screen (PROTOCOL.md §17.3).
import { grouped } from '../codes.js';
import { MEMBERS } from '../constants.js';
import { t } from '../i18n.js';
import { addProject, issueCode, loadCommunity, revokeCode, saveProject } from '../member-data.js';
import { codeState, label, labels, options } from '../members.js';
import { adminFrame, errorText, inputField, selectField, showFieldErrors, textField } from './admin-common.js';
import { checkGroup } from './choices.js';
import { h } from './dom.js';
import { actionButton, communityBody, gridChoices, reportLink, saveButton, statusLine } from './member-parts.js';
import { block } from './wish-parts.js';

function codeForm(overview, redraw) {
  const kind = selectField({
    label: t('member.field.code_kind'),
    testid: 'code-kind',
    options: [
      { value: 'unit', label: t('member.code_kind.unit') },
      { value: 'member', label: t('member.code_kind.member') },
    ],
  });
  const unit = selectField({
    label: t('member.field.code_unit'),
    testid: 'code-unit',
    options: [
      { value: '', label: t('member.code_unit_none') },
      ...overview.units.map((u) => ({ value: u.id, label: u.name })),
    ],
  });
  const uses = inputField({ label: t('member.field.max_uses'), testid: 'code-uses', type: 'number', value: '1' });
  const days = inputField({ label: t('member.field.days'), testid: 'code-days', type: 'number', value: '14' });
  uses.input.min = '1';
  uses.input.max = String(MEMBERS.MAX_CODE_USES);
  days.input.min = '1';
  days.input.max = String(MEMBERS.MAX_CODE_DAYS);
  const note = inputField({ label: t('member.field.code_note'), testid: 'code-note', maxlength: MEMBERS.NOTE_MAX });
  const showUnit = () => {
    unit.hidden = kind.input.value !== 'member';
  };
  kind.input.addEventListener('change', showUnit);
  showUnit();
  const status = statusLine('code-error');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'code-form' },
    kind,
    unit,
    uses,
    days,
    note,
    status,
    saveButton('code-issue', t('member.issue_code')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      community_id: overview.community.id,
      kind: kind.input.value,
      max_uses: Number(uses.input.value),
      days: Number(days.input.value),
      note: note.input.value.trim() || null,
    };
    if (body.kind === 'member' && unit.input.value) body.unit_id = Number(unit.input.value);
    try {
      const code = await issueCode(body);
      redraw(code);
    } catch (err) {
      status.textContent = showFieldErrors(
        { ...err, message: errorText(err) },
        { kind, unit_id: unit, max_uses: uses, days, note },
      );
    }
  });
  return form;
}

function codeRow(code, redraw) {
  const revoke =
    code.state === 'usable'
      ? actionButton({
          testid: 'code-revoke',
          text: t('member.revoke'),
          confirm: t('member.revoke_confirm', { code: grouped(code.code) }),
          action: () => revokeCode(code.id),
          after: () => redraw(),
        })
      : null;
  const what = code.kind === 'unit' ? t('member.code_kind.unit') : code.unit_name || t('member.code_kind.member');
  return h(
    'li',
    { class: 'member-item', 'data-testid': 'code-row', 'data-state': code.state },
    h('strong', { class: 'member-code', text: grouped(code.code) }),
    h('span', { class: 'member-line', text: [what, code.note, codeState(code)].filter(Boolean).join(' · ') }),
    revoke,
  );
}

function projectForm(overview, redraw) {
  const title = inputField({
    label: t('member.field.project_title'),
    testid: 'project-title',
    maxlength: MEMBERS.NAME_MAX,
    required: true,
  });
  const description = textField({
    label: t('member.field.description'),
    testid: 'project-description',
    maxlength: MEMBERS.TEXT_MAX,
    rows: 2,
  });
  const skills = checkGroup({
    legend: t('member.field.skills_wanted'),
    items: options('skill'),
    testid: 'project-skills',
  });
  const grids = gridChoices({ grids: overview.grids, testid: 'project-grids' });
  const slots = checkGroup({
    legend: t('member.field.availability'),
    items: options('slot'),
    testid: 'project-availability',
  });
  const starts = inputField({ label: t('member.field.starts_on'), testid: 'project-starts', type: 'date' });
  const ends = inputField({ label: t('member.field.ends_on'), testid: 'project-ends', type: 'date' });
  const byName = { title, description, skills, grid_ids: grids, availability: slots, starts_on: starts, ends_on: ends };
  const status = statusLine('project-error');
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'project-form' },
    title,
    description,
    skills,
    grids,
    slots,
    starts,
    ends,
    status,
    saveButton('project-save', t('member.add_project')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!title.input.value.trim()) {
      title.setError(t('member.required'));
      return;
    }
    try {
      await addProject(overview.community.id, {
        title: title.input.value.trim(),
        description: description.input.value.trim() || null,
        skills: skills.value,
        grid_ids: grids.value.map(Number),
        availability: slots.value,
        starts_on: starts.input.value || null,
        ends_on: ends.input.value || null,
      });
      redraw();
    } catch (err) {
      status.textContent = showFieldErrors({ ...err, message: errorText(err) }, byName);
    }
  });
  return form;
}

function projectRow(project, redraw) {
  const close =
    project.status === 'closed'
      ? null
      : actionButton({
          testid: 'project-close',
          text: t('member.close_project'),
          action: () => saveProject(project.id, { status: 'closed' }),
          after: () => redraw(),
        });
  const period = [project.starts_on, project.ends_on].filter(Boolean).join(' — ');
  return h(
    'li',
    { class: 'member-item', 'data-testid': 'admin-project-row', 'data-status': project.status },
    h('strong', { text: `${project.title}（${label('project_status', project.status)}）` }),
    h('span', {
      class: 'member-line',
      text: [
        labels('skill', project.skills),
        project.grids.map((g) => g.name).join('、'),
        labels('slot', project.availability),
        period,
      ]
        .filter(Boolean)
        .join(' · '),
    }),
    close,
  );
}

function unitRow(unit) {
  return h(
    'li',
    { class: 'member-item', 'data-testid': 'admin-unit-row' },
    h('strong', { text: `${unit.name}（${label('unit_kind', unit.kind)}）` }),
    h('span', {
      class: 'member-line',
      text: [
        unit.party_org,
        t('member.member_count', { count: unit.member_count }),
        unit.grids.map((g) => g.name).join('、'),
      ].join(' · '),
    }),
    h('span', { class: 'member-line', text: `${unit.contact_name} ${unit.contact_phone}` }),
    h('span', {
      class: 'member-line',
      text: unit.resources.map((r) => `${label('resource_kind', r.kind)}：${r.name}`).join('；'),
    }),
    h('a', {
      class: 'btn btn--secondary btn--block',
      href: `#/members/units/${unit.id}`,
      'data-testid': 'admin-unit-open',
      text: t('member.open_unit'),
    }),
    reportLink({ unitId: unit.id, testid: 'admin-unit-report' }),
  );
}

function memberRow(member) {
  return h(
    'li',
    { class: 'member-item', 'data-testid': 'admin-member-row' },
    h('strong', { text: `${member.display_name}${member.unit_name ? ` · ${member.unit_name}` : ''}` }),
    h('span', {
      class: 'member-line',
      text: [labels('skill', member.skills), member.skills_note, labels('slot', member.availability)]
        .filter(Boolean)
        .join(' · '),
    }),
    member.phone ? h('a', { href: `tel:${member.phone}`, class: 'member-phone', text: member.phone }) : null,
  );
}

function list(rows, empty) {
  return rows.length ? h('ul', { class: 'member-list' }, rows) : h('p', { class: 'muted', text: empty });
}

/** The screen for #/admin/members (?community=<id> picks one of several). */
export function adminMembersScreen({ query }) {
  const { screen, body } = adminFrame({
    testid: 'admin-members',
    title: t('member.admin_title'),
    back: '/',
    backText: t('form.back_home'),
    wide: false,
  });
  communityBody({
    query,
    body,
    load: loadCommunity,
    draw: ({ data: overview, picker, redraw }, newCode = null) => {
      body.replaceChildren(
        h(
          'div',
          { class: 'cards' },
          picker,
          h('p', { class: 'muted', text: t('member.admin_about', { community: overview.community.name }) }),
          block(
            t('member.codes'),
            'admin-codes',
            newCode
              ? h(
                  'p',
                  { class: 'note note--saved member-new-code', role: 'status', 'data-testid': 'code-new' },
                  t('member.code_new'),
                  h('strong', { class: 'member-code', 'data-code': newCode.code, text: grouped(newCode.code) }),
                )
              : null,
            codeForm(overview, redraw),
            list(
              overview.codes.map((c) => codeRow(c, redraw)),
              t('member.no_codes'),
            ),
          ),
          block(
            t('member.units', { count: overview.units.length }),
            'admin-units',
            list(overview.units.map(unitRow), t('member.no_units')),
          ),
          block(
            t('member.members', { count: overview.members.length }),
            'admin-member-list',
            list(overview.members.map(memberRow), t('member.no_members')),
            // 导出 Excel: the units and the members with their phones (报到台账; audited on the server).
            h(
              'div',
              { class: 'admin-actions' },
              h('a', {
                class: 'btn btn--ghost',
                href: `/api/members/communities/${overview.community.id}/export.xlsx`,
                download: '',
                'data-testid': 'admin-members-export',
                text: t('admin.export_xlsx'),
              }),
            ),
          ),
          block(
            t('member.projects'),
            'admin-projects',
            list(
              overview.projects.map((p) => projectRow(p, redraw)),
              t('member.no_projects'),
            ),
            h(
              'details',
              { class: 'member-fold', 'data-testid': 'project-fold' },
              h('summary', { text: t('member.add_project') }),
              projectForm(overview, redraw),
            ),
          ),
        ),
      );
    },
  });
  return screen;
}
