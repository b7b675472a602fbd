"""The December evaluation over HTTP (PROTOCOL.md §20.4): the organiser opens a round, follows
its forms coming in, reads and exports the results, and closes it. The scoring forms themselves
travel by sync (§20.2)."""

import io

from flask import send_file
from flask_login import current_user, login_required

from server.core.edge import Blueprint
from server.core.xlsx import XLSX
from server.evaluation import exports, service
from server.evaluation.schemas import (
    CandidateArgsSchema,
    CandidatesSchema,
    EvaluationResultsSchema,
    EvaluationRoundArgsSchema,
    EvaluationRoundCreateSchema,
    EvaluationRoundSchema,
    PersonSchema,
)

blp = Blueprint("evaluation", __name__, url_prefix="/api/evaluation", description="The December evaluation (年度评议)")


@blp.route("/rounds", methods=["GET"])
@login_required
@blp.arguments(EvaluationRoundArgsSchema, location="query")
@blp.response(200, EvaluationRoundSchema(many=True))
def rounds(args):
    """The rounds the caller organises or holds jurisdiction over (of one community, if given)."""
    return service.rounds(current_user, args.get("community_id"))


@blp.route("/communities", methods=["GET"])
@login_required
@blp.response(200, PersonSchema(many=True))
def communities():
    """The communities the caller may open a round for (an admin's, by name)."""
    return service.communities(current_user)


@blp.route("/candidates", methods=["GET"])
@login_required
@blp.arguments(CandidateArgsSchema, location="query")
@blp.response(200, CandidatesSchema)
def candidates(args):
    """Who may evaluate in a community: its 两委 (admins, grid workers), members, residents."""
    return service.candidates(current_user, args["community_id"])


@blp.route("/rounds", methods=["POST"])
@login_required
@blp.arguments(EvaluationRoundCreateSchema)
@blp.response(201, EvaluationRoundSchema)
def open_round(data):
    """Open a community's round for a year: its units and members, each evaluator's form (an admin over it)."""
    return service.view(service.open_round(current_user, data))


@blp.route("/rounds/<round_id>", methods=["GET"])
@login_required
@blp.response(200, EvaluationRoundSchema)
def round_view(round_id):
    """A round and how many forms each group has submitted."""
    return service.round_view(current_user, round_id)


@blp.route("/rounds/<round_id>/results", methods=["GET"])
@login_required
@blp.response(200, EvaluationResultsSchema)
def results(round_id):
    """Each subject's record, each group's mean score, the combined score and grade (never one form's scores)."""
    return service.results(current_user, round_id)


@blp.route("/rounds/<round_id>/close", methods=["POST"])
@login_required
@blp.response(200, EvaluationResultsSchema)
def close(round_id):
    """Close the round: the forms can no longer change; each unit and member hears their grade."""
    return service.close_round(current_user, round_id)


@blp.route("/rounds/<round_id>/results.xlsx", methods=["GET"])
@login_required
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX, description="The workbook")
def export(round_id):
    """The results as an Excel workbook: units, members, and the rules."""
    data, filename = exports.results_xlsx(current_user, round_id)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)
