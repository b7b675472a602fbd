"""The community's open needs for matching (供需对接, PROTOCOL.md §21): given to the ledger at
assembly (part.py's `open_needs`, server/ledger/lists.py); the members domain matches them with
the units' resources without reading this package."""

from sqlalchemy import select

from server.extensions import db
from server.ledger.lists import OpenNeed
from server.tasks import places
from server.tasks.need_models import OPEN_NEED_STATUSES, Need

SUMMARY_MAX = 60  # characters of the need's words shown beside its suggestions


def open_needs(community_id: int, need_id: str | None = None) -> list[OpenNeed]:
    query = select(Need.id, Need.category, Need.grid_id, Need.community_id, Need.text, Need.created_at).where(
        Need.community_id == community_id, Need.status.in_(OPEN_NEED_STATUSES), Need.deleted.is_(False)
    )
    if need_id is not None:
        query = query.where(Need.id == need_id)
    rows = db.session.execute(query.order_by(Need.created_at, Need.id)).all()
    places.prime_grid_workers([row.grid_id for row in rows])
    return [
        OpenNeed(
            id=row.id,
            category=row.category,
            grid_id=row.grid_id,
            community_id=row.community_id,
            summary=_summary(row.text),
            created_at=row.created_at,
            worker_ids=places.grid_workers(row.grid_id) if row.grid_id is not None else (),
        )
        for row in rows
    ]


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"
