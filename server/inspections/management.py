"""Managing inspections over HTTP, the JSON API under /api: plans and their generator, random
spot-check draws, scorecards and their exports. (The printable report is an HTML page,
server/inspections/pages.py; the jobs are `redgrid inspections …`, server/inspections/commands.py;
escalation notices are inbox entries, server/alerts, not an API of their own.)"""

import io

from flask import send_file
from flask_login import current_user, login_required

from server.api import page_of
from server.core import clock
from server.core.edge import Blueprint
from server.core.xlsx import XLSX, export_route
from server.inspections import draws, exports, plans, scorecards
from server.inspections.management_schemas import (
    CompanyCardSchema,
    CompoundCardSchema,
    DrawCreateSchema,
    DrawListArgsSchema,
    DrawPopulationArgsSchema,
    DrawPopulationSchema,
    DrawSchema,
    DrawVerifySchema,
    GenerateResultSchema,
    MonthArgsSchema,
    MyScorecardsSchema,
    PlanListArgsSchema,
    PlanSchema,
    PlanUpdateSchema,
    ScorecardArgsSchema,
    ScorecardSchema,
)

blp = Blueprint(
    "inspection_management", __name__, url_prefix="/api", description="Inspection plans, spot checks, scorecards"
)

# --- plans ---------------------------------------------------------------------------------------


@blp.route("/inspection-plans", methods=["GET"])
@login_required
@blp.arguments(PlanListArgsSchema, location="query")
@blp.response(200, page_of(PlanSchema))
def list_plans(args):
    """Periodic inspection plans of the compounds in your jurisdiction (admins)."""
    return plans.list_plans(current_user, **args)


@blp.route("/inspection-plans", methods=["POST"])
@login_required
@blp.arguments(PlanSchema)
@blp.response(201, PlanSchema)
def create_plan(data):
    """Plan periodic inspections (定期检查) of a compound: template code, monthly or quarterly, steward (admins)."""
    return plans.create_plan(current_user, data)


@blp.route("/inspection-plans/<int:plan_id>", methods=["PATCH"])
@login_required
@blp.arguments(PlanUpdateSchema)
@blp.response(200, PlanSchema)
def update_plan(changes, plan_id):
    """Change a plan's period, steward or start date, or deactivate it with "active": false (admins)."""
    return plans.update_plan(current_user, plan_id, changes)


@blp.route("/inspection-plans/generate", methods=["POST"])
@login_required
@blp.response(200, GenerateResultSchema)
def generate():
    """Make this period's planned inspections of the plans in your jurisdiction now (admins; idempotent)."""
    return plans.generate_due(clock.now(), current_user)


# --- random spot checks ---------------------------------------------------------------------------


@blp.route("/spot-checks", methods=["POST"])
@login_required
@blp.arguments(DrawCreateSchema)
@blp.response(201, DrawSchema)
def create_draw(data):
    """Draw k compounds of an org subtree at random (随机抽查), each getting a random inspection (admins)."""
    row = draws.create_draw(current_user, data)
    return _draw_view(row)


@blp.route("/spot-checks/population", methods=["GET"])
@login_required
@blp.arguments(DrawPopulationArgsSchema, location="query")
@blp.response(200, DrawPopulationSchema)
def draw_population(args):
    """How many compounds a draw with these filters would choose from now (admins): with k at or
    above it every one is drawn, and nothing is left to chance."""
    return draws.population_size(current_user, args)


@blp.route("/spot-checks", methods=["GET"])
@login_required
@blp.arguments(DrawListArgsSchema, location="query")
@blp.response(200, page_of(DrawSchema))
def list_draws(args):
    """Draws made in your jurisdiction, newest first (admins)."""
    page = draws.list_draws(current_user, **args)
    return {**page, "items": [_draw_view(row, inspections=False) for row in page["items"]]}


@blp.route("/spot-checks/<int:draw_id>", methods=["GET"])
@login_required
@blp.response(200, DrawSchema)
def get_draw(draw_id):
    """One draw as recorded: seed, method, filters, population, picks, who, when, its inspections (admins)."""
    return _draw_view(draws.get_draw(current_user, draw_id))


@blp.route("/spot-checks/<int:draw_id>/verify", methods=["GET"])
@login_required
@blp.response(200, DrawVerifySchema)
def verify_draw(draw_id):
    """Redo a draw from its record and say whether it gives the same picks (admins)."""
    return draws.verify(current_user, draw_id)


def _draw_view(row, inspections: bool = True) -> dict:
    view = {name: getattr(row, name) for name in DrawSchema().fields if name != "inspections"}
    if inspections:
        view["inspections"] = draws.draw_inspections(row)
    return view


# --- scorecards ----------------------------------------------------------------------------------


@blp.route("/scorecards", methods=["GET"])
@login_required
@blp.arguments(ScorecardArgsSchema, location="query")
@blp.response(200, ScorecardSchema)
def scorecard(args):
    """The monthly scorecard of the compounds and companies under an org unit of your jurisdiction (admins)."""
    return scorecards.subtree_scorecard(current_user, args.get("org_unit_id"), args.get("month"))


@blp.route("/scorecards/mine", methods=["GET"])
@login_required
@blp.response(200, MyScorecardsSchema)
def my_scorecards():
    """This month's score, stars and open orders of my compound (residents, stewards) or my company (property staff)."""
    return scorecards.my_cards(current_user)


@blp.route("/scorecards/compounds/<int:compound_id>", methods=["GET"])
@login_required
@blp.arguments(MonthArgsSchema, location="query")
@blp.response(200, CompoundCardSchema)
def compound_scorecard(args, compound_id):
    """A compound you can see: the month's score, penalties, stars, ranks and a 12-month trend."""
    return scorecards.compound_card(current_user, compound_id, args.get("month"))


@blp.route("/scorecards/companies/<int:company_id>", methods=["GET"])
@login_required
@blp.arguments(MonthArgsSchema, location="query")
@blp.response(200, CompanyCardSchema)
def company_scorecard(args, company_id):
    """A property company (its staff; admins of its compounds): score, stars, compounds, 12-month trend."""
    return scorecards.company_card(current_user, company_id, args.get("month"))


@export_route(blp, "/scorecards/export.xlsx", ScorecardArgsSchema, capped=False)
def export_scorecard(args):
    """The monthly scorecard as an Excel workbook: a sheet of compounds, one sheet per company (admins)."""
    data, filename = exports.scorecard_xlsx(current_user, args.get("org_unit_id"), args.get("month"))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)
