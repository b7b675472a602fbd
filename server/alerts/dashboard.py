"""Alerts' section of an org unit's dashboard (server/core/dashboard.py, PROTOCOL.md §26): the alert
receipts (inbox entries of an alert) made in the period for the people of each child unit — sent,
delivered (a push reached one of their devices, or they read it) and read. A person is of the units
they hold a role in, and a resident of their household's community and the grids covering it."""

from sqlalchemy import case, func, or_, select, union

from server.auth.models import RoleAssignment
from server.core import dashboard
from server.extensions import db
from server.notices.models import Delivery, InboxEntry
from server.org import rollup
from server.org.models import Building, Compound, GridCoverage, Household

FIGURES = ("sent", "delivered", "read")
LINK = "#/admin/alerts"


def people_units():
    """(user_id, unit_id): every org unit each person is of (docstring)."""
    homes = (
        select(RoleAssignment.user_id, Building.id.label("building_id"), Building.compound_id)
        .join(Household, Household.id == RoleAssignment.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(RoleAssignment.household_id.is_not(None))
        .subquery("homes")
    )
    return union(
        select(RoleAssignment.user_id, RoleAssignment.org_unit_id.label("unit_id")).where(
            RoleAssignment.org_unit_id.is_not(None)
        ),
        select(homes.c.user_id, Compound.community_id).join(Compound, Compound.id == homes.c.compound_id),
        select(homes.c.user_id, GridCoverage.grid_id).join(
            GridCoverage, GridCoverage.compound_id == homes.c.compound_id
        ),
        select(homes.c.user_id, GridCoverage.grid_id).join(
            GridCoverage, GridCoverage.building_id == homes.c.building_id
        ),
    ).subquery("people_units")


def alerts_section(user, unit, children, period) -> dict:
    tree = rollup.buckets(unit)
    people = people_units()
    # Each person once per child (a resident is of their community and of its grids), and once in all.
    per_child = select(people.c.user_id, tree.c.child_id).join(tree, tree.c.unit_id == people.c.unit_id).distinct()
    per_child = per_child.subquery("per_child")
    everyone = select(per_child.c.user_id).distinct().subquery("everyone")
    delivered = select(Delivery.inbox_id).where(Delivery.delivered_at.is_not(None)).distinct().subquery("delivered")
    receipts = (
        select(
            InboxEntry.user_id,
            case((or_(InboxEntry.read_at.is_not(None), delivered.c.inbox_id.is_not(None)), 1), else_=0).label(
                "delivered"
            ),
            case((InboxEntry.read_at.is_not(None), 1), else_=0).label("read"),
        )
        .outerjoin(delivered, delivered.c.inbox_id == InboxEntry.id)
        .where(
            InboxEntry.alert_id.is_not(None),
            InboxEntry.created_at >= period.start,
            InboxEntry.created_at < period.end,
        )
        .subquery("receipts")
    )
    figures = (func.count(), func.sum(receipts.c.delivered), func.sum(receipts.c.read))
    rows = db.session.execute(
        select(per_child.c.child_id, *figures)
        .join(per_child, per_child.c.user_id == receipts.c.user_id)
        .group_by(per_child.c.child_id)
    ).all()
    whole = db.session.execute(select(*figures).join(everyone, everyone.c.user_id == receipts.c.user_id)).one()
    return dashboard.section("alerts", FIGURES, rows, children, lambda c: dict.fromkeys(FIGURES, LINK), whole)
