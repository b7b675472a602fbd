// 心愿墙 of a volunteer (#/wall): the community's cards waiting for someone (the soonest wanted
// first), then the ones I claimed — a claim made offline and not answered yet, or refused
// because another volunteer came first, stays in this list with its badge until I settle it.
// Read from IndexedDB (offline too), drawn again as pulls bring new cards.
import { t } from '../i18n.js';
import { loadCards } from '../wish-data.js';
import { wallSections } from '../wishes.js';
import { h } from './dom.js';
import { listSection } from './inspection-parts.js';
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
  async function draw() {
    const { open, mine } = wallSections(await loadCards(), me.user.id);
    lists.replaceChildren(
      ...[
        listSection({ name: 'open', title: t('wish.wall_open'), rows: open.map(cardRow), testid: 'wall-open' }),
        open.length ? null : h('p', { class: 'muted empty', 'data-testid': 'wall-empty', text: t('wish.wall_none') }),
        mine.length
          ? listSection({ name: 'mine', title: t('wish.wall_mine'), rows: mine.map(cardRow), testid: 'wall-mine' })
          : null,
      ].filter(Boolean),
    );
  }
  draw().catch((err) => {
    console.error('could not read the wall', err);
    lists.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
