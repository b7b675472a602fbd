// 供需对接 (#/admin/matching), a community admin's: the three lists counted (群众需求, 单位资源,
// 服务项目), then each open need with the resources that suit it best and why ("技能：家电维修；同一
// 网格；周六上午有空"); 确认对接 in one tap makes it a service project and tells the unit's secretary
// and the grid worker (PROTOCOL.md §21). Online only, like every admin screen.
import { t } from '../i18n.js';
import { confirmMatch, loadMatching } from '../member-data.js';
import { adminFrame, errorText } from './admin-common.js';
import { h } from './dom.js';
import { communityBody } from './member-parts.js';

function figure(key, value, label) {
  return h(
    'div',
    { class: 'total', 'data-count': key },
    h('span', { class: 'total__value', 'data-testid': `matching-count-${key}`, text: String(value) }),
    h('span', { class: 'total__label', text: label }),
  );
}

function counts(c) {
  return h(
    'div',
    { class: 'card totals', 'data-testid': 'matching-counts' },
    h(
      'div',
      { class: 'totals__grid totals__grid--three' },
      figure('needs', c.needs, t('matching.count_needs')),
      figure('resources', c.resources, t('matching.count_resources')),
      figure('projects', c.projects, t('matching.count_projects')),
    ),
  );
}

function suggestionRow(item, suggestion, onConfirm) {
  const button = h('button', {
    type: 'button',
    class: 'btn btn--primary match__confirm',
    'data-testid': 'match-confirm',
    text: t('matching.confirm'),
  });
  const row = h(
    'li',
    { class: 'match', 'data-testid': 'match-suggestion', 'data-resource-id': suggestion.resource_id },
    h(
      'div',
      { class: 'match__what' },
      h('strong', { class: 'match__name', text: suggestion.resource_name }),
      h('span', { class: 'match__unit', text: suggestion.unit_name }),
      h('span', { class: 'match__why', 'data-testid': 'match-why', text: suggestion.reason_text }),
    ),
    button,
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const made = await confirmMatch(item.communityId, item.need.id, suggestion.resource_id);
      onConfirm(made, suggestion);
    } catch (err) {
      button.disabled = false;
      row.append(h('p', { class: 'alert', role: 'alert', 'data-testid': 'match-error', text: errorText(err) }));
    }
  });
  return row;
}

function needCard(item, onConfirmed) {
  const { need, suggestions } = item;
  const card = h('li', { class: 'card match-need', 'data-testid': 'match-need', 'data-need-id': need.id });
  const confirmed = (made, suggestion) => {
    card.replaceChildren(
      h('p', { class: 'match-need__text', text: need.summary }),
      h('p', {
        class: 'note note--saved',
        role: 'status',
        'data-testid': 'match-done',
        text: t('matching.done', { unit: suggestion.unit_name, count: made.notified.length }),
      }),
    );
    onConfirmed();
  };
  card.append(
    h(
      'p',
      { class: 'match-need__head' },
      h('span', { class: 'chip', text: need.category_text }),
      need.grid_name ? h('span', { class: 'muted', text: need.grid_name }) : null,
    ),
    h('p', { class: 'match-need__text', text: need.summary }),
    suggestions.length
      ? h(
          'ul',
          { class: 'match-list', 'aria-label': t('matching.suggestions') },
          suggestions.map((s) => suggestionRow(item, s, confirmed)),
        )
      : h('p', { class: 'muted', 'data-testid': 'match-none', text: t('matching.no_suggestions') }),
  );
  return card;
}

/** The screen for #/admin/matching (?community=<id> picks one of several). */
export function adminMatchingScreen({ query }) {
  const { screen, body } = adminFrame({
    testid: 'admin-matching',
    title: t('matching.title'),
    back: '/',
    backText: t('form.back_home'),
    wide: false,
  });
  communityBody({
    query,
    body,
    load: loadMatching,
    draw: ({ data: lists, picker, communityId }) => {
      let figures = counts(lists.counts);
      const onConfirmed = () => {
        lists.counts.needs -= 1;
        lists.counts.projects += 1;
        const next = counts(lists.counts);
        figures.replaceWith(next);
        figures = next;
      };
      body.replaceChildren(
        ...[picker].filter(Boolean), // a lone community needs no chooser
        h('p', { class: 'muted', text: t('matching.about', { community: lists.community.name }) }),
        figures,
        lists.needs.length
          ? h(
              'ul',
              { class: 'match-needs', 'data-testid': 'match-needs' },
              lists.needs.map((item) => needCard({ ...item, communityId }, onConfirmed)),
            )
          : h('p', { class: 'muted', 'data-testid': 'match-empty', text: t('matching.empty') }),
      );
    },
  });
  return screen;
}
