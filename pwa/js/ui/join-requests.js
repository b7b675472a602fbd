// 入户申请 (#/join/requests): the grid worker's or community admin's queue of join requests for
// the compounds of their directory (PROTOCOL.md §19.3). For each, the address as the resident
// typed it; the households of the worker's directory in that compound that match it are offered
// (read from the directory on the phone); 通过 binds the resident to the one chosen, 退回 needs a
// reason the resident reads. Online: the server decides.
import { JOIN } from '../constants.js';
import { loadDirectoryEntries } from '../directory.js';
import { buildIndex, searchDirectory } from '../directory-search.js';
import { t } from '../i18n.js';
import { approveRequest, rejectRequest, requestQueue } from '../join.js';
import { groupDigits } from './directory.js';
import { h } from './dom.js';
import { textInput } from './wish-form.js';
import { backLink } from './wish-parts.js';

const MATCHES = 6; // households offered per request: a thumb picks among a few

function householdChoice(entry, requestId) {
  const { household, building } = entry;
  const id = `request-${requestId}-household-${household.id}`;
  const people = (household.residents ?? []).map((r) => r.name).join('、');
  return h(
    'label',
    { class: 'join__match', for: id, 'data-testid': 'request-household' },
    h('input', { type: 'radio', id, name: `request-${requestId}`, value: household.id }),
    h(
      'span',
      { class: 'join__match-text' },
      h('span', { text: [building?.name, household.unit, household.room].filter(Boolean).join(' ') }),
      people ? h('span', { class: 'muted', text: people }) : null,
    ),
  );
}

function requestCard(request, index, onDone) {
  const inCompound = index.filter((entry) => entry.compound?.id === request.compound_id);
  const typed = [request.building, request.unit, request.room].filter(Boolean).join(' ');
  const search = textInput({ label: t('join.queue.find'), testid: 'request-find', value: typed });
  search.input.setAttribute('type', 'search');
  const matches = h('div', { class: 'join__matches', 'data-testid': 'request-matches' });
  const drawMatches = () => {
    const found = searchDirectory(inCompound, search.input.value).slice(0, MATCHES);
    matches.replaceChildren(
      ...(found.length
        ? found.map((entry) => householdChoice(entry, request.id))
        : [h('p', { class: 'muted', text: t('join.queue.no_match') })]),
    );
    matches.querySelector('input')?.setAttribute('checked', '');
  };
  search.input.addEventListener('input', drawMatches);
  drawMatches();
  const alert = h('p', { class: 'alert', role: 'alert', 'data-testid': 'request-decide-error' });
  const approve = h('button', {
    type: 'button',
    class: 'btn btn--primary btn--block',
    'data-testid': 'request-approve',
    text: t('join.queue.approve'),
  });
  const reason = textInput({ label: t('join.queue.reason'), testid: 'request-reason', maxlength: JOIN.REASON_MAX });
  const reject = h('button', {
    type: 'button',
    class: 'btn btn--secondary btn--block',
    'data-testid': 'request-reject',
    text: t('join.queue.reject'),
  });
  const decide = async (send) => {
    alert.textContent = '';
    approve.disabled = reject.disabled = true;
    try {
      await send();
      onDone();
    } catch (err) {
      approve.disabled = reject.disabled = false;
      const fieldText = Object.values(err.fields ?? {})
        .flat()
        .join(' ');
      alert.textContent = err.code === 'offline' ? t('join.needs_network') : fieldText || err.message;
    }
  };
  approve.addEventListener('click', () => {
    const picked = matches.querySelector('input:checked');
    if (!picked) {
      alert.textContent = t('join.queue.pick');
      return;
    }
    decide(() => approveRequest(request.id, Number(picked.value)));
  });
  reject.addEventListener('click', () => {
    if (!reason.input.value.trim()) return reason.setError(t('join.queue.reason_needed'));
    decide(() => rejectRequest(request.id, reason.input.value));
  });
  return h(
    'li',
    { class: 'card join__queue-item', 'data-testid': 'join-request', 'data-id': request.id },
    h('h2', { class: 'card__title', text: request.name }),
    h('p', { class: 'join__request-address', text: `${request.compound_name} ${typed}` }),
    h('p', {}, h('a', { class: 'join__phone', href: `tel:${request.phone}`, text: groupDigits(request.phone) })),
    request.note ? h('p', { class: 'muted', text: request.note }) : null,
    h('div', { class: 'join__decide' }, search, matches, approve),
    h('div', { class: 'join__decide' }, reason, reject),
    alert,
  );
}

/** The screen at #/join/requests. */
export function joinRequestsScreen() {
  const list = h('ul', { class: 'join__queue', 'data-testid': 'join-queue' });
  const status = h('p', { class: 'muted', role: 'status', 'data-testid': 'join-queue-status', text: t('app.loading') });
  async function draw() {
    try {
      const [page, entries] = await Promise.all([requestQueue(), loadDirectoryEntries()]);
      const index = buildIndex(entries.map((entry) => entry.data));
      status.textContent = page.items.length ? '' : t('join.queue.empty');
      list.replaceChildren(...page.items.map((request) => requestCard(request, index, draw)));
    } catch (err) {
      status.textContent = err.code === 'offline' ? t('join.needs_network') : err.message;
    }
  }
  draw();
  return h(
    'section',
    { class: 'screen', 'data-testid': 'join-requests' },
    backLink('/', t('form.back_home')),
    h('h1', { class: 'screen__title', tabindex: '-1', text: t('join.queue.title') }),
    h('p', { class: 'muted', text: t('join.queue.lead') }),
    status,
    list,
  );
}
