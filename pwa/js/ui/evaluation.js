// 年度评议 on the evaluator's phone (PROTOCOL.md §20): #/evaluation lists my scoring forms;
// #/evaluation/<id> is one form — each unit and member with their year (hours, services, the
// residents' stars) and four big buttons (优秀 / 合格 / 基本合格 / 不合格); 保存 keeps a draft,
// 提交 needs every subject scored. Both are outbox entries: a form is filled in with no signal
// and sent with the next sync; a refusal (the round closed meanwhile) stays in sight in words.
import { EVALUATION } from '../constants.js';
import { choiceOf, FORM_CHOICES, formProgress, formSubjects, missingScores, scoreOf } from '../evaluation.js';
import { saveForm } from '../evaluation-actions.js';
import { loadForm, loadForms } from '../evaluation-data.js';
import { t } from '../i18n.js';
import { choiceGroup } from './choices.js';
import { h } from './dom.js';
import { dateTime } from './format.js';
import { saveFailed, textArea } from './task-complete.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';
import { backLink, block, followedDetail, pendingNote, refusedNotes, row } from './wish-parts.js';

const statusText = (item, round) =>
  round?.status !== 'open'
    ? t('evaluation.round_closed')
    : item.ballot.status === 'submitted'
      ? t('evaluation.submitted')
      : t('evaluation.to_fill');

