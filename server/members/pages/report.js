// The print button of the 双报告 page (server/members/pages/member_report.html).
document.querySelector('[data-print]')?.addEventListener('click', () => window.print());
