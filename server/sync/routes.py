"""The sync endpoints (PROTOCOL.md §5–§7): pull, push, and the conflict records."""

from flask import Response
from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core import edge, observability
from server.core.edge import Blueprint
from server.core.fields import compact_json
from server.sync import service
from server.sync.schemas import (
    ConflictListArgsSchema,
    ConflictPageSchema,
    ConflictRecordSchema,
    PullPageSchema,
    PullSchema,
    PushResultSchema,
    PushSchema,
    ResolveSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync (redgrid-sync/1)")


@blp.route("/pull", methods=["POST"])
@login_required
@blp.arguments(PullSchema)
@blp.response(200, PullPageSchema)
@blp.alt_response(
    410,
    schema=ErrorSchema,
    description="`cursor_expired`: the cursor predates a purge or a restore: pull again from `null` (PROTOCOL.md §5.5)",
)
def pull(body):
    """Changes in your buckets since your cursor, oldest first, one page.

    Nothing new since the cursor (every position at the last committed seq): an empty page with
    the same cursor, answered without reading the change log (PROTOCOL.md §5.3.1).
    """
    page = service.pull(current_user, body["protocol"], body["cursor"], body["limit"])
    observability.count_pull(len(page.changes))
    # Written once, compactly and in UTF-8 (not \u escapes), with the records' data as stored,
    # instead of a schema dump of thousands of changes. The schema above documents the shape.
    return Response(service.page_json(page, body["format"]), mimetype="application/json")


@blp.route("/push", methods=["POST"])
@login_required
@blp.arguments(PushSchema)
@blp.response(200, PushResultSchema)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description=(
        "`missing_blobs`: photos the batch names are not uploaded (yet) by "
        "you: upload them, then send the same batch again (PROTOCOL.md §6.2)"
    ),
)
def push(body):
    """Apply a batch of offline mutations; each one is applied, merged with conflicts, or refused."""
    answer = service.push(
        current_user, body["protocol"], body["client_id"], body["mutations"], edge.body_values_checked()
    )
    observability.count_mutations(answer["results"])
    # Written once, compactly and in UTF-8, as the pull page is: the results are the engine's
    # wire dicts already (§6.2), in the shape the schema above documents (checked by a test).
    return Response(compact_json(answer), mimetype="application/json")


@blp.route("/conflicts", methods=["GET"])
@login_required
@blp.arguments(ConflictListArgsSchema, location="query")
@blp.response(200, ConflictPageSchema)
def conflicts(args):
    """Conflict records: your own edits' and, for admins, those of records in your scope."""
    return service.list_conflicts(current_user, **args)


@blp.route("/conflicts/<int:conflict_id>/resolve", methods=["POST"])
@login_required
@blp.arguments(ResolveSchema)
@blp.response(200, ConflictRecordSchema)
@blp.alt_response(
    409,
    schema=ErrorSchema,
    description=(
        "`already_resolved`: someone resolved it first; `record_gone`: the record was deleted, "
        "so the losing value has nowhere to go (PROTOCOL.md §7.3)"
    ),
)
def resolve(body, conflict_id):
    """Resolve a conflict (admins): keep the record, or write the losing value into it."""
    return service.resolve_conflict(current_user, conflict_id, body["resolution"])
