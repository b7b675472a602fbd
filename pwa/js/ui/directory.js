// 网格名册: the households and residents of the worker's grids, read from IndexedDB so it works
// in a stairwell with no signal. Search by building/unit/room or name, filter by care flag
// (独居老人, 低保, 残疾); phones are masked, and the full number is fetched on request, online
// only, and recorded by the server. Online, opening the screen also refreshes the kept copy.
import { loadDirectoryEntries, onDirectoriesChange, refreshDirectories } from '../directory.js';
import { buildIndex, CARE_FLAGS, countFlags, searchDirectory } from '../directory-search.js';
import { getLocale, t } from '../i18n.js';
import { isOnline, onNetworkChange } from '../net.js';
import { myGrids } from '../places.js';
import { h } from './dom.js';
import { groupDigits, phoneLine } from './phone-line.js';
import { placeMap } from './place-map.js';

export { groupDigits };

const PAGE = 40; // households drawn at a time: a cheap phone stays quick with ~600 in a grid

// What the worker typed and chose, kept while the app runs (back from a call, a language switch).
const view = { userId: null, query: '', flags: new Set(), gridId: '' };

/** "今天 09:12 更新", or "11月27日 09:12 更新": short enough to stay on the meta line at 360 px. */
function checkedText(ms, now = new Date()) {
  if (!ms) return '';
  const date = new Date(ms);
  const clock = new Intl.DateTimeFormat(getLocale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    date,
  );
  if (date.toDateString() === now.toDateString()) return t('directory.checked_today', { time: clock });
  const day = new Intl.DateTimeFormat(getLocale(), { month: 'numeric', day: 'numeric' }).format(date);
  return t('directory.checked_at', { time: `${day} ${clock}` });
}

function careChip(flag) {
  return h('span', {
    class: `care-chip care-chip--${flag}`,
    'data-testid': 'care-flag',
    'data-flag': flag,
    text: t(`care.${flag}`),
  });
}

/** "户主 · 女 · 85岁": who the person is in the household, as a worker asks at the door. */
function personFacts(resident) {
  const facts = [];
  if (resident.relation) facts.push(t(`resident.relation.${resident.relation}`));
  if (resident.gender === 'M' || resident.gender === 'F') facts.push(t(`directory.gender.${resident.gender}`));
  if (resident.birth_year) facts.push(t('directory.age', { age: new Date().getFullYear() - resident.birth_year }));
  return facts.join(' · ');
}

function residentItem(resident, revealed) {
  const flags = (resident.care_flags ?? []).filter((flag) => CARE_FLAGS.includes(flag));
  return h(
    'li',
    { class: 'person', 'data-testid': 'resident', 'data-id': resident.id },
    // Care flags beside the name: what a worker scans for first; they wrap below when long.
    h(
      'p',
      { class: 'person__head' },
      h('span', { class: 'person__name', text: resident.name }),
      h('span', { class: 'person__facts', text: personFacts(resident) }),
      flags.map(careChip),
    ),
    phoneLine(resident, revealed),
  );
}

function householdCard(entry, { showCompound, revealed, me }) {
  const { household, building, compound } = entry;
  const address = [building?.name, household.unit, household.room].filter(Boolean).join(' ');
  const residents = household.residents ?? [];
  return h(
    'li',
    { class: 'household-card', 'data-testid': 'household', 'data-id': household.id },
    showCompound && compound ? h('p', { class: 'household-card__compound', text: compound.name }) : null,
    h('h2', { class: 'household-card__address', text: address }),
    residents.length
      ? h(
          'ul',
          { class: 'household-card__people' },
          residents.map((r) => residentItem(r, revealed)),
        )
      : h('p', { class: 'muted', text: t('directory.no_residents') }),
    // 在地图上查看: where maps are configured and the compound has coordinates (issue 15).
    placeMap({ me, compound, testid: 'household-map', collapsed: true }),
    // 邀请住户: an invitation for this household, made on the phone (ui/invite.js, PROTOCOL.md §19).
    h('a', {
      class: 'btn btn--ghost household-card__invite',
      href: `#/invite/${household.id}`,
      'data-testid': 'invite-household',
      text: t('join.invite.open'),
    }),
    // 重置密码: a one-time code for a resident who forgot theirs (ui/reset-code.js, §19.5; online).
    h('a', {
      class: 'btn btn--ghost household-card__invite',
      href: '#/accounts/reset-code?from=directory',
      'data-testid': 'reset-code-household',
      text: t('accounts.reset.open'),
    }),
  );
}

