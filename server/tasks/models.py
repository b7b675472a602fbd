"""Grid work (DESIGN.md S1, S4): tasks assigned to grid workers, their field reports, problems
reported from the field (问题上报), and checklist templates per task type.

Tasks and field problem reports are synced entities (sync/PROTOCOL.md §11): every column that
syncs is a field of the entity; `version`, `field_versions`, `field_writers` and `deleted` come
from SyncedMixin. Times a phone sends (started_at, finished_at, status_device_at, reported_at)
are device times; created_at and the server_at of each history entry are server times.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db
from server.sync.models import SyncedMixin

# 入户走访, 信息核实, 隐患排查, 通知送达, 诉求跟进, 代办服务, 其他
TASK_TYPES = ("visit", "verify", "hazard", "notice", "follow_up", "agency", "other")
TASK_STATUSES = ("assigned", "in_progress", "done", "unable", "cancelled")
PRIORITIES = ("low", "normal", "high", "urgent")
TARGET_KINDS = ("grid", "compound", "building", "household")
TARGET_PLACE_KINDS = TARGET_KINDS[1:]  # a place, not a grid: what the new-task form searches
OUTCOMES = ("ok", "problem_found", "follow_up_needed")  # 正常, 发现问题, 需后续跟进
LOCATION_STATUSES = ("ok", "denied", "unavailable")  # a position, or why there is none
# 环境卫生, 安全隐患, 设施损坏, 矛盾纠纷, 违章搭建, 困难帮扶, 其他
REPORT_CATEGORIES = ("sanitation", "safety", "facility", "dispute", "illegal_building", "hardship", "other")
REPORT_STATUSES = ("new", "converted", "dismissed")


class Task(SyncedMixin, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_grid_status", "grid_id", "status"),
        Index("ix_tasks_assignee_status", "assignee_id", "status"),
        # the dashboards' periods (PROTOCOL.md §26): given out, finished in them
        Index("ix_tasks_created_at", "created_at"),
        Index("ix_tasks_finished_at", "finished_at"),
    )

    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(String(2000))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    # Derived from the target by the server (the grid is the task's bucket, §2).
    grid_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    checklist: Mapped[list | None] = mapped_column(JSON)  # [{"key", "text"}], copied from a template
    status: Mapped[str] = mapped_column(String(16), default="assigned")
    unable_reason: Mapped[str | None] = mapped_column(String(500))
    # The worker's report.
    outcome: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(String(4000))
    checklist_answers: Mapped[dict | None] = mapped_column(JSON)  # {key: "yes" | "no" | "na"}
    photos: Mapped[list | None] = mapped_column(JSON)  # SHA-256 hashes (blobs)
    location: Mapped[dict | None] = mapped_column(JSON)  # {"lat", "lng", "accuracy"} in degrees, metres
    location_status: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Sent with each status change: when (device clock) and where it happened.
    status_device_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_location: Mapped[dict | None] = mapped_column(JSON)
    # Server-only.
    history: Mapped[list | None] = mapped_column(JSON)  # [{from, to, by, device_at, server_at, location, reason}]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source_report_id: Mapped[str | None] = mapped_column(String(36))  # made from a field problem report
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)  # one bulk creation


class FieldReport(SyncedMixin, db.Model):
    """A problem a worker found in the field (问题上报); an admin turns it into a task or dismisses it."""

    __tablename__ = "field_reports"
    __table_args__ = (
        Index("ix_field_reports_grid_status", "grid_id", "status"),
        Index("ix_field_reports_created_at", "created_at"),  # the dashboards' periods (§26)
    )

    category: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(String(2000))
    photos: Mapped[list | None] = mapped_column(JSON)
    location: Mapped[dict | None] = mapped_column(JSON)
    location_status: Mapped[str | None] = mapped_column(String(16))
    grid_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # device time
    status: Mapped[str] = mapped_column(String(16), default="new")
    dismiss_reason: Mapped[str | None] = mapped_column(String(500))
    task_id: Mapped[str | None] = mapped_column(String(36))
    # Server-only.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChecklistTemplate(db.Model):
    """A checklist for one task type; a task copies the items when created, so editing a template
    never changes tasks already given out."""

    __tablename__ = "checklist_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_type: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(80))
    items: Mapped[list] = mapped_column(JSON)  # [{"key", "text"}]
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))  # None: city-wide
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
