"""The service record's section of an org unit's dashboard (server/core/dashboard.py, PROTOCOL.md
§26): per child unit, the volunteer hours credited in the period in its communities and how many
people served them."""

from sqlalchemy import distinct, func, select

from server.core import dashboard
from server.extensions import db
from server.ledger.models import ServiceEntry
from server.org import rollup

FIGURES = ("hours", "people")


def service_section(user, unit, children, period) -> dict | None:
    if unit.kind in ("grid", "courtyard"):
        return None  # the record is kept per community
    tree = rollup.buckets(unit)
    query = (
        select(tree.c.child_id, func.sum(ServiceEntry.hours), func.count(distinct(ServiceEntry.account_id)))
        .join(tree, tree.c.unit_id == ServiceEntry.community_id)
        .where(
            ServiceEntry.status == "credited",
            ServiceEntry.deleted.is_(False),
            ServiceEntry.occurred_at >= period.start,
            ServiceEntry.occurred_at < period.end,
        )
    )
    rows = db.session.execute(query.group_by(tree.c.child_id)).all()
    whole = db.session.execute(query.with_only_columns(*query.selected_columns[1:])).one()  # a person serves twice
    out = dashboard.section("service", FIGURES, rows, children, None, whole)
    if unit.kind == "community":  # its grids keep no record of their own: none to show (not 0)
        out["units"] = {key: dict.fromkeys(FIGURES) for key in out["units"]}
    return out
