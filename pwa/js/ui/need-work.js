// 居民诉求 in a grid worker's work (home, above 我的任务): the open needs of their grids, the
// nearest deadline first and an overdue one in red, each one tap from 受理 / 办结; the finished
// ones folded below. Read from IndexedDB (offline too) and drawn again as a pull brings a new
// need (the worker also gets a notice) or the worker's own taps change one.
import { t } from '../i18n.js';
import { loadNeeds } from '../need-data.js';
import { gridNeeds } from '../needs.js';
import { h } from './dom.js';
import { listSection } from './inspection-parts.js';
import { needRow } from './need-parts.js';
import { watchLocalData } from './watch.js';

/** The section of a grid worker's home. */
export function needWorkSection({ me, settle = null }) {
  const holder = h('div', { class: 'need-work', 'data-testid': 'need-work' });
  async function draw() {
    const { open, done } = gridNeeds(await loadNeeds(), me);
    const now = new Date();
    holder.replaceChildren(
      ...[
        listSection({
          name: 'needs',
          title: t('need.work_title'),
          rows: open.map((item) => needRow(item, now)),
          testid: 'need-work-open',
          heading: 'h2', // on the worker's home, beside 我的任务 (h2), right under the greeting
        }),
        open.length
          ? null
          : h('p', { class: 'muted empty', 'data-testid': 'need-work-empty', text: t('need.work_none') }),
        done.length
          ? listSection({
              name: 'needs-done',
              title: t('need.work_done'),
              rows: done.map((item) => needRow(item, now)),
              folded: true,
              testid: 'need-work-done',
            })
          : null,
      ].filter(Boolean),
    );
  }
  settle?.after(
    draw().catch((err) => console.warn('could not read the needs', err)),
    { node: holder },
  );
  watchLocalData(holder, draw);
  return holder;
}
