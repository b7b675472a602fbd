"""Inspections and rectification orders as synced entities (PROTOCOL.md §7.4, §12): who writes
which field, how same-field conflicts end; the buckets a record lives in are server/inspections/
access.py's. Registered with the engine by create_app (server/inspections/part.py)."""

from server.inspections.access import inspection_buckets, order_buckets
from server.inspections.models import Inspection, RectificationOrder
from server.inspections.rules import review_inspection, review_order
from server.inspections.schemas import inspection_record_schema, order_record_schema
from server.sync import registry
from server.sync.review import ADMIN, BY_SERVER, SERVER, STAFF, STEWARD
from sync import Field

INSPECTION_FIELDS = (
    # What is inspected, with what: fixed at creation.
    Field("compound_id", ADMIN | STEWARD, create_only=True),
    Field("template_id", ADMIN | STEWARD, create_only=True),
    Field("kind", ADMIN | STEWARD, create_only=True),
    # The admin's planning.
    Field("steward_id", ADMIN),
    Field("due_at", ADMIN),
    # The steward's capture. Answers merge item by item on a conflict (server.inspections.rules).
    Field("status", STEWARD),
    Field("answers", STEWARD),
    Field("notes", STEWARD),
    Field("started_at", STEWARD),
    Field("start_location", STEWARD),
    Field("start_location_status", STEWARD),
    Field("finished_at", STEWARD),
    Field("finish_location", STEWARD),
    Field("finish_location_status", STEWARD),
    # Server-only: from plans and draws, and the stamps of submission.
    Field("period", SERVER),
    Field("plan_id", SERVER),
    Field("draw_id", SERVER),
    Field("company_id", SERVER),
    Field("submitted_at", SERVER),
    Field("submitted_by_id", SERVER),
    Field("score", SERVER),
    Field("max_score", SERVER),
    Field("failed_count", SERVER),
    Field("history", SERVER),
    Field("created_by_id", SERVER),
    Field("created_at", SERVER),
)

ORDER_FIELDS = (
    # What is to be fixed: written once, by the server, from the failed item.
    Field("inspection_id", BY_SERVER, create_only=True),
    Field("compound_id", BY_SERVER, create_only=True),
    Field("company_id", BY_SERVER, create_only=True),
    Field("item_code", BY_SERVER, create_only=True),
    Field("item_text", BY_SERVER, create_only=True),
    Field("category_name", BY_SERVER, create_only=True),
    Field("severity", BY_SERVER, create_only=True),
    Field("evidence_note", BY_SERVER, create_only=True),
    Field("evidence_photos", BY_SERVER, create_only=True),
    Field("deadline_at", ADMIN | BY_SERVER),
    # The lifecycle: the company answers, the steward re-inspects (server.inspections.rules).
    Field("status", STAFF | STEWARD),
    Field("response_text", STAFF),
    Field("response_photos", STAFF, on_conflict="union"),
    Field("responded_at", STAFF),
    Field("review_note", STEWARD),
    Field("review_photos", STEWARD, on_conflict="union"),
    Field("reviewed_at", STEWARD),
    # The escalation of overdue orders (server.inspections.escalation, as the server).
    Field("overdue_at", BY_SERVER),
    Field("escalation_level", BY_SERVER),
    Field("escalated_at", BY_SERVER),
    # Stamps.
    Field("responded_by_id", SERVER),
    Field("reviewed_by_id", SERVER),
    Field("closed_at", SERVER),
    Field("reopen_count", SERVER),
    Field("history", SERVER),
    Field("created_at", SERVER),
)


class InspectionBinding(registry.EntityBinding):
    """Photos live inside the answers: {item: {"photos": [sha256, …]}}."""

    def blob_refs(self, values) -> set[str]:
        answers = values.get("answers")
        if not isinstance(answers, dict):
            return set()
        refs = set()
        for answer in answers.values():
            photos = answer.get("photos") if isinstance(answer, dict) else None
            if isinstance(photos, list):
                refs |= {p for p in photos if isinstance(p, str)}
        return refs


INSPECTION = InspectionBinding(
    "inspection",
    INSPECTION_FIELDS,
    ADMIN | STEWARD,
    frozenset(),
    Inspection,
    inspection_record_schema,
    inspection_buckets,
    blob_fields=("answers",),
    review=review_inspection,
)
ORDER = registry.EntityBinding(
    "rectification_order",
    ORDER_FIELDS,
    BY_SERVER,
    frozenset(),
    RectificationOrder,
    order_record_schema,
    order_buckets,
    blob_fields=("evidence_photos", "response_photos", "review_photos"),
    review=review_order,
)
