// 心愿墙 of a volunteer (#/wall): the community's cards waiting for someone (the soonest wanted
// first), then the ones I claimed — a claim made offline and not answered yet, or refused
// because another volunteer came first, stays in this list with its badge until I settle it.
// Read from IndexedDB (offline too), drawn again as pulls bring new cards.
import { t } from '../i18n.js';
import { loadMine } from '../member-data.js';
import { isOnline } from '../net.js';
import { loadCards } from '../wish-data.js';
import { wallSections } from '../wishes.js';
import { h } from './dom.js';
import { listSection } from './inspection-parts.js';
import { budgetOf, drawSliced } from './sliced.js';
import { watchLocalData } from './watch.js';
import { backLink, cardRow } from './wish-parts.js';

/** The screen for #/wall. */
export function wallScreen({ me }) {
  const lists = h('div', { class: 'wall' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'wall' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('wish.wall_title') }),
    h('p', { class: 'muted', text: t('wish.wall_about') }),
    lists,
  );
  let drawn = 0; // draws so far: the slices of an older draw stop
  async function draw() {
    const items = await loadCards();
    performance.mark('redgrid:wall-read');
    const { open, mine } = wallSections(items, me.user.id);
    const budget = budgetOf(lists, '.task-row');
    const section = (name, title, rows) => {
      const node = listSection({ name, title, rows: [], total: rows.length, testid: `wall-${name}`, heading: 'h2' });
      return { node, list: node.querySelector('.task-list'), items: rows, row: cardRow };
    };
    // Mine first in the slicing (a handful, and the ones I act on), though drawn below the wall.
    const parts = [
      section('open', t('wish.wall_open'), open),
      mine.length ? section('mine', t('wish.wall_mine'), mine) : null,
    ].filter(Boolean);
    lists.replaceChildren(
      parts[0].node,
      open.length ? null : h('p', { class: 'muted empty', 'data-testid': 'wall-empty', text: t('wish.wall_none') }),
      parts[1]?.node ?? null,
    );
    const generation = ++drawn;
    drawSliced(parts.slice().reverse(), budget + mine.length, {
      current: () => generation === drawn && screen.isConnected,
      done: () => performance.mark('redgrid:wall-all'),
    });
    performance.mark('redgrid:wall-drawn');
  }
  // My units (双报到), kept on the phone for 以单位名义认领 on a card, offline too; refreshed when online.
  if (isOnline()) loadMine().catch(() => {});
  draw().catch((err) => {
    console.error('could not read the wall', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
