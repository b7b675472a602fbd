// A field problem report (问题上报) as the admin reads it: what, where, who and when, the
// position, and the photos as thumbnails that open full screen.
import { t } from '../i18n.js';
import { h } from './dom.js';
import { categoryLabel, codeLabel, coordinatesText, dateTime, locationText } from './format.js';
import { photoStrip } from './photos.js';

/** The photos as thumbnails, each opening the viewer with the others (ui/photos.js). */
export const photoLinks = (hashes, { testid = 'report-photo' } = {}) => photoStrip(hashes, { testid });

/** The report's card; `actions` (nodes) go at its foot. */
export function reportSummary(report, actions = null) {
  const where = [report.grid_name, report.place_name].filter(Boolean).join(' · ');
  const position = report.location_status
    ? [locationText(report.location, report.location_status), coordinatesText(report.location)]
        .filter(Boolean)
        .join(' ')
    : '';
  return h(
    'article',
    {
      class: 'card report-card',
      'data-testid': 'admin-report',
      'data-id': report.id,
      'data-status': report.status,
      'data-photo-record': '',
    },
    h(
      'p',
      { class: 'task-row__chips' },
      h('span', { class: 'chip chip--type chip--report', text: categoryLabel(report.category) }),
      h('span', {
        class: `chip chip--status chip--report-${report.status}`,
        'data-testid': 'admin-report-status',
        text: codeLabel('report.status', report.status),
      }),
    ),
    h('p', { class: 'report-card__text', 'data-testid': 'admin-report-text', text: report.description ?? '' }),
    photoLinks(report.photos),
    h(
      'dl',
      { class: 'facts facts--compact' },
      where ? [h('dt', { text: t('admin.reports.where') }), h('dd', { text: where })] : null,
      [
        h('dt', { text: t('admin.reports.who') }),
        h('dd', {
          text: [report.reporter_name, dateTime(report.reported_at ?? report.created_at)].filter(Boolean).join(' · '),
        }),
      ],
      position ? [h('dt', { text: t('field.field_report.location') }), h('dd', { text: position })] : null,
      report.dismiss_reason
        ? [
            h('dt', { text: t('admin.reports.dismiss_reason') }),
            h('dd', { 'data-testid': 'admin-report-reason', text: report.dismiss_reason }),
          ]
        : null,
    ),
    actions,
  );
}
