"""微心愿 as a workbook (server/core/xlsx.py export_list, PROTOCOL.md §24.1): the wishes of an
admin's jurisdiction with their review and, once on the wall, their card — who claimed it (and for
which unit), when it was fulfilled, the hours and the resident's rating. The phones list wishes from
their own copy (§14); this is the same records from the server, for the desk and the year's
accounts of 微心愿."""

from sqlalchemy import select

from server import authz
from server.auth.service import display_names
from server.core import xlsx
from server.extensions import db
from server.i18n import _
from server.org.names import household_addresses, unit_names
from server.wishes.models import Wish, WishCard

COLUMNS = (
    "id", "created_at", "title", "household", "community", "status", "public_title", "card_status",
    "claimant", "claimant_unit", "claimed_at", "fulfilled_at", "hours", "rating", "rating_comment",
)  # fmt: skip


def wish_query(user, status="all"):
    """The wishes of the admin's jurisdiction, oldest first."""
    authz.require(user, "tasks.manage")  # an admin: wishes are reviewed by the community's admins
    units = authz.units_under(list(authz.scopes_of(user).admin_paths))
    query = select(Wish).where(Wish.community_id.in_(units), Wish.deleted.is_(False))
    if status != "all":
        query = query.where(Wish.status == status)
    return query.order_by(Wish.created_at, Wish.id)


def _rows(wishes) -> list[dict]:
    """A chunk of wishes as rows, each with its card when it is on the wall."""
    cards = {
        c.wish_id: c for c in db.session.scalars(select(WishCard).where(WishCard.wish_id.in_([w.id for w in wishes])))
    }
    pairs = [(wish, cards.get(wish.id)) for wish in wishes]
    places = household_addresses(wish.household_id for wish, _card in pairs)
    communities = unit_names(w.community_id for w, _c in pairs)
    claimants = display_names(card.claimant_id for _w, card in pairs if card and card.claimant_id)
    out = []
    for wish, card in pairs:
        row = {
            "id": wish.id,
            "created_at": wish.created_at,
            "title": wish.title,
            "household": places.get(wish.household_id),
            "community": communities.get(wish.community_id),
            "status": _(f"wish.export.status.{wish.status}"),
            "public_title": wish.public_title,
        }
        if card is not None:
            row |= {
                "card_status": _(f"wish.export.card_status.{card.status}"),
                "claimant": claimants.get(card.claimant_id),
                "claimant_unit": card.claimant_unit,
                "claimed_at": card.claimed_at,
                "fulfilled_at": card.fulfilled_at,
                "hours": card.hours,
                "rating": card.rating,
                "rating_comment": card.rating_comment,
            }
        out.append(row)
    return out


def wishes_xlsx(user, status: str):
    """GET /api/wishes/export.xlsx?status=: the wishes of the admin's jurisdiction."""
    shown = _("export.all") if status == "all" else _(f"wish.export.status.{status}")
    return xlsx.export_list(
        wish_query(user, status),
        _rows,
        [(key, _(f"wish.export.col.{key}")) for key in COLUMNS],
        title=_("wish.export.title"),
        filters=[(_("export.filter.status"), shown)],
        filename=_("wish.export.title"),
    )
