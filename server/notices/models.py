"""The synced inbox (one entry per recipient, PROTOCOL.md §13) and the delivery records of each
entry (in-app, and one per push subscription); limits in server/notices/limits.py. An entry of
an alert names it (alert_id): its author follows the deliveries' counts."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db, partial_index
from server.notices.limits import DEDUPE_KEY_MAX, INBOX_BODY_MAX, INBOX_TITLE_MAX, KIND_MAX, LINK_MAX
from server.sync.models import SyncedMixin


class InboxEntry(SyncedMixin, db.Model):
    """One notice to one user, synced as entity `inbox` in bucket user:<id> (PROTOCOL.md §13)."""

    __tablename__ = "inbox_entries"
    __table_args__ = (
        Index("ix_inbox_entries_user_created", "user_id", "created_at"),
        Index("ix_inbox_entries_created_at", "created_at"),  # the dashboards' alert receipts of a period (§26)
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX), default="alert")
    title: Mapped[str] = mapped_column(String(INBOX_TITLE_MAX))
    body: Mapped[str | None] = mapped_column(String(INBOX_BODY_MAX))
    level: Mapped[str] = mapped_column(String(8), default="notice")
    category: Mapped[str] = mapped_column(String(16), default="other")
    link: Mapped[str | None] = mapped_column(String(LINK_MAX))
    data: Mapped[dict | None] = mapped_column(JSON)
    # "<event>:<user id>": the same event never makes a second entry, even run twice at once.
    dedupe_key: Mapped[str | None] = mapped_column(String(DEDUPE_KEY_MAX), unique=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clicked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Delivery(db.Model):
    """One way a notice reached (or failed to reach) a user: a device's push subscription, or
    in-app (subscription_id null: the inbox and the live socket)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_alert_state", "alert_id", "state"),
        # The push sweep's (server/notices/jobs.py, every minute): Web Push deliveries still queued,
        # by age. Partial: only what waits is in it, not the millions sent (migration 0027).
        partial_index(
            "ix_deliveries_queued_push", "queued_at", where="state = 'queued' AND subscription_id IS NOT NULL"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    inbox_id: Mapped[str] = mapped_column(ForeignKey("inbox_entries.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # No foreign key: a subscription the push service answered 404/410 for is deleted, its
    # delivery records stay (server/push/sender.py).
    subscription_id: Mapped[int | None] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    push_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(default=0)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the service worker's ack (§13)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clicked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
