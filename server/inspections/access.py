"""Who sees an inspection or a rectification order — one rule, written twice over the same facts:
as the sync buckets a record lives in (PROTOCOL.md §12: steward:<compound> and org:<unit> of
every unit above its compound; an order also company:<id>) and as the rows authz answers the
API with (registered by create_app). The admins above the compound and its red stewards see
both; the staff of the order's property company see its orders; residents never see either."""

from flask import g, has_app_context
from sqlalchemy import false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from server import authz
from server.auth.models import User
from server.core.fields import is_row_id
from server.extensions import db
from server.inspections.models import Inspection, RectificationOrder
from server.org.models import Compound, OrgUnit

# --- as sync buckets --------------------------------------------------------------------------


def compound_place(compound_id) -> tuple[str, int | None] | None:
    """(the org path of the compound's community, its property company id), looked up once per
    app context (a push of many records of one compound asks for it again and again)."""
    if not is_row_id(compound_id):
        return None
    cache = g.setdefault("_redgrid_compound_places", {}) if has_app_context() else {}
    if compound_id not in cache:
        row = db.session.execute(
            select(OrgUnit.path, Compound.property_company_id)
            .join(Compound, Compound.community_id == OrgUnit.id)
            .where(Compound.id == compound_id)
        ).first()
        cache[compound_id] = None if row is None else (row[0], row[1])
    return cache[compound_id]


def _compound_buckets(compound_id) -> list[str]:
    """steward:<compound> and org:<unit> of every unit from the city down to its community."""
    place = compound_place(compound_id)
    if place is None:
        return []
    return [f"steward:{compound_id}"] + [f"org:{unit}" for unit in place[0].strip("/").split("/")]


def inspection_buckets(values) -> list[str]:
    """The compound's stewards and every admin above it; never residents (compound:<id>)."""
    return _compound_buckets(values.get("compound_id"))


def order_buckets(values) -> list[str]:
    """As the inspection's, plus company:<id> of the property company it goes to."""
    buckets = _compound_buckets(values.get("compound_id"))
    company_id = values.get("company_id")
    if buckets and is_row_id(company_id):
        buckets.append(f"company:{company_id}")
    return buckets


# --- as rows ----------------------------------------------------------------------------------


def _inspected_compounds(s: authz.Scopes) -> ColumnElement:
    """Compounds whose inspections a user sees: an admin's jurisdiction, a steward's own."""
    clauses = []
    if s.admin_paths:
        clauses.append(select(Compound.id).where(Compound.community_id.in_(authz.units_under(s.admin_paths))))
    if s.steward_compound_ids:
        clauses.append(select(Compound.id).where(Compound.id.in_(s.steward_compound_ids)))
    return clauses


def visible_inspections(user: User) -> ColumnElement:
    """Inspections (sync buckets steward:<compound> and org:…, PROTOCOL.md §12): the admins
    above the compound and its red stewards; never residents nor property staff."""
    s = authz.scopes_of(user)
    if s.is_root_admin:
        return true()
    return (
        or_(*[Inspection.compound_id.in_(q) for q in _inspected_compounds(s)]) if _inspected_compounds(s) else false()
    )


def visible_rectification_orders(user: User) -> ColumnElement:
    """Rectification orders: as inspections, plus the staff of the order's property company."""
    s = authz.scopes_of(user)
    if s.is_root_admin:
        return true()
    clauses = [RectificationOrder.compound_id.in_(q) for q in _inspected_compounds(s)]
    if s.company_ids:
        clauses.append(RectificationOrder.company_id.in_(s.company_ids))
    return or_(*clauses) if clauses else false()


VISIBILITY = {Inspection: visible_inspections, RectificationOrder: visible_rectification_orders}
