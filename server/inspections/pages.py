"""The printable report of an inspection: an HTML page with a print stylesheet, rendered from the
templates in pages/ beside this module."""

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, render_template, send_from_directory
from flask_login import current_user, login_required

from server.i18n import _, current_locale
from server.inspections import service
from server.inspections.periods import LOCAL

pages = Blueprint("inspection_pages", __name__, template_folder="pages", static_folder=None)
PAGES = Path(__file__).resolve().parent / "pages"


@pages.route("/inspections/<inspection_id>/report")
@login_required
def inspection_report(inspection_id):
    """The printable report of an inspection you may read (HTML, print stylesheet)."""
    report = service.report(current_user, inspection_id)
    return render_template("inspection_report.html", t=_, local=_local_time, lang=current_locale(), **report)


@pages.route("/inspections/report.css")
def report_css():
    """The report's stylesheet (screen and print)."""
    response = send_from_directory(PAGES, "report.css", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _local_time(instant: datetime | str | None) -> str:
    """An instant (or its ISO text, as records hold it) in Xuchang time, to the minute."""
    if not instant:
        return "—"
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
