// The December evaluation's scoring form as the evaluator's phone sees it (PROTOCOL.md §20):
// which subjects they score (never themselves or their own unit), how far they got, what is
// missing before submitting, and the four buttons' scores. Pure: the screens and node tests use it.

import { EVALUATION } from './constants.js';

// The form's four buttons, best first, and the score each sends (server/evaluation/scoring.py).
export const FORM_CHOICES = EVALUATION.FORM_SCORES;

/** The button a stored score stands for: the grade its band reads as (a score sent by another client too). */
export function choiceOf(score) {
  if (score == null) return null;
  return EVALUATION.GRADE_FLOORS.find(([floor]) => score >= floor)[1];
}

export const scoreOf = (choice) => FORM_CHOICES.find(([name]) => name === choice)?.[1] ?? null;

/** The round's subjects for this evaluator: units and members to score, and their own (not scored). */
export function formSubjects(round, userId) {
  const own = (subject) => (subject.account_ids ?? []).includes(userId);
  const subjects = round?.subjects ?? [];
  return {
    units: subjects.filter((s) => s.kind === 'unit' && !own(s)),
    members: subjects.filter((s) => s.kind === 'member' && !own(s)),
    own: subjects.filter(own),
  };
}

/** The subjects still without a score: what stands between the form and 提交. */
export function missingScores(scores, round, userId) {
  const { units, members } = formSubjects(round, userId);
  return [...units, ...members].filter((s) => scores?.[s.key] == null).map((s) => s.key);
}

/** {scored, total} of this evaluator's form. */
export function formProgress(scores, round, userId) {
  const { units, members } = formSubjects(round, userId);
  const total = units.length + members.length;
  return { scored: total - missingScores(scores, round, userId).length, total };
}

/** The forms still to fill: of open rounds, not submitted. */
export const formsToFill = (forms) =>
  forms.filter(({ item, round }) => round?.status === 'open' && item.ballot.status !== 'submitted').length;
