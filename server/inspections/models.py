"""Red steward inspections of property services (DESIGN.md S2; issue 5): checklist templates
(versioned), periodic plans, random spot-check draws, inspections and rectification orders (整改单).
Their notices (an order overdue, escalated) are inbox entries of the notification service
(server/notices/service.py).

Inspections and rectification orders are synced entities (sync/PROTOCOL.md §12): every column
that syncs is a field of the entity; `version`, `field_versions`, `field_writers` and `deleted`
come from SyncedMixin. They live in the buckets `steward:<compound id>` (the compound's red
stewards), `org:<unit>` of every org unit above the compound (admins) and, for orders only,
`company:<property company id>` (the company's staff). Residents never pull them: they see a
compound's score, stars and open-order count through the scorecard API.

Times a phone sends (started_at, finished_at, responded_at …) are device times; created_at,
submitted_at and the server_at of each history entry are server times. All times are UTC.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db
from server.sync.models import SyncedMixin

TEMPLATE_STATUSES = ("draft", "published", "retired")
SEVERITIES = ("critical", "major", "minor")  # 严重, 较重, 一般
# Hours to fix, per severity, when a template does not say otherwise.
DEFAULT_SEVERITY_DEADLINES = {"critical": 24, "major": 72, "minor": 168}
INSPECTION_KINDS = ("periodic", "random", "adhoc")  # 定期检查, 随机抽查, 临时检查
INSPECTION_STATUSES = ("planned", "in_progress", "submitted")
ITEM_RESULTS = ("pass", "fail", "na")
ORDER_STATUSES = ("open", "responded", "closed", "reopened")
PLAN_PERIODS = ("monthly", "quarterly")
LOCATION_STATUSES = ("ok", "denied", "unavailable")


class InspectionTemplate(db.Model):
    """One version of a checklist. A published version never changes: editing makes the next
    version (same code), and an inspection keeps the version it was made with.

    categories: [{"code", "name", "items": [{"code", "text", "weight", "severity",
    "photo_required_on_fail"}]}]; weights are points and add up to max_score.
    """

    __tablename__ = "inspection_templates"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(String(1000))
    categories: Mapped[list] = mapped_column(JSON)
    max_score: Mapped[float] = mapped_column(Float, default=100.0)
    severity_deadlines: Mapped[dict] = mapped_column(JSON)  # {"critical": hours, "major": …, "minor": …}
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))  # None: city-wide
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InspectionPlan(db.Model):
    """Periodic inspections (定期检查) of one compound: one inspection per period, made for the
    period's steward by the plan generator (idempotent per compound, template code and period)."""

    __tablename__ = "inspection_plans"
    __table_args__ = (UniqueConstraint("compound_id", "template_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    template_code: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(12), default="monthly")
    steward_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the compound's steward
    starts_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SpotCheckDraw(db.Model):
    """A random spot check (随机抽查): k compounds drawn from an org subtree. Everything needed to
    redo the draw and see it was fair is kept: the seed, the population in the order used, the
    method, who drew and when."""

    __tablename__ = "spot_check_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_templates.id"))
    k: Mapped[int] = mapped_column(Integer)
    seed: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(40))
    filters: Mapped[dict] = mapped_column(
        JSON, default=dict
    )  # how the population was narrowed (server.inspections.draws)
    population: Mapped[list] = mapped_column(JSON)  # compound ids, ascending
    picked: Mapped[list] = mapped_column(JSON)  # compound ids, in the order drawn
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Inspection(SyncedMixin, db.Model):
    """One inspection of one compound against one template version.

    answers: {item_code: {"result": "pass" | "fail" | "na", "note": str, "photos": [sha256]}}
    """

    __tablename__ = "inspections"
    __table_args__ = (
        Index("ix_inspections_compound_status", "compound_id", "status"),
        Index("ix_inspections_steward_status", "steward_id", "status"),
        Index("ix_inspections_submitted_at", "submitted_at"),
    )

    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_templates.id"))
    kind: Mapped[str] = mapped_column(String(12), default="adhoc")
    period: Mapped[str | None] = mapped_column(String(8))  # "2026-11" for periodic ones
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_plans.id"))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check_draws.id"))
    steward_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    # The steward's capture.
    answers: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(String(4000))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    start_location: Mapped[dict | None] = mapped_column(JSON)  # {"lat", "lng", "accuracy"}
    start_location_status: Mapped[str | None] = mapped_column(String(16))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finish_location: Mapped[dict | None] = mapped_column(JSON)
    finish_location_status: Mapped[str | None] = mapped_column(String(16))
    # Server-only.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_companies.id"), index=True)  # at submission
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    failed_count: Mapped[int | None] = mapped_column(Integer)
    history: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RectificationOrder(SyncedMixin, db.Model):
    """整改单: one failed item of a submitted inspection, to the compound's property company.

    open → responded (the company answered) → closed (the steward's re-inspection, 复查, passed)
    or reopened (it did not; the company answers again) → responded → …
    """

    __tablename__ = "rectification_orders"
    __table_args__ = (
        Index("ix_rectification_orders_company_status", "company_id", "status"),
        Index("ix_rectification_orders_compound_status", "compound_id", "status"),
        Index("ix_rectification_orders_status_deadline", "status", "deadline_at"),
    )

    # Made by the server at submission (server-only).
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("property_companies.id"))
    item_code: Mapped[str] = mapped_column(String(40))
    item_text: Mapped[str] = mapped_column(String(300))
    category_name: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(12))
    evidence_note: Mapped[str | None] = mapped_column(String(2000))
    evidence_photos: Mapped[list | None] = mapped_column(JSON)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="open")
    # The company's answer (property_staff).
    response_text: Mapped[str | None] = mapped_column(String(2000))
    response_photos: Mapped[list | None] = mapped_column(JSON)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # device time
    # The steward's re-inspection (red_steward).
    review_note: Mapped[str | None] = mapped_column(String(2000))
    review_photos: Mapped[list | None] = mapped_column(JSON)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # device time
    # Server-only.
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    overdue_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )  # the instant it went overdue (its deadline), stamped by server.inspections.escalation
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)  # 0 none, 1 community, 2 street
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
