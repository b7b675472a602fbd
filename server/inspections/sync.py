"""Inspections and rectification orders as synced entities (PROTOCOL.md §7.4, §12): who writes
which field, how same-field conflicts end, the buckets a record lives in. Registered with the
engine when server.inspections.routes is imported, i.e. in every app."""
from flask import g, has_app_context
from sqlalchemy import select

from sync import Field

from server.extensions import db
from server.inspections.models import Inspection, RectificationOrder
from server.inspections.rules import review_inspection, review_order
from server.inspections.schemas import inspection_record_schema, order_record_schema
from server.org.models import Compound, OrgUnit
from server.sync import registry
from server.sync.writer import SYSTEM

ADMIN = frozenset({"admin"})
STEWARD = frozenset({"red_steward"})
STAFF = frozenset({"property_staff"})
SERVER = frozenset()  # no client writes it
BY_SERVER = frozenset({SYSTEM})  # the server's own writes (orders, escalation), never a client's

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


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def compound_place(compound_id) -> tuple[str, int | None] | None:
    """(the org path of the compound's community, its property company id), looked up once per
    app context (a push of many records of one compound asks for it again and again)."""
    if not _valid_id(compound_id):
        return None
    cache = g.setdefault("_redgrid_compound_places", {}) if has_app_context() else {}
    if compound_id not in cache:
        row = db.session.execute(
            select(OrgUnit.path, Compound.property_company_id).join(Compound, Compound.community_id == OrgUnit.id).where(Compound.id == compound_id)
        ).first()
        cache[compound_id] = None if row is None else (row[0], row[1])
    return cache[compound_id]


def _compound_buckets(compound_id) -> list[str]:
    """steward:<compound> and org:<unit> of every unit from the city down to its community."""
    place = compound_place(compound_id)
    if place is None:
        return []
    return [f"steward:{compound_id}"] + [f"org:{unit}" for unit in place[0].strip("/").split("/")]


def inspection_buckets(values) -> list[str]:
    """The compound's stewards and every admin above it; never residents (compound:<id>)."""
    return _compound_buckets(values.get("compound_id"))


def order_buckets(values) -> list[str]:
    """As the inspection's, plus company:<id> of the property company it goes to."""
    buckets = _compound_buckets(values.get("compound_id"))
    company_id = values.get("company_id")
    if buckets and _valid_id(company_id):
        buckets.append(f"company:{company_id}")
    return buckets


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
    "inspection", INSPECTION_FIELDS, ADMIN | STEWARD, frozenset(), Inspection, inspection_record_schema,
    inspection_buckets, blob_fields=("answers",), review=review_inspection,
)
ORDER = registry.EntityBinding(
    "rectification_order", ORDER_FIELDS, BY_SERVER, frozenset(), RectificationOrder, order_record_schema,
    order_buckets, blob_fields=("evidence_photos", "response_photos", "review_photos"), review=review_order,
)


def register() -> None:
    """Put both entities in the engine's registry (idempotent)."""
    registry.register(INSPECTION)
    registry.register(ORDER)


register()