/** The screen for #/evaluation: my forms, the open rounds' first. */
export function evaluationListScreen() {
  const list = h('div', {}, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'evaluation-forms' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('evaluation.title') }),
    h('p', { class: 'muted', text: t('evaluation.about') }),
    list,
  );
  async function draw() {
    const forms = await loadForms();
    list.replaceChildren(
      forms.length
        ? h(
            'ul',
            { class: 'task-list' },
            forms.map(({ item, round }) =>
              row({
                href: `#/evaluation/${encodeURIComponent(item.id)}`,
                testid: 'evaluation-row',
                id: item.id,
                status: round?.status === 'open' ? item.ballot.status : 'closed',
                chips: [h('span', { class: 'chip', text: statusText(item, round) }), syncBadges(item)],
                title: round?.title ?? t('evaluation.title'),
                line: round?.closes_on ? t('evaluation.closes_on', { day: round.closes_on }) : '',
              }),
            ),
          )
        : h('p', { class: 'muted empty', 'data-testid': 'evaluation-none', text: t('evaluation.none') }),
    );
  }
  draw().catch((err) => {
    console.error('could not read the evaluation forms', err);
    list.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}

/** "服务 14 小时 · 2 次 · 居民评价 5.0 星" (a unit: per member, and how many members). */
function factsLine(subject) {
  const f = subject.facts ?? {};
  const parts = [
    t(subject.kind === 'unit' ? 'evaluation.facts_unit' : 'evaluation.facts', {
      hours: f.hours ?? 0,
      services: f.services ?? 0,
      members: f.members ?? 0,
    }),
    f.rating != null ? t('evaluation.facts_rating', { rating: Number(f.rating).toFixed(1) }) : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

function subjectField(subject, scores, locked, onChange) {
  const group = choiceGroup({
    legend: subject.name,
    options: FORM_CHOICES.map(([value]) => ({ value, label: t(`evaluation.grade.${value}`) })),
    value: choiceOf(scores[subject.key]),
    columns: 2,
    testid: `score-${subject.key.replace(':', '-')}`,
    onChange: (choice) => onChange(subject.key, scoreOf(choice)),
  });
  group.classList.add('evaluation-subject');
  group.querySelector('legend').after(h('p', { class: 'field__hint', text: factsLine(subject) }));
  if (locked) for (const input of group.querySelectorAll('input')) input.disabled = true;
  return group;
}

function formBody(found, me, state) {
  const { item, round, refused } = found;
  const open = round?.status === 'open';
  const { units, members, own } = formSubjects(round, me.user.id);
  const scores = state.scores;
  const progress = h('p', { class: 'note', 'data-testid': 'evaluation-progress' });
  const showProgress = () => {
    const { scored, total } = formProgress(scores, round, me.user.id);
    progress.textContent = t('evaluation.progress', { scored, total });
  };
  showProgress();
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'evaluation-error' });
  const change = (key, score) => {
    scores[key] = score;
    state.dirty = true;
    alert.textContent = '';
    showProgress();
  };
  const comment = textArea({
    label: t('evaluation.comment'),
    testid: 'evaluation-comment',
    maxlength: EVALUATION.COMMENT_MAX,
    placeholder: t('evaluation.comment_placeholder'),
  });
  comment.input.value = item.ballot.comment ?? '';
  comment.input.addEventListener('input', () => {
    state.dirty = true;
  });
  const button = (testid, text, kind, submit) => {
    const el = h('button', { type: 'button', class: `btn ${kind} btn--big btn--block`, 'data-testid': testid, text });
    el.addEventListener('click', async () => {
      const missing = missingScores(scores, round, me.user.id);
      alert.textContent = submit && missing.length ? t('evaluation.missing', { count: missing.length }) : '';
      if (submit && missing.length) {
        document.querySelector(`[data-testid="score-${missing[0].replace(':', '-')}"]`)?.scrollIntoView();
        return;
      }
      el.disabled = true;
      try {
        await saveForm(item.id, { scores, comment: comment.input.value, submit });
        state.dirty = false;
        alert.textContent = '';
        window.scrollTo(0, 0);
      } catch (err) {
        saveFailed({ alert, busy: (on) => (el.disabled = on) }, 'could not save the form', err);
      } finally {
        el.disabled = false;
      }
    });
    return el;
  };
  return [
    h('div', { class: 'detail__chips' }, h('span', { class: 'chip', text: statusText(item, round) }), syncBadges(item)),
    h('h1', { class: 'screen__title', tabindex: '-1', text: round?.title ?? t('evaluation.title') }),
    refusedNotes(refused),
    pendingNote(item),
    h('p', { class: 'muted', text: t(`evaluation.group_about.${item.ballot.group}`) }),
    item.ballot.submitted_at
      ? h('p', { class: 'note', text: t('evaluation.submitted_on', { when: dateTime(item.ballot.submitted_at) }) })
      : null,
    progress,
    units.length
      ? block(
          t('evaluation.units'),
          'evaluation-units',
          units.map((s) => subjectField(s, scores, !open, change)),
        )
      : null,
    members.length
      ? block(
          t('evaluation.members'),
          'evaluation-members',
          members.map((s) => subjectField(s, scores, !open, change)),
        )
      : null,
    own.length
      ? h('p', { class: 'muted', text: t('evaluation.own', { names: own.map((s) => s.name).join('、') }) })
      : null,
    open
      ? h(
          'div',
          { class: 'savebar' },
          comment,
          alert,
          button('evaluation-submit', t('evaluation.submit'), 'btn--primary', true),
          button('evaluation-save', t('evaluation.save_draft'), 'btn--secondary', false),
          h('p', { class: 'muted savebar__hint', text: t('form.offline_hint') }),
        )
      : h('p', { class: 'note', 'data-testid': 'evaluation-closed', text: t('evaluation.closed_note') }),
  ];
}

/** The screen for #/evaluation/<id>: one scoring form. */
export function evaluationFormScreen({ params, me }) {
  const state = { scores: {}, dirty: false };
  return followedDetail({
    testid: 'evaluation-form',
    back: backLink('/evaluation', t('evaluation.back')),
    missingTestid: 'evaluation-missing',
    entity: 'evaluation_ballot',
    what: 'evaluation form',
    read: async () => {
      const found = await loadForm(params.id);
      if (!found.item) return null;
      return {
        key: JSON.stringify([found.item.record.version, found.item.ballot, found.round?.status, found.refused.length]),
        busy: () => state.dirty,
        draw: () => {
          state.scores = { ...(found.item.ballot.scores ?? {}) };
          return formBody(found, me, state);
        },
      };
    },
  });
}
