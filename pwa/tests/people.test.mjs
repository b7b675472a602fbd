// The people and audit screens' filters and names without a browser (js/people.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

const people = await import('../js/people.js');

test('each role asks the picker for its kind of scope', () => {
  assert.deepEqual(people.scopeKinds('grid_worker'), ['grid']);
  assert.deepEqual(people.scopeKinds('volunteer'), ['community']);
  assert.deepEqual(people.scopeKinds('red_steward'), ['compound']);
  assert.deepEqual(people.scopeKinds('property_staff'), ['company']);
  assert.ok(people.scopeKinds('admin').includes('street'));
});

test('the people filters go from the address to the API and back, bad values dropped', () => {
  const filters = people.peopleFilters(new URLSearchParams('q= 张 &role=grid_worker&active=false&scope=4&page=2'));
  assert.deepEqual(filters, { q: '张', role: 'grid_worker', active: 'false', scope: '4', page: '2' });
  assert.equal(people.peoplePath(filters), '/admin/people?q=%E5%BC%A0&role=grid_worker&active=false&scope=4&page=2');
  assert.equal(
    people.peopleApiQuery(filters).toString(),
    'page=2&per_page=20&q=%E5%BC%A0&role=grid_worker&active=false&scope_id=4',
  );
  assert.deepEqual(people.peopleFilters(new URLSearchParams('role=king&active=maybe&scope=x&page=1')), {});
  assert.equal(people.peoplePath({ page: 1 }), '/admin/people');
});

test('the audit filters keep days and actions, and times read in Beijing', () => {
  const filters = people.auditFilters(new URLSearchParams('action=role.grant,role.revoke&since=2026-12-01&until=x'));
  assert.deepEqual(filters, { action: 'role.grant,role.revoke', since: '2026-12-01' });
  assert.equal(
    people.auditPath({ ...filters, page: 3 }),
    '/admin/audit?action=role.grant%2Crole.revoke&since=2026-12-01&page=3',
  );
  assert.equal(people.beijingTime('2026-12-06T16:30:00Z'), '2026-12-07 00:30');
  assert.equal(new Set(people.AUDIT_ACTIONS).size, people.AUDIT_ACTIONS.length);
});
