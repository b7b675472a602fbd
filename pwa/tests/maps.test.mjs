// Maps (issue 15, js/maps.js): whether the deployment has maps, where a task is (its compound's
// coordinates, by household or building), the worker's distance by haversine, and the grid's
// open tasks by compound for the map view.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import './support/setup.mjs';

const maps = await import('../js/maps.js');
const { indexDirectories } = await import('../js/places.js');

const places = indexDirectories([
  {
    grid: { id: 11, name: '河西社区第一网格' },
    compounds: [
      { id: 1, name: '河西小区', latitude: 34.0321, longitude: 113.8456 },
      { id: 2, name: '文峰苑', latitude: 34.0401, longitude: 113.8502 },
      { id: 3, name: '老街', latitude: null, longitude: null },
    ],
    buildings: [
      { id: 10, compound_id: 1, name: '1号楼' },
      { id: 20, compound_id: 2, name: '2号楼' },
      { id: 30, compound_id: 3, name: '3号楼' },
    ],
    households: [{ id: 100, building_id: 10, unit: '1单元', room: '101', residents: [] }],
  },
]);

test('maps are on only when /api/me names a tile server', () => {
  assert.equal(maps.mapSettings({ map: null }), null);
  assert.equal(maps.mapSettings({}), null);
  assert.deepEqual(maps.mapSettings({ map: { tile_url: 'https://t.example/{z}/{x}/{y}.png', attribution: '© 某' } }), {
    tileUrl: 'https://t.example/{z}/{x}/{y}.png',
    attribution: '© 某',
  });
});

test('a task is at its compound, found through its household or building', () => {
  assert.equal(maps.compoundOf({ household_id: 100 }, places).name, '河西小区');
  assert.equal(maps.compoundOf({ building_id: 20 }, places).name, '文峰苑');
  assert.equal(maps.compoundOf({ household_id: 999 }, places), null);
  assert.deepEqual(maps.compoundPoint(places.compounds.get(1)), { lat: 34.0321, lng: 113.8456 });
  assert.equal(maps.compoundPoint(places.compounds.get(3)), null, 'never surveyed: no point, not (0, 0)');
  assert.equal(maps.fixPoint({ lat: 91, lng: 0 }), null);
});

test('the distance is the great-circle one, said in 10 m steps or tenths of a km', () => {
  // One degree of latitude is 111.2 km on the mean sphere; 0.001° of it about 111 m.
  assert.ok(Math.abs(maps.distanceMetres({ lat: 34, lng: 113 }, { lat: 35, lng: 113 }) - 111195) < 5);
  const near = maps.distanceMetres({ lat: 34.0321, lng: 113.8456 }, { lat: 34.0331, lng: 113.8456 });
  assert.ok(Math.abs(near - 111.2) < 0.5, near);
  assert.deepEqual(maps.roundedDistance(near), { unit: 'm', value: 110 });
  assert.deepEqual(maps.roundedDistance(2), { unit: 'm', value: 10 });
  assert.deepEqual(maps.roundedDistance(2449), { unit: 'km', value: 2.4 });
});

test('the open tasks group by compound; closed ones and unplaced ones stay off the map', () => {
  const item = (id, task) => ({ id, task });
  const { groups, unplaced } = maps.openTasksByCompound(
    [
      item('a', { household_id: 100, status: 'assigned' }),
      item('b', { building_id: 10, status: 'in_progress' }),
      item('c', { building_id: 20 }),
      item('d', { building_id: 20, status: 'done' }),
      item('e', { building_id: 30, status: 'assigned' }),
    ],
    places,
  );
  assert.deepEqual(
    groups.map((g) => [g.compound.name, g.items.map((i) => i.id)]),
    [
      ['文峰苑', ['c']],
      ['河西小区', ['a', 'b']],
    ].sort((x, y) => x[0].localeCompare(y[0], 'zh-CN')),
  );
  assert.equal(unplaced, 1);
});
