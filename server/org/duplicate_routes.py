"""One record per person: the duplicate finder and the merge of two resident entries (admins)."""

from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.org import duplicates
from server.org.duplicate_schemas import DuplicateArgsSchema, DuplicatePageSchema, MergeResultSchema, MergeSchema

blp = Blueprint("duplicates", __name__, url_prefix="/api", description="Duplicate residents: find and merge")


@blp.route("/places/residents/duplicates", methods=["GET"])
@login_required
@blp.arguments(DuplicateArgsSchema, location="query")
@blp.response(200, DuplicatePageSchema)
def find(args):
    """Pairs of resident entries in your area that look like one person (admins): same name and
    phone, same name in one household, or same phone with names one character apart; each with
    its rule, reason and confidence, strongest first, paged."""
    return duplicates.find_duplicates(current_user, **args)


@blp.route("/places/residents/merge", methods=["POST"])
@login_required
@blp.arguments(MergeSchema)
@blp.response(200, MergeResultSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`already_merged`: either entry was merged into another")
def merge(data):
    """Merge `merge_id` into `keep_id` (admins, both entries in your area): the kept entry takes
    the fields chosen, the other is marked merged into it and leaves every list; audited; the
    grids' phones fetch their directory again. Retrying a done merge answers `already: true`.
    Refusals: `same_resident` (422), `already_merged` (409), `not_found` (404, also outside
    your area), `forbidden` (403, not an admin)."""
    return duplicates.merge_residents(current_user, data)
