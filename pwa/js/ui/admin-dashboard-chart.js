// The dashboard's chart (工作看板, ui/admin-dashboard.js): the tasks of each child unit — done in the
// period, open now, overdue now — as grouped bars. Chart.js 4 with only the bar chart's pieces
// registered (tree-shaken: no other controller is bundled); this module is imported only when a
// dashboard is drawn, so Chart.js is a lazy chunk of its own (never in the shell: build.mjs checks).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLOURS = { done: '#2e7d32', open: '#1565c0', overdue: '#c62828' };

/**
 * Draws (or redraws) the bars on `canvas`: labels (the child units' names), series
 * [{key, label, values}]. Returns the chart; call destroy() on it before dropping the canvas.
 */
export function drawBars(canvas, previous, { labels, series, onPick }) {
  const data = {
    labels,
    datasets: series.map(({ key, label, values }) => ({
      label,
      data: values,
      backgroundColor: COLOURS[key] ?? '#607d8b',
      borderRadius: 3,
    })),
  };
  if (previous && previous.canvas === canvas) {
    previous.data = data;
    previous.update('none');
    return previous;
  }
  previous?.destroy();
  return new Chart(canvas, {
    type: 'bar',
    data,
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
      onClick: (_event, elements) => {
        if (elements.length && onPick) onPick(elements[0].index);
      },
    },
  });
}
