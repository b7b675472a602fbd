"""The printable 双报告 (PROTOCOL.md §17.6): an HTML page with a print stylesheet, rendered on the
server from reports.report (no inline script or style: the app's CSP forbids them)."""

from pathlib import Path

import marshmallow as ma
from flask import Blueprint, render_template, request, send_from_directory, url_for
from flask_login import current_user, login_required

from server.errors import Invalid
from server.i18n import _, current_locale, translate_field_message
from server.members import reports
from server.members.schemas import ReportArgsSchema

pages = Blueprint("member_pages", __name__, template_folder="pages", static_folder=None)
PAGES = Path(__file__).resolve().parent / "pages"


@pages.route("/members/report")
@login_required
def report_page():
    """双报告 of ?member_id= or ?unit_id= between ?since= and ?until= (dates), to print."""
    try:
        args = ReportArgsSchema().load(request.args.to_dict())
    except ma.ValidationError as error:
        raise Invalid(
            _("error.validation"), {k: [translate_field_message(m) for m in v] for k, v in error.messages.items()}
        ) from error
    data = reports.report(current_user, args)
    xlsx = url_for("members.double_report_xlsx", **request.args.to_dict())
    return render_template("member_report.html", t=_, lang=current_locale(), xlsx=xlsx, day=reports._day, **data)


@pages.route("/members/<any('report.css', 'report.js'):name>")
def report_asset(name):
    """The report's stylesheet and its print button."""
    response = send_from_directory(PAGES, name, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
