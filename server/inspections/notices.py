"""Who hears of a rectification order, through the one notification service
(server/notices/service.py: a synced inbox entry, live, Web Push), in the recipient's language:

    event                       who                                    level    link
    orders made (an inspection  the property staff of the order's      notice   the order (one) or home (several)
    found failed items)         company: one notice per inspection
    responded (整改回复)         the red stewards of the compound       notice   the order
    closed (复查通过)             the order company's staff, and the     info     the order (staff);
                                residents (整改结果: what was fixed)            整改结果 for residents
    reopened (复查不通过)         the company's staff, with the note     warning  the order

Overdue and escalated orders are escalation.py's. Every notice has a dedupe key of its event
(an inspection, an order's history step), so a retried push notifies nobody twice. Category
"rectification" (整改结果): a device may turn its pushes off in its settings.
"""

from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.extensions import db
from server.i18n import text_in
from server.notices.audience import Targeting, resolve
from server.notices.service import notify
from server.org.models import Compound

CATEGORY = "rectification"


def holders(role: str, column, scope_id) -> list[int]:
    """The users holding `role` at one scope (e.g. property_staff, RoleAssignment.company_id, 3)."""
    if scope_id is None:
        return []
    return list(
        db.session.scalars(
            select(RoleAssignment.user_id)
            .where(RoleAssignment.role == role, column == scope_id)
            .order_by(RoleAssignment.user_id)
        )
    )


def stewards_of(compound_id: int) -> list[int]:
    """The red stewards of a compound, lowest user id first."""
    return holders("red_steward", RoleAssignment.compound_id, compound_id)


def staff_of(company_id: int | None) -> list[int]:
    """The staff of the order's company (the one it was made for, even if the compound changed hands)."""
    return holders("property_staff", RoleAssignment.company_id, company_id)


def residents_of(compound_id: int) -> list[int]:
    return resolve(Targeting(compound_ids=(compound_id,), roles=("resident",)))


def _compound_name(compound_id: int) -> str:
    compound = db.session.get(Compound, compound_id)
    return compound.name if compound else str(compound_id)


def orders_made(
    inspection_id: str, compound_id: int, company_id: int | None, order_ids: list[str], first_deadline: str
) -> set[str]:
    """The company's staff hear of the orders an inspection made (one notice for all of them)."""
    if not order_ids:
        return set()
    name, count = _compound_name(compound_id), len(order_ids)
    link = f"#/orders/{order_ids[0]}" if count == 1 else "#/"
    notify(
        staff_of(company_id),
        "orders_made",
        lambda locale: text_in(locale, "notification.orders_made.title", compound=name, count=count),
        lambda locale: text_in(locale, "notification.orders_made.body", count=count, deadline=first_deadline),
        link,
        "notice",
        CATEGORY,
        {"inspection_id": inspection_id, "order_ids": order_ids},
        dedupe_key=f"inspection:{inspection_id}:orders",
    )
    return set()


def order_moved(order_id: str, order: dict, status: str, step: int) -> set[str]:
    """An order's move by a person (responded, closed, reopened): its other side hears of it.
    `step` is the move's place in the order's history (each move notifies once)."""
    compound_id, company_id, item, link = (
        order["compound_id"],
        order.get("company_id"),
        order.get("item_text") or "",
        f"#/orders/{order_id}",
    )
    name = _compound_name(compound_id)
    data = {"order_id": order_id, "status": status}
    key = f"order:{order_id}:{step}:{status}"

    def texts(kind, **params):
        return (
            lambda locale: text_in(locale, f"notification.{kind}.title", compound=name, item=item, **params),
            lambda locale: text_in(locale, f"notification.{kind}.body", compound=name, item=item, **params),
        )

    if status == "responded":
        notify(
            stewards_of(compound_id),
            "order_responded",
            *texts("order_responded"),
            link,
            "notice",
            CATEGORY,
            data,
            dedupe_key=key,
        )
    elif status == "reopened":
        note = (order.get("review_note") or "").strip()
        notify(
            staff_of(company_id),
            "order_reopened",
            *texts("order_reopened", note=note),
            link,
            "warning",
            CATEGORY,
            data,
            dedupe_key=key,
        )
    elif status == "closed":
        notify(
            staff_of(company_id), "order_closed", *texts("order_closed"), link, "info", CATEGORY, data, dedupe_key=key
        )
        notify(
            residents_of(compound_id),
            "rectification_result",
            *texts("rectification_result"),
            None,
            "info",
            CATEGORY,
            data,
            dedupe_key=f"{key}:residents",
        )
    return set()
