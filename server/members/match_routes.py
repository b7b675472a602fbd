"""Matching over REST (供需对接, PROTOCOL.md §21): a community's three lists with suggestions, and
confirming one. Thin: the service checks scope and commits."""

from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.members import matching
from server.members.match_schemas import ConfirmedSchema, ConfirmInSchema, MatchingSchema, SuggestionArgsSchema

blp = Blueprint(
    "matching", __name__, url_prefix="/api/members", description="供需对接: needs, resources and projects (§21)"
)


@blp.route("/communities/<int:community_id>/matching", methods=["GET"])
@login_required
@blp.arguments(SuggestionArgsSchema, location="query")
@blp.response(200, MatchingSchema)
def suggestions(args, community_id):
    """The three lists of a community you administer, counted, and each open need not matched yet
    with its best resources (at most `limit`), each with its score and reasons; `need_id` for one."""
    return matching.suggestions(current_user, community_id, args["need_id"], args["limit"])


@blp.route("/communities/<int:community_id>/matches", methods=["POST"])
@login_required
@blp.arguments(ConfirmInSchema)
@blp.response(201, ConfirmedSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`need_matched`")
@blp.alt_response(422, schema=ErrorSchema, description="`need_not_open`, `resource_not_in_community`")
def confirm(data, community_id):
    """确认对接: the need and the resource become an open service project of the community; the
    unit's secretaries and the need's grid workers are told."""
    return matching.confirm(current_user, community_id, data)