/** The screen at #/directory; props {me, stale} as app.js gives every signed-in screen. */
export function directoryScreen({ me, stale = false }) {
  if (view.userId !== me.user?.id)
    Object.assign(view, { userId: me.user?.id, query: '', flags: new Set(), gridId: '' });
  const revealed = new Map(); // resident id -> full number, while this screen is open; never stored
  const meta = h('p', { class: 'directory__meta', 'data-testid': 'directory-meta' });
  const notice = h('p', { class: 'note directory__notice', 'data-testid': 'directory-notice', hidden: true });
  const problem = h('p', { class: 'alert', role: 'alert', 'data-testid': 'directory-error' });
  const gridPicker = h('div', { class: 'field directory__grids', hidden: true });
  const search = h('input', {
    id: 'directory-search',
    type: 'search',
    class: 'field__input',
    'data-testid': 'directory-search',
    value: view.query,
    enterkeyhint: 'search',
    autocomplete: 'off',
    placeholder: t('directory.search_placeholder'),
    'aria-describedby': 'directory-search-hint',
  });
  const chips = h('div', { class: 'care-filters', role: 'group', 'aria-label': t('directory.filters_label') });
  const count = h('p', { class: 'directory__count', 'data-testid': 'directory-count', 'aria-live': 'polite' });
  const list = h('ul', { class: 'household-list', 'data-testid': 'household-list' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'directory-more',
    hidden: true,
  });
  const body = h(
    'div',
    { class: 'directory__body', hidden: true },
    gridPicker,
    // Search and filters come first: with the keyboard up, the results must show right below.
    // The label is for screen readers; the placeholder and the one-line hint show what to type.
    h(
      'div',
      { class: 'directory__search' },
      h('label', { class: 'directory__sr-only', for: 'directory-search', text: t('directory.search_label') }),
      search,
      h('p', { class: 'directory__hint', id: 'directory-search-hint', text: t('directory.search_hint') }),
    ),
    chips,
    h(
      'div',
      { class: 'directory__summary' },
      count,
      h('p', { class: 'directory__phone-note', 'data-testid': 'phone-note', text: t('directory.phone_note') }),
    ),
    list,
    more,
  );
  const screen = h(
    'section',
    { class: 'screen directory', 'data-testid': 'directory' },
    h('a', { class: 'directory__back', href: '#/', 'data-testid': 'directory-back', text: t('directory.back') }),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('directory.title') }),
    meta,
    notice,
    problem,
    body,
  );

  let entries = [];
  let index = [];
  let shown = PAGE;
  let refreshing = false;

  function drawMeta() {
    const grids = entries.map((entry) => entry.data.grid?.name).filter(Boolean);
    const households = entries.reduce((sum, entry) => sum + (entry.data.households?.length ?? 0), 0);
    const checked = Math.min(...entries.map((entry) => entry.checked_at ?? entry.saved_at ?? 0));
    const parts = [];
    if (grids.length) parts.push(t('directory.meta', { grid: grids.join('、'), count: households }));
    if (refreshing) parts.push(t('directory.updating'));
    else if (entries.length) parts.push(checkedText(checked));
    meta.textContent = parts.join(' · ');
    const offline = !isOnline();
    notice.hidden = !(offline || (!entries.length && !refreshing));
    if (!myGrids(me).length) notice.textContent = t('directory.no_grids');
    else if (!entries.length)
      notice.textContent = refreshing ? '' : t(offline ? 'directory.none_offline' : 'directory.none_yet');
    else notice.textContent = t('directory.offline');
    if (!entries.length && refreshing) meta.textContent = t('directory.downloading');
  }

  function drawGridPicker() {
    gridPicker.hidden = entries.length < 2;
    if (gridPicker.hidden) {
      view.gridId = '';
      gridPicker.replaceChildren();
      return;
    }
    if (view.gridId && !entries.some((entry) => String(entry.grid_id) === view.gridId)) view.gridId = '';
    const select = h(
      'select',
      { id: 'directory-grid', class: 'field__input', 'data-testid': 'directory-grid' },
      h('option', { value: '', text: t('directory.all_grids') }),
      entries.map((entry) =>
        h('option', {
          value: String(entry.grid_id),
          selected: String(entry.grid_id) === view.gridId,
          text: entry.data.grid?.name ?? String(entry.grid_id),
        }),
      ),
    );
    select.addEventListener('change', () => {
      view.gridId = select.value;
      rebuild();
    });
    gridPicker.replaceChildren(
      h('label', { class: 'field__label', for: 'directory-grid', text: t('directory.grid_label') }),
      select,
    );
  }

  function drawChips() {
    const counts = countFlags(index);
    chips.replaceChildren(
      ...CARE_FLAGS.map((flag) => {
        const pressed = view.flags.has(flag);
        return h(
          'button',
          {
            type: 'button',
            class: `care-filter care-filter--${flag}`,
            'aria-pressed': String(pressed),
            'data-testid': 'care-filter',
            'data-flag': flag,
            onclick: () => {
              if (view.flags.has(flag)) view.flags.delete(flag);
              else view.flags.add(flag);
              shown = PAGE;
              drawChips();
              drawList();
            },
          },
          h('span', { text: t(`care.${flag}`) }),
          h('span', { class: 'care-filter__count', text: String(counts[flag]) }),
        );
      }),
    );
  }

  function drawList() {
    const found = searchDirectory(index, view.query, view.flags);
    const filtered = view.query.trim() || view.flags.size;
    count.textContent = filtered
      ? t('directory.count_found', { count: found.length })
      : t('directory.count_all', { count: found.length });
    const showCompound = new Set(index.map((entry) => entry.compound?.id)).size > 1;
    list.replaceChildren(
      ...(found.length
        ? found.slice(0, shown).map((entry) => householdCard(entry, { showCompound, revealed, me }))
        : [h('li', { class: 'empty-state', 'data-testid': 'directory-empty', text: t('directory.none_found') })]),
    );
    const rest = found.length - Math.min(shown, found.length);
    more.hidden = rest <= 0;
    more.textContent =
      rest > PAGE ? t('directory.more', { count: PAGE, rest }) : t('directory.more_rest', { count: rest });
  }

  function rebuild() {
    const chosen = view.gridId ? entries.filter((entry) => String(entry.grid_id) === view.gridId) : entries;
    index = buildIndex(chosen.map((entry) => entry.data));
    shown = PAGE;
    drawChips();
    drawList();
  }

  async function load() {
    const mine = new Set(myGrids(me).map((grid) => grid.id));
    entries = (await loadDirectoryEntries()).filter((entry) => mine.has(entry.grid_id));
    body.hidden = !entries.length;
    drawMeta();
    drawGridPicker();
    rebuild();
  }

  async function refresh() {
    if (!isOnline() || refreshing || !myGrids(me).length) return;
    refreshing = true;
    drawMeta();
    // The offline copy of /api/me may predate a change of grids: drop nothing on its word.
    let result;
    try {
      result = await refreshDirectories(me, { prune: !stale });
    } finally {
      refreshing = false;
    }
    const failure = result.failed[0]?.error;
    // Offline is said by the notice; other failures (e.g. a server error) here, over the kept copy.
    problem.textContent =
      failure && failure.code !== 'offline' ? t('directory.refresh_failed', { message: failure.message }) : '';
    drawMeta(); // a new copy was drawn by the onDirectoriesChange listener below
  }

  search.addEventListener('input', () => {
    view.query = search.value;
    shown = PAGE;
    drawList();
  });
  more.addEventListener('click', () => {
    shown += PAGE;
    drawList();
  });
  // Screens are replaced wholesale: a listener finding its screen gone stops itself.
  const stopData = onDirectoriesChange(() => {
    if (!screen.isConnected) return stopData();
    return load().catch((err) => console.warn('could not read the grid directory', err));
  });
  const stopNetwork = onNetworkChange((online) => {
    if (!screen.isConnected) return stopNetwork();
    drawMeta();
    return online ? refresh().catch((err) => console.warn('directory refresh failed', err)) : null;
  });

  load()
    .catch((err) => {
      console.error('could not read the grid directory', err);
      problem.textContent = t('directory.load_failed');
    })
    .then(refresh)
    .catch((err) => console.warn('directory refresh failed', err));
  return screen;
}
