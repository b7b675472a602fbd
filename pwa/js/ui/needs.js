// 我的诉求 of a resident (#/needs): their needs, newest first, each with its category, where it
// stands and its next deadline, and 提诉求 (#/needs/new). Read from IndexedDB (offline too) and
// drawn again as a pull brings the worker's answer.
import { t } from '../i18n.js';
import { loadNeeds } from '../need-data.js';
import { myNeeds } from '../needs.js';
import { h } from './dom.js';
import { needRow } from './need-parts.js';
import { watchLocalData } from './watch.js';
import { backLink } from './wish-parts.js';

/** The screen for #/needs. */
export function needsScreen({ me }) {
  const list = h('div', { class: 'need-list' }, h('p', { class: 'muted', text: t('app.loading') }));
  const screen = h(
    'section',
    { class: 'screen', 'data-testid': 'my-needs' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('need.mine_title') }),
    h('p', { class: 'muted', text: t('need.mine_about') }),
    h('a', {
      class: 'btn btn--primary btn--big btn--block',
      href: '#/needs/new',
      'data-testid': 'need-new',
      text: t('need.new'),
    }),
    list,
  );
  async function draw() {
    const items = myNeeds(await loadNeeds(), me.user.id);
    const now = new Date();
    list.replaceChildren(
      items.length
        ? h(
            'ul',
            { class: 'task-list', 'data-testid': 'need-list' },
            items.map((item) => needRow(item, now)),
          )
        : h('p', { class: 'muted empty', 'data-testid': 'needs-empty', text: t('need.none') }),
    );
  }
  draw().catch((err) => {
    console.error('could not read the needs', err);
    list.replaceChildren(h('p', { class: 'alert', role: 'alert', text: t('tasks.load_failed') }));
  });
  watchLocalData(screen, draw);
  return screen;
}
