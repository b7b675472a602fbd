"""Pages of a list: every paged endpoint answers {items, page, per_page, total} (server/api.py)."""

from sqlalchemy import func, select

from server.extensions import db


def paginate(query, page: int, per_page: int) -> dict:
    """One page of a select, with the total."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "page": page, "per_page": per_page, "total": total}
