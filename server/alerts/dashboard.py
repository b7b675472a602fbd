"""Alerts' section of an org unit's dashboard (server/core/dashboard.py, PROTOCOL.md §25): the alert
receipts (inbox entries of an alert) made in the period for the people of each child unit — sent,
delivered (a push reached one of their devices, or they read it) and read. A person is of the units
they hold a role in, and a resident of their household's community and the grids covering it."""

from sqlalchemy import case, distinct, func, or_, select, union

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
            GridCoverage,
            or_(GridCoverage.compound_id == homes.c.compound_id, GridCoverage.building_id == homes.c.building_id),
        ),
    ).subquery("people_units")


def alerts_section(user, unit, children, period) -> dict:
    tree = rollup.buckets(unit)
    people = people_units()
    delivered = or_(
        InboxEntry.read_at.is_not(None),
        InboxEntry.id.in_(select(Delivery.inbox_id).where(Delivery.delivered_at.is_not(None))),
    )
    entry = InboxEntry.id
    query = (
        select(
            tree.c.child_id,
            func.count(distinct(entry)),
            func.count(distinct(case((delivered, entry), else_=None))),
            func.count(distinct(case((InboxEntry.read_at.is_not(None), entry), else_=None))),
        )
        .join(people, people.c.user_id == InboxEntry.user_id)
        .join(tree, tree.c.unit_id == people.c.unit_id)
        .where(
            InboxEntry.alert_id.is_not(None), InboxEntry.created_at >= period.start, InboxEntry.created_at < period.end
        )
    )
    rows = db.session.execute(query.group_by(tree.c.child_id)).all()
    whole = db.session.execute(query.with_only_columns(*query.selected_columns[1:])).one()
    return dashboard.section("alerts", FIGURES, rows, children, lambda c: dict.fromkeys(FIGURES, LINK), whole)
