// What the 双报到 screens share: the grids as toggle buttons (choices.js's checkGroup), the
// profile's fields, a line of facts, the offline copy's note and the 双报告 link. Fields follow admin-common.js (.input, .setError) so the server's messages land on them.
import { MEMBERS } from '../constants.js';
import { t } from '../i18n.js';
import { loadMine } from '../member-data.js';
import { options, reportHref, yearSoFar } from '../members.js';
import { errorText, inputField, loadFailed, selectField } from './admin-common.js';
import { checkGroup } from './choices.js';
import { h } from './dom.js';
import { dateTime } from './format.js';

/** Which of the community's grids (N对1: several units serve one grid), one a row. */
export function gridChoices({ grids, chosen = [], testid }) {
  return checkGroup({
    legend: t('member.field.grids'),
    items: grids.map((g) => ({ value: g.id, label: g.name })),
    chosen,
    testid,
    columns: 1,
  });
}

/** The fields of a member's profile; .values() reads them, .byName places the server's messages. */
export function profileFields(profile = {}, prefix = 'profile') {
  const branch = inputField({
    label: t('member.field.branch'),
    testid: `${prefix}-branch`,
    value: profile.branch ?? '',
    maxlength: MEMBERS.NAME_MAX,
    placeholder: t('member.branch_placeholder'),
  });
  const skills = checkGroup({
    legend: t('member.field.skills'),
    items: options('skill'),
    chosen: profile.skills ?? [],
    columns: 3,
    testid: `${prefix}-skills`,
  });
  const note = inputField({
    label: t('member.field.skills_note'),
    testid: `${prefix}-skills-note`,
    value: profile.skills_note ?? '',
    maxlength: MEMBERS.NOTE_MAX,
    placeholder: t('member.skills_note_placeholder'),
  });
  const availability = checkGroup({
    legend: t('member.field.availability'),
    items: options('slot'),
    chosen: profile.availability ?? [],
    testid: `${prefix}-availability`,
  });
  const phone = inputField({
    label: t('member.field.phone'),
    testid: `${prefix}-phone`,
    type: 'tel',
    value: profile.phone ?? '',
    hint: t('member.phone_private'),
  });
  return {
    elements: [branch, skills, note, availability, phone],
    byName: { branch, skills, skills_note: note, availability, phone },
    values: () => ({
      branch: branch.input.value.trim() || null,
      skills: skills.value,
      skills_note: note.input.value.trim() || null,
      availability: availability.value,
      phone: phone.input.value.replace(/\s/g, '') || null,
    }),
  };
}

/** A <dl> of [label, value] pairs (empty values shown as —). */
export function facts(pairs, testid = null) {
  return h(
    'dl',
    { class: 'facts', 'data-testid': testid },
    pairs
      .filter(Boolean)
      .flatMap(([term, value, id]) => [
        h('dt', { text: term }),
        h('dd', { text: value || '—', 'data-testid': id ?? null }),
      ]),
  );
}

/** "离线：显示的是 … 时的信息，修改需要联网。" for a copy kept on the phone. */
export function keptNote({ offline, savedAt }) {
  return offline
    ? h('p', {
        class: 'note',
        role: 'status',
        'data-testid': 'members-kept',
        text: t('member.kept', { time: dateTime(savedAt) }),
      })
    : null;
}

/** The 双报告 of this year so far, opening the printable page in a new tab. */
export function reportLink({ memberId = null, unitId = null, testid }) {
  return h('a', {
    class: 'btn btn--secondary btn--block',
    href: reportHref({ memberId, unitId, ...yearSoFar() }),
    target: '_blank',
    rel: 'noopener',
    'data-testid': testid,
    text: t(unitId ? 'member.report_unit' : 'member.report_mine'),
  });
}

/** A big button for a form's end. */
export function saveButton(testid, text) {
  return h('button', { type: 'submit', class: 'btn btn--primary btn--big btn--block', 'data-testid': testid, text });
}

/** The line under a form: what went wrong, or that it was saved. */
export function statusLine(testid) {
  return h('p', { class: 'alert', role: 'alert', 'data-testid': testid });
}

/** A small button that asks first (when `confirm` is given), runs `action`, then `after`; a failure shows on it. */
export function actionButton({ testid, text, confirm = null, action, after }) {
  const button = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    'data-testid': testid,
    text,
    onclick: async () => {
      if (confirm && !window.confirm(confirm)) return;
      button.disabled = true;
      try {
        await action();
        after();
      } catch (err) {
        button.textContent = errorText(err);
        button.disabled = false;
      }
    },
  });
  return button;
}

/**
 * The body of an admin's screen of one community (报到管理, 供需对接): the communities they
 * administer (a chooser when several; ?community=<id> picks one), then load(communityId), then
 * draw({data, picker, communityId, redraw}, ...extra) — or the failure with a retry, or the line
 * that they administer none. Returns redraw(...extra).
 */
export function communityBody({ query, body, load, draw }) {
  let communityId = Number(query?.get('community')) || null;
  async function redraw(...extra) {
    let communities;
    let data;
    try {
      communities = (await loadMine()).mine.communities;
      communityId ??= communities[0]?.id ?? null;
      if (!communityId) {
        body.replaceChildren(h('p', { class: 'muted', text: t('member.admin_no_community') }));
        return;
      }
      data = await load(communityId);
    } catch (err) {
      body.replaceChildren(loadFailed(err, () => redraw()));
      return;
    }
    const picker =
      communities.length > 1
        ? selectField({
            label: t('member.community'),
            testid: 'admin-community',
            options: communities.map((c) => ({ value: c.id, label: c.name })),
            value: communityId,
          })
        : null;
    picker?.input.addEventListener('change', () => {
      communityId = Number(picker.input.value);
      redraw();
    });
    draw({ data, picker, communityId, redraw }, ...extra);
  }
  redraw();
  return redraw;
}
