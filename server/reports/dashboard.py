"""The live dashboard of an org unit (看板, PROTOCOL.md §26): who may read it — an admin over the unit
(at or above it), or a grid worker for their own grid — the period it counts over, and the sections
the parts bring (server/core/dashboard.py), with the unit's children and the time it was counted."""

from sqlalchemy import select

from server import authz
from server.core import clock, dashboard
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org import rollup
from server.org.models import OrgUnit


def unit_of(user, unit_id: int) -> OrgUnit:
    """The unit if the user may read its dashboard; else 404 (never telling whether it exists),
    403 for users who can read no dashboard at all."""
    scopes = authz.scopes_of(user)
    if not scopes.is_admin and not scopes.grid_ids:
        raise Forbidden(_("error.forbidden"))
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(_("error.not_found"))
    if any(unit.path.startswith(p) for p in scopes.admin_paths) or unit.id in scopes.grid_ids:
        return unit
    raise NotFound(_("error.not_found"))


def home_unit(user) -> OrgUnit:
    """The unit whose dashboard #/admin/dashboard opens: the admin's outermost one (or the worker's grid)."""
    scopes = authz.scopes_of(user)
    if scopes.admin_paths:
        return db.session.scalar(select(OrgUnit).where(OrgUnit.path == sorted(scopes.admin_paths, key=len)[0]))
    if scopes.grid_ids:
        return db.session.get(OrgUnit, min(scopes.grid_ids))
    raise Forbidden(_("error.forbidden"))


def period_of(text: str | None) -> dashboard.Period:
    period = dashboard.Period.parse(text)
    if period is None:
        raise Invalid(_("error.validation"), {"period": [_("dashboard.period_invalid")]})
    return period


def _place(unit: OrgUnit) -> dict:
    return {"id": unit.id, "name": unit.name, "kind": unit.kind}


def read(user, unit_id: int | None, period_text: str | None) -> dict:
    unit = home_unit(user) if unit_id is None else unit_of(user, unit_id)
    period = period_of(period_text)
    children = rollup.children(unit)
    ancestors = unit.ancestor_ids[:-1]
    scopes = authz.scopes_of(user)
    above = (
        db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ancestors)).order_by(OrgUnit.depth)).all()
        if ancestors
        else []
    )
    return {
        "unit": _place(unit),
        # the units above it this user may open too (the way back up)
        "path": [_place(a) for a in above if any(a.path.startswith(p) for p in scopes.admin_paths)],
        "children": [_place(c) for c in children],
        "period": {"text": period.text, "start": period.start, "end": period.end},
        "generated_at": clock.now(),
        "sections": dashboard.sections(user, unit, children, period),
    }
