// The scoring form's logic (js/evaluation.js): whom an evaluator scores, what is missing before
// submitting, the four buttons and the scores they send (server/evaluation/scoring.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choiceOf, formProgress, formSubjects, formsToFill, missingScores, scoreOf } from '../js/evaluation.js';
import { formFields } from '../js/evaluation-actions.js';

const round = {
  status: 'open',
  subjects: [
    { key: 'unit:1', kind: 'unit', name: '供电公司党委', account_ids: [7, 8] },
    { key: 'member:7', kind: 'member', name: '孙磊', account_ids: [7], unit_key: 'unit:1' },
    { key: 'member:9', kind: 'member', name: '党员乙', account_ids: [9] },
  ],
};

test('an evaluator scores neither themselves nor their own unit', () => {
  const { units, members, own } = formSubjects(round, 7);
  assert.deepEqual(units, []);
  assert.deepEqual(
    members.map((s) => s.key),
    ['member:9'],
  );
  assert.deepEqual(
    own.map((s) => s.key),
    ['unit:1', 'member:7'],
  );
  assert.equal(formSubjects(round, 3).members.length, 2); // a resident scores everyone
});

test('what is missing before submitting, and the progress', () => {
  assert.deepEqual(missingScores({}, round, 3), ['unit:1', 'member:7', 'member:9']);
  assert.deepEqual(missingScores({ 'unit:1': 95, 'member:7': 0 }, round, 3), ['member:9']);
  assert.deepEqual(formProgress({ 'unit:1': 95 }, round, 3), { scored: 1, total: 3 });
  assert.deepEqual(formProgress({ 'member:9': 45 }, round, 7), { scored: 1, total: 1 });
});

test('the four buttons and the scores they stand for', () => {
  assert.deepEqual(['excellent', 'competent', 'basic', 'failing'].map(scoreOf), [95, 82, 67, 45]);
  assert.deepEqual([100, 90, 89, 75, 74, 60, 59, 0, null].map(choiceOf), [
    'excellent',
    'excellent',
    'competent',
    'competent',
    'basic',
    'basic',
    'failing',
    'failing',
    null,
  ]);
});

test('a save and a submission; the forms still to fill', () => {
  assert.deepEqual(formFields({ scores: { 'member:9': 82 }, comment: '  ' }), {
    scores: { 'member:9': 82 },
    comment: null,
    status: 'open',
  });
  assert.equal(formFields({ scores: {}, submit: true }).status, 'submitted');
  const forms = [
    { item: { ballot: { status: 'open' } }, round },
    { item: { ballot: { status: 'submitted' } }, round },
    { item: { ballot: { status: 'open' } }, round: { ...round, status: 'closed' } },
  ];
  assert.equal(formsToFill(forms), 1);
});
