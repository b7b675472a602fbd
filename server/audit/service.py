"""Writing the audit log. Callers commit with the action they audit (one transaction)."""

from flask import has_request_context, request

from server import authz
from server.audit.models import AuditEntry
from server.core.pages import paginate
from server.extensions import db


def record(action: str, actor=None, target=None, **details) -> AuditEntry:
    """Append one audit entry to the session (committed with the caller's transaction)."""
    target = _unproxy(target)
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
    )
    if has_request_context():
        entry.ip = request.remote_addr
        entry.user_agent = (request.user_agent.string or "")[:255]
    db.session.add(entry)
    return entry


def _unproxy(obj):
    """flask_login.current_user is a proxy; its type is not the model's."""
    return obj._get_current_object() if hasattr(obj, "_get_current_object") else obj


def list_entries(user, page: int = 1, per_page: int = 50, **filters) -> dict:
    """Audit entries newest first; only city-level admins may read them."""
    from sqlalchemy import select

    authz.require(user, "audit.read")
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    for name, value in filters.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return paginate(query, page, per_page)
