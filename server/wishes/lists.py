"""The community's open micro-wishes for matching (供需对接, PROTOCOL.md §21): the cards on the wall
no one has claimed, given to the ledger at assembly (part.py's `open_needs`,
server/ledger/lists.py) beside the residents' needs, so the members domain may suggest a unit for
a wish and claim it for the unit without reading this package. The wall's words only — never the
resident's — and the grid of the wish's household (for 同一网格)."""

from sqlalchemy import select

from server.extensions import db
from server.ledger.lists import OpenNeed
from server.org.models import Building, GridCoverage, Household
from server.wishes.models import Wish, WishCard

CATEGORY = "wish"  # the category matching scores a wish by (server/members/match_rules.py)
SUMMARY_MAX = 60


def open_wishes(community_id: int, card_id: str | None = None) -> list[OpenNeed]:
    query = (
        select(
            WishCard.id, WishCard.title, WishCard.text, WishCard.created_at, Household.building_id, Building.compound_id
        )
        .join(Wish, Wish.id == WishCard.wish_id)
        .join(Household, Household.id == Wish.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(WishCard.community_id == community_id, WishCard.status == "open", WishCard.deleted.is_(False))
    )
    if card_id is not None:
        query = query.where(WishCard.id == card_id)
    rows = db.session.execute(query.order_by(WishCard.created_at, WishCard.id)).all()
    grids = _grids({r.building_id for r in rows}, {r.compound_id for r in rows})
    return [
        OpenNeed(
            id=r.id,
            category=CATEGORY,
            grid_id=grids.get(("building", r.building_id), grids.get(("compound", r.compound_id))),
            community_id=community_id,
            summary=_summary(r.title, r.text),
            created_at=r.created_at,
            kind="wish",
        )
        for r in rows
    ]


def _grids(building_ids: set[int], compound_ids: set[int]) -> dict[tuple[str, int], int]:
    """The grid covering each building (a building's own coverage first, then its compound's);
    of several, the lowest id."""
    if not building_ids:
        return {}
    found: dict[tuple[str, int], int] = {}
    rows = db.session.execute(
        select(GridCoverage.building_id, GridCoverage.compound_id, GridCoverage.grid_id)
        .where(GridCoverage.building_id.in_(building_ids) | GridCoverage.compound_id.in_(compound_ids))
        .order_by(GridCoverage.grid_id.desc())
    ).all()
    for building_id, compound_id, grid_id in rows:
        key = ("building", building_id) if building_id is not None else ("compound", compound_id)
        found[key] = grid_id
    return found


def _summary(title: str, text: str | None) -> str:
    words = " ".join(f"{title}：{text}".split()) if text else title
    return words if len(words) <= SUMMARY_MAX else words[: SUMMARY_MAX - 1] + "…"
