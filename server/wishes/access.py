"""Who sees a wish and its card, as the sync buckets they live in (PROTOCOL.md §14): a wish in
user:<its resident> and org:<unit> of every unit from the city down to its community; its card
in community:<its community> (the volunteers reporting there), the same org buckets, and
user:<the wish's resident> — found through the wish, so the card itself names nobody."""

from flask import g, has_app_context
from sqlalchemy import select

from server.core.fields import is_row_id
from server.extensions import db
from server.org.models import Building, Compound, Household
from server.sync.buckets import org_buckets
from server.wishes.models import Wish


def _cached(name: str) -> dict:
    return g.setdefault(name, {}) if has_app_context() else {}


def community_of_household(household_id) -> int | None:
    """The community a household's compound belongs to (its wish's community)."""
    if not is_row_id(household_id):
        return None
    cache = _cached("_redgrid_household_communities")
    if household_id not in cache:
        cache[household_id] = db.session.scalar(
            select(Compound.community_id)
            .join(Building, Building.compound_id == Compound.id)
            .join(Household, Household.building_id == Building.id)
            .where(Household.id == household_id)
        )
    return cache[household_id]


def wish_buckets(values) -> list[str]:
    """The resident's own bucket and the admins' above the household's community."""
    user_id = values.get("user_id")
    if not is_row_id(user_id):
        return []
    community_id = values.get("community_id") or community_of_household(values.get("household_id"))
    return [f"user:{user_id}", *org_buckets(community_id)]


def owner_of(wish_id) -> int | None:
    """The resident whose wish a card shows."""
    if not isinstance(wish_id, str) or not 0 < len(wish_id) <= 36 or "\x00" in wish_id:
        return None
    cache = _cached("_redgrid_wish_owners")
    if wish_id not in cache:
        cache[wish_id] = db.session.scalar(select(Wish.user_id).where(Wish.id == wish_id))
    return cache[wish_id]


def card_buckets(values) -> list[str]:
    community_id = values.get("community_id")
    if not is_row_id(community_id):
        return []
    owner = owner_of(values.get("wish_id"))
    return [f"community:{community_id}", *org_buckets(community_id), *([f"user:{owner}"] if owner else [])]
