// The print button of the monthly report (server/reports/pages/monthly_report.html).
document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
