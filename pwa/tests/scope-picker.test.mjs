import assert from 'node:assert/strict';
import { test } from 'node:test';

test('hits are grouped in runs of the same parent path, the city left out', async () => {
  const { groupHits } = await import('../js/ui/scope-picker.js');
  const city = { id: 1, kind: 'city', name: '许昌市' };
  const street = { id: 3, kind: 'street', name: '文峰街道' };
  const hexi = { id: 4, kind: 'community', name: '河西社区' };
  const groups = groupHits([
    { scope_type: 'org_unit', id: 5, kind: 'grid', name: '第一网格', path: [city, street, hexi] },
    { scope_type: 'compound', id: 9, kind: 'compound', name: '河西小区', path: [city, street, hexi] },
    { scope_type: 'org_unit', id: 4, kind: 'community', name: '河西社区', path: [city, street] },
    { scope_type: 'company', id: 2, kind: 'company', name: '万家物业', path: [] },
  ]);
  assert.deepEqual(
    groups.map((g) => [g.label, g.hits.map((hit) => hit.id)]),
    [
      ['文峰街道 › 河西社区', [5, 9]],
      ['文峰街道', [4]],
      ['scope_picker.companies', [2]],
    ],
  );
});
