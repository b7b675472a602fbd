"""Alerts: what an admin publishes to an audience; limits in server/alerts/limits.py. Each
recipient's notice and its deliveries are the notification service's (server/notices/models.py)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.alerts.limits import BODY_MAX, TITLE_MAX
from server.core.clock import utcnow
from server.extensions import db
from server.notices.limits import LINK_MAX


class Alert(db.Model):
    """A notice an admin publishes to an audience (targeting), now or at send_at."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_status_send_at", "status", "send_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(String(BODY_MAX))
    level: Mapped[str] = mapped_column(String(8), default="notice")
    category: Mapped[str] = mapped_column(String(16), default="other")
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))
    # {org_unit_ids, grid_ids, compound_ids, building_ids, roles} (server/notices/audience.py)
    targeting: Mapped[dict] = mapped_column(JSON, default=dict)
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # null: at once
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    needs_approval: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
