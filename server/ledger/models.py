"""One entry of someone's service record, synced as `service_entry` (PROTOCOL.md §15.2)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.sync.models import SyncedMixin

KINDS = ("activity", "wish", "project")  # 志愿服务活动, 微心愿, 服务项目
STATUSES = ("credited", "void")  # 已计入, 已撤销
TITLE_MAX = 60
SOURCE_MAX = 36
HOURS_MAX = 24.0  # one entry: at most a day


class ServiceEntry(SyncedMixin, db.Model):
    __tablename__ = "service_entries"
    __table_args__ = (
        UniqueConstraint("kind", "source_id", "account_id", name="uq_service_entries_source"),
        Index("ix_service_entries_account_occurred", "account_id", "occurred_at"),
        Index("ix_service_entries_community_occurred", "community_id", "occurred_at"),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(SOURCE_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    hours: Mapped[float]
    rating: Mapped[int | None]  # the served resident's 1–5, where there is one
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="credited")
    credited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
