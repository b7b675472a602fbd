// 地图 (#/map, issue 15): the open tasks on this phone (the worker's grids) by compound — a red
// disc per compound with its count on the map, and the same compounds as a list below it; a tap
// on a disc or a compound lists its tasks, each a link to the task. Reached from 我的任务 only
// when the deployment has a tile server. Offline the list works as it does everywhere, and the
// map's place says it needs the network.
import { t } from '../i18n.js';
import { mapSettings, openTasksByCompound } from '../maps.js';
import { isOnline } from '../net.js';
import { loadPlaces } from '../places.js';
import { loadItems } from '../task-data.js';
import { h } from './dom.js';
import { dueText } from './format.js';
import { goBack } from './nav.js';
import { showOffline } from './place-map.js';
import { typeChip } from './tasks.js';
import { watchLocalData } from './watch.js';

function taskLink(item, now) {
  const due = dueText(item.task, now);
  return h(
    'li',
    { class: 'map-task' },
    h(
      'a',
      { class: 'task-row__link', href: `#/tasks/${encodeURIComponent(item.id)}`, 'data-testid': 'map-task' },
      h('span', { class: 'task-row__chips' }, typeChip(item.task.type)),
      h('span', { class: 'task-row__title', text: item.task.title ?? '' }),
      h('span', { class: `task-row__due${due.overdue ? ' task-row__due--overdue' : ''}`, text: due.text }),
    ),
  );
}

/** The screen at #/map. */
export function taskMapScreen({ me }) {
  const settings = mapSettings(me);
  const box = h('div', { class: 'map-box map-box--tall', 'data-testid': 'task-map-box' });
  const chosen = h('section', { class: 'map-compound', 'data-testid': 'map-compound', 'aria-live': 'polite' });
  const list = h('ul', { class: 'map-compounds', 'data-testid': 'map-compounds' });
  const note = h('p', { class: 'muted', 'data-testid': 'map-unplaced' });
  const screen = h(
    'section',
    { class: 'screen task-map', 'data-testid': 'task-map' },
    h('a', {
      class: 'back',
      href: '#/',
      'data-testid': 'back',
      text: t('tasks.back'),
      onclick: (event) => {
        event.preventDefault();
        goBack('/');
      },
    }),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('map.tasks_title') }),
    settings ? box : h('p', { class: 'muted', 'data-testid': 'map-off', text: t('map.off') }),
    chosen,
    list,
    note,
  );
  let groups = [];
  let selected = null; // a compound's id
  let drawn = null;
  let module = null;

  function choose(id) {
    selected = id;
    drawChosen();
    chosen.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  function drawChosen() {
    const group = groups.find((g) => g.compound.id === selected);
    chosen.hidden = !group;
    if (!group) return chosen.replaceChildren();
    const now = new Date();
    return chosen.replaceChildren(
      h('h2', { class: 'section-title', text: t('map.compound_tasks', { name: group.compound.name }) }),
      h(
        'ul',
        { class: 'task-list' },
        group.items.map((item) => taskLink(item, now)),
      ),
    );
  }

  function drawList(unplaced) {
    list.replaceChildren(
      ...(groups.length
        ? groups.map((group) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  class: 'map-compounds__item',
                  'data-testid': 'map-compound-button',
                  'data-id': group.compound.id,
                  'aria-pressed': String(group.compound.id === selected),
                  onclick: () => choose(group.compound.id),
                },
                h('span', { text: group.compound.name }),
                h('span', { class: 'count', text: String(group.items.length) }),
              ),
            ),
          )
        : [h('li', { class: 'empty', 'data-testid': 'map-empty', text: t('map.none') })]),
    );
    note.textContent = unplaced ? t('map.unplaced', { count: unplaced }) : '';
  }

  async function drawMap() {
    const points = groups.map((group) => ({
      ...group.point,
      kind: 'compound',
      label: `${group.compound.name} ${t('map.open_count', { count: group.items.length })}`,
      count: group.items.length,
      onTap: () => choose(group.compound.id),
    }));
    if (drawn) {
      drawn.map.remove();
      drawn = null;
    }
    if (!settings || !points.length) return;
    if (!isOnline()) return void showOffline(box);
    box.dataset.state = 'loading';
    try {
      module ??= await import('./map-leaflet.js');
      if (!box.isConnected) return;
      box.replaceChildren();
      drawn = await module.drawMap(box, { settings, points, zoom: 16 });
      box.dataset.state = 'drawn';
    } catch (err) {
      console.warn('could not draw the map', err);
      showOffline(box);
    }
  }

  let shape = '';
  async function reload() {
    const [items, places] = await Promise.all([loadItems('task', 'task'), loadPlaces()]);
    const result = openTasksByCompound(items, places);
    groups = result.groups;
    drawList(result.unplaced);
    drawChosen();
    // The map is drawn again only when its discs change (a sync that changed nothing keeps it).
    const next = JSON.stringify(groups.map((g) => [g.compound.id, g.items.length]));
    if (next !== shape || !drawn) {
      shape = next;
      await drawMap();
    }
  }
  reload().catch((err) => {
    console.error('could not read the tasks', err);
    list.replaceChildren(h('li', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, reload);
  return screen;
}
