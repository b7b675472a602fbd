// 微心愿 of a resident (#/wishes): their wishes, newest first, each with where it stands — the
// review (待审核 / 未通过 / 已合并 / 已撤回) and, once published, its card on the wall (待认领 …
// 已确认) — and 许个心愿 (#/wishes/new). Read from IndexedDB (offline too) and drawn again as a
// pull brings a review or a volunteer's claim.
import { t } from '../i18n.js';
import { loadCards, loadWishes } from '../wish-data.js';
import { myWishes, wishProgress } from '../wishes.js';
import { h } from './dom.js';
import { syncBadges } from './tasks.js';
import { watchLocalData } from './watch.js';
import { backLink, cardStatusChip, row, wantedByText, wishStatusChip } from './wish-parts.js';

function wishRow(item) {
  const { wish, card } = item;
  const progress = wishProgress(wish, card?.card);
  return row({
    href: `#/wishes/${encodeURIComponent(item.id)}`,
    testid: 'wish-row',
    id: item.id,
    status: progress.card ?? progress.wish,
    chips: [
      wishStatusChip(progress.wish, 'wish-status'),
      progress.card ? cardStatusChip(progress.card, 'wish-card-status') : null,
      syncBadges(item),
    ],
    title: wish.title ?? '',
    line: wantedByText(wish.wanted_by),
  });
}

/** The screen for #/wishes. */
export function wishesScreen({ me }) {
  const list = h('div', { class: 'wish-list' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'my-wishes' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('wish.mine_title') }),
    h('p', { class: 'muted', text: t('wish.mine_about') }),
    h('a', {
      class: 'btn btn--primary btn--big btn--block',
      href: '#/wishes/new',
      'data-testid': 'wish-new',
      text: t('wish.new'),
    }),
    list,
  );
  async function draw() {
    const [wishes, cards] = await Promise.all([loadWishes(), loadCards()]);
    const items = myWishes(wishes, cards, me.user.id);
    list.replaceChildren(
      items.length
        ? h('ul', { class: 'task-list', 'data-testid': 'wish-list' }, items.map(wishRow))
        : h('p', { class: 'muted empty', 'data-testid': 'wishes-empty', text: t('wish.none') }),
    );
  }
  draw().catch((err) => {
    console.error('could not read the wishes', err);
    list.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
