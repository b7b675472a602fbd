// 我的报到 (#/members/me): each community I report to — my unit (its grids and resources; a
// secretary's link to 单位), my profile (branch, skills, when I can serve, my phone: editable
// online), the 双报告 of this year — and the community's service projects. Drawn from the copy kept
// on the phone when offline (member-data.js).
import { t } from '../i18n.js';
import { keepMine, loadMine, saveProfile } from '../member-data.js';
import { label, labels, profileProblems, unitOf } from '../members.js';
import { errorText, flashNote, loadFailed, showFieldErrors } from './admin-common.js';
import { h } from './dom.js';
import { facts, keptNote, profileFields, reportLink, saveButton, statusLine } from './member-parts.js';
import { backLink, block } from './wish-parts.js';

function profileForm(member, state) {
  const fields = profileFields(member, `profile-${member.id}`);
  const status = statusLine('profile-status');
  const submit = saveButton('profile-save', t('member.save_profile'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'profile-form' },
    ...fields.elements,
    status,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.className = 'alert';
    const values = fields.values();
    const problems = profileProblems(values);
    if (Object.keys(problems).length) {
      for (const [name, text] of Object.entries(problems)) fields.byName[name].setError(text);
      return;
    }
    submit.disabled = true;
    try {
      const saved = await saveProfile(member.id, values);
      state.mine.members = state.mine.members.map((m) => (m.id === saved.id ? saved : m));
      await keepMine(state.mine);
      status.className = 'note note--saved';
      status.textContent = t('member.profile_saved');
    } catch (err) {
      status.textContent = showFieldErrors({ ...err, message: errorText(err) }, fields.byName);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function unitBlock(unit, member) {
  if (!unit) return h('p', { class: 'muted', text: t('member.no_unit') });
  return h(
    'div',
    { 'data-testid': 'my-unit' },
    facts([
      [t('member.field.unit_name'), unit.name, 'my-unit-name'],
      [t('member.field.party_org'), unit.party_org],
      [t('member.field.grids'), unit.grids.map((g) => g.name).join('、')],
      [t('member.my_role'), label('unit_role', member.unit_role), 'my-unit-role'],
      [t('member.resources'), unit.resources.map((r) => r.name).join('、')],
    ]),
    member.unit_role === 'secretary'
      ? h('a', {
          class: 'btn btn--secondary btn--block',
          href: `#/members/units/${unit.id}`,
          'data-testid': 'open-unit',
          text: t('member.open_unit'),
        })
      : null,
  );
}

function projectsBlock(projects) {
  return block(
    t('member.projects'),
    'member-projects',
    projects.length
      ? h(
          'ul',
          { class: 'member-list' },
          projects.map((p) =>
            h(
              'li',
              { class: 'member-item', 'data-testid': 'project-row' },
              h('strong', { text: p.title }),
              h('span', {
                class: 'member-line',
                text: [labels('skill', p.skills), p.grids.map((g) => g.name).join('、'), labels('slot', p.availability)]
                  .filter(Boolean)
                  .join(' · '),
              }),
              p.description ? h('span', { text: p.description }) : null,
            ),
          ),
        )
      : h('p', { class: 'muted', text: t('member.no_projects') }),
  );
}

/** The screen for #/members/me. */
export function memberMineScreen() {
  const body = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'member-mine' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('member.mine_title') }),
    flashNote(),
    body,
  );
  async function draw() {
    let state;
    try {
      state = await loadMine();
    } catch (err) {
      body.replaceChildren(loadFailed(err, draw));
      return;
    }
    const { mine } = state;
    body.replaceChildren(
      h(
        'div',
        { class: 'cards' },
        keptNote(state),
        mine.members.length ? null : h('p', { class: 'muted', 'data-testid': 'member-none', text: t('member.none') }),
        ...mine.members.map((member) =>
          block(
            member.community_name,
            'membership',
            unitBlock(unitOf(mine, member), member),
            reportLink({ memberId: member.id, testid: 'report-mine' }),
            h('h3', { class: 'card__subtitle', text: t('member.profile_block') }),
            profileForm(member, state),
          ),
        ),
        projectsBlock(mine.projects),
        h('a', {
          class: 'btn btn--ghost btn--block',
          href: '#/members/join',
          'data-testid': 'open-join',
          text: t('member.join_another'),
        }),
      ),
    );
  }
  draw();
  return screen;
}
