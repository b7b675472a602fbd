"""Append-only audit log of sensitive actions (sign-in, role changes, exports, …)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db


class AuditEntry(db.Model):
    """One sensitive action. Never updated or deleted: the ORM refuses it here, and the
    database refuses it through triggers created by the migration."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_org_path_prefix", "org_path", postgresql_ops={"org_path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # The org path ("/1/5/23/") of what was changed: admins read the entries inside their subtrees.
    org_path: Mapped[str | None] = mapped_column(String(255))


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("audit_log is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("audit_log is append-only")
