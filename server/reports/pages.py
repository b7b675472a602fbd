"""The printable monthly report of a community (PROTOCOL.md §24.3): an HTML page with a print
stylesheet (A4), rendered on the server from the parts' sections (no inline script or style: the
app's CSP forbids them); /reports/monthly chooses the community and the month."""

from pathlib import Path

from flask import Blueprint, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from server.i18n import _, current_locale
from server.reports import service

pages = Blueprint("report_pages", __name__, template_folder="pages", static_folder=None)
PAGES = Path(__file__).resolve().parent / "pages"


@pages.route("/reports/monthly")
@login_required
def choose():
    """The communities of your jurisdiction and a month; with ?community=&month=, that report."""
    choices = service.communities(current_user)
    month = request.args.get("month") or service.this_month()
    chosen = request.args.get("community", type=int)
    if chosen is not None:
        service.community(current_user, chosen)
        service.month_of(month)
        return redirect(url_for("report_pages.community_month", community_id=chosen, month=month))
    return render_template(
        "monthly_choose.html", t=_, lang=current_locale(), communities=choices, month=month, latest=month
    )


@pages.route("/reports/community/<int:community_id>/<month>")
@login_required
def community_month(community_id, month):
    """The monthly report of a community of your jurisdiction (admins), for the 联席会议."""
    data = service.report(current_user, community_id, month)
    return render_template("monthly_report.html", t=_, lang=current_locale(), latest=service.this_month(), **data)


@pages.route("/reports/<any('report.css', 'report.js'):name>")
def report_asset(name):
    """The report's stylesheet and its print button."""
    response = send_from_directory(PAGES, name, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
