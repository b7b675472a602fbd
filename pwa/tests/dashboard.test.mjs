// The dashboard's pieces without a browser (js/dashboard-data.js, js/admin.js): a figure as shown,
// the address of a figure's records, and the task list's query for the addresses a dashboard links to.
import assert from 'node:assert/strict';
import { test } from 'node:test';

const { figureText, linkOf } = await import('../js/dashboard-data.js');
const admin = await import('../js/admin.js');

test('a figure as shown: counts as they are, rates as percentages, nothing as a dash', () => {
  assert.equal(figureText('done', 12), '12');
  assert.equal(figureText('hours', 2.5), '2.5');
  assert.equal(figureText('response_rate', 0.6667), '66.7%');
  assert.equal(figureText('satisfaction_rate', 1), '100%');
  assert.equal(figureText('resolution_rate', null), '—');
  assert.equal(figureText('mean_score', null), '—');
});

test("a figure's records: the child's address, or the total's", () => {
  const section = {
    links: { total: { done: '#/admin/tasks?status=done' }, units: { 7: { done: '#/admin/tasks?grid=7&status=done' } } },
  };
  assert.equal(linkOf(section, 'done'), '#/admin/tasks?status=done');
  assert.equal(linkOf(section, 'done', 7), '#/admin/tasks?grid=7&status=done');
  assert.equal(linkOf(section, 'open', 7), null);
  assert.equal(linkOf({}, 'done', 7), null);
});

test('the task list as a dashboard links to it: open tasks of a subtree', () => {
  const params = new URLSearchParams(admin.taskListQuery({ status: 'open', unitId: '4' }));
  assert.equal(params.get('open'), 'true');
  assert.equal(params.get('org_unit_id'), '4');
  assert.equal(params.has('status'), false);
});
