// 报到 (#/members/join): the code the community gave → what it is for → the form. A unit code
// registers the unit (its name, kind, party organisation, contact, the grids it serves) and makes
// me its secretary; a member code joins a unit or the community. Either way with my skills and
// when I can serve. Online only (the code is checked and used on the server, PROTOCOL.md §17.2).
import { MEMBERS } from '../constants.js';
import { t } from '../i18n.js';
import { checkCode, keepMine, loadMine, report } from '../member-data.js';
import { options, profileProblems, typedCode, unitProblems } from '../members.js';
import { errorText, inputField, selectField, setFlash, showFieldErrors, textField } from './admin-common.js';
import { h } from './dom.js';
import { gridChoices, profileFields, saveButton, statusLine } from './member-parts.js';
import { navigate } from './nav.js';
import { backLink, block } from './wish-parts.js';

function unitFields(grids) {
  const name = inputField({
    label: t('member.field.unit_name'),
    testid: 'unit-name',
    maxlength: MEMBERS.NAME_MAX,
    required: true,
  });
  const kind = selectField({
    label: t('member.field.unit_kind'),
    testid: 'unit-kind',
    options: [{ value: '', label: t('member.choose') }, ...options('unit_kind')],
    required: true,
  });
  const partyOrg = inputField({
    label: t('member.field.party_org'),
    testid: 'unit-party-org',
    maxlength: MEMBERS.NAME_MAX,
    required: true,
    placeholder: t('member.party_org_placeholder'),
  });
  const contactName = inputField({
    label: t('member.field.contact_name'),
    testid: 'unit-contact-name',
    maxlength: MEMBERS.PERSON_MAX,
    required: true,
  });
  const contactPhone = inputField({
    label: t('member.field.contact_phone'),
    testid: 'unit-contact-phone',
    type: 'tel',
    required: true,
  });
  const about = textField({
    label: t('member.field.about'),
    testid: 'unit-about',
    maxlength: MEMBERS.TEXT_MAX,
    rows: 2,
  });
  const gridIds = gridChoices({ grids, testid: 'unit-grids' });
  const byName = {
    name,
    kind,
    party_org: partyOrg,
    contact_name: contactName,
    contact_phone: contactPhone,
    about,
    grid_ids: gridIds,
  };
  return {
    elements: [name, kind, partyOrg, contactName, contactPhone, about, gridIds],
    byName,
    values: () => ({
      name: name.input.value.trim(),
      kind: kind.input.value,
      party_org: partyOrg.input.value.trim(),
      contact_name: contactName.input.value.trim(),
      contact_phone: contactPhone.input.value.replace(/\s/g, ''),
      about: about.input.value.trim() || null,
      grid_ids: gridIds.value.map(Number),
    }),
  };
}

function registrationForm(code, what) {
  const unit = what.kind === 'unit' ? unitFields(what.grids ?? []) : null;
  const profile = profileFields({}, 'profile');
  const status = statusLine('join-error');
  const submit = saveButton('join-submit', t(unit ? 'member.join_unit_submit' : 'member.join_submit'));
  const form = h(
    'form',
    { class: 'form', novalidate: true, 'data-testid': 'join-form' },
    h('p', {
      class: 'note',
      'data-testid': 'join-what',
      text: t(
        unit ? 'member.code_for_unit' : what.unit_name ? 'member.code_for_member_unit' : 'member.code_for_member',
        {
          community: what.community_name,
          unit: what.unit_name ?? '',
        },
      ),
    }),
    unit ? block(t('member.unit_block'), 'join-unit', ...unit.elements) : null,
    block(t('member.profile_block'), 'join-profile', ...profile.elements),
    status,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    const unitValues = unit?.values();
    const profileValues = profile.values();
    const problems = { ...(unit ? unitProblems(unitValues) : {}), ...profileProblems(profileValues) };
    if (Object.keys(problems).length) {
      for (const [name, text] of Object.entries(problems)) (unit?.byName[name] ?? profile.byName[name])?.setError(text);
      status.textContent = t('member.fix_fields');
      return;
    }
    submit.disabled = true;
    try {
      await report({ code, ...(unit ? { unit: unitValues } : {}), profile: profileValues });
      const { mine } = await loadMine();
      await keepMine(mine);
      setFlash(t('member.joined', { community: what.community_name }));
      navigate('/members/me');
    } catch (err) {
      const fields = { ...(err.fields ?? {}) };
      const nested = { ...(fields.unit ?? {}), ...(fields.profile ?? {}) };
      delete fields.unit;
      delete fields.profile;
      status.textContent = showFieldErrors(
        { ...err, message: errorText(err), fields: { ...fields, ...nested } },
        {
          ...(unit?.byName ?? {}),
          ...profile.byName,
          'unit.grid_ids': unit?.byName.grid_ids,
        },
      );
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The screen for #/members/join (?code= fills the code in). */
export function memberJoinScreen({ query }) {
  const codeField = inputField({
    label: t('member.field.code'),
    testid: 'join-code',
    value: query?.get('code') ?? '',
    placeholder: 'ABCD-EFGH',
    hint: t('member.code_hint'),
  });
  codeField.input.autocapitalize = 'characters';
  const check = h('button', {
    type: 'submit',
    class: 'btn btn--primary btn--big btn--block',
    'data-testid': 'join-check',
    text: t('member.check_code'),
  });
  const rest = h('div', {});
  const codeForm = h('form', { class: 'form', novalidate: true }, codeField, check);
  codeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = typedCode(codeField.input.value);
    if (!code) {
      codeField.setError(t('member.code_shape'));
      return;
    }
    check.disabled = true;
    rest.replaceChildren();
    try {
      const what = await checkCode(code);
      rest.replaceChildren(registrationForm(code, what));
    } catch (err) {
      codeField.setError(err.fields?.code?.join(' ') || errorText(err));
    } finally {
      check.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'screen', 'data-testid': 'member-join' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('member.join_title') }),
    h('p', { class: 'muted', text: t('member.join_about') }),
    codeForm,
    rest,
  );
}
