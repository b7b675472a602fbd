// A resident's latest notices on home (issue 15: a resident's home shows notices and their
// compound first): the newest entries of the synced inbox, unread first, read from IndexedDB
// (offline too) and drawn again as pulls bring more; 全部消息 leads to the whole inbox.
import { t } from '../i18n.js';
import { loadInbox } from '../inbox-data.js';
import { isResident } from '../wishes.js';
import { h } from './dom.js';
import { entryRow } from './inbox-row.js';
import { watchLocalData } from './watch.js';

const SHOWN = 3;

/** The section for residents, or null; settle: the home's (ui/settle.js). */
export function latestNotices({ me, settle = null }) {
  if (!isResident(me)) return null;
  const list = h('ul', { class: 'inbox-list' });
  const all = h('a', { class: 'section-link', href: '#/inbox', 'data-testid': 'home-notices-all' });
  const root = h(
    'section',
    { class: 'home-notices', 'data-testid': 'home-notices', 'aria-labelledby': 'home-notices-title' },
    h('h2', { class: 'section-title', id: 'home-notices-title' }, h('span', { text: t('home.notices') })),
    list,
    all,
  );
  const draw = async () => {
    const entries = await loadInbox();
    list.replaceChildren(
      ...(entries.length
        ? entries.slice(0, SHOWN).map(entryRow)
        : [h('li', { class: 'empty muted', 'data-testid': 'home-notices-none', text: t('home.notices_none') })]),
    );
    all.textContent = t('home.notices_all', { count: entries.length });
    all.hidden = entries.length <= SHOWN;
  };
  settle?.after(
    draw().catch((err) => console.warn('could not read the notices', err)),
    { node: root },
  );
  watchLocalData(root, draw);
  return root;
}
