"""The monthly report of a community (月度报告, PROTOCOL.md §24.3): who may read it — an admin over
the community (above it, or the city's) — which months there are, and the sections the parts bring
(server/core/monthly.py)."""

from sqlalchemy import select

from server import authz
from server.core import clock, monthly
from server.core.clock import CHINA
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit


def communities(user) -> list[OrgUnit]:
    """The communities inside the admin's jurisdiction, by name (non-admins: 403)."""
    scopes = authz.scopes_of(user)
    if not scopes.is_admin:
        raise Forbidden(_("error.forbidden"))
    return list(
        db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.kind == "community", OrgUnit.id.in_(authz.units_under(list(scopes.admin_paths))))
            .order_by(OrgUnit.path)
        )
    )


def community(user, community_id: int) -> OrgUnit:
    """A community the admin reports on: one under their jurisdiction (else 404; non-admins 403)."""
    scopes = authz.scopes_of(user)
    if not scopes.is_admin:
        raise Forbidden(_("error.forbidden"))
    unit = db.session.get(OrgUnit, community_id)
    if unit is None or unit.kind != "community" or not any(unit.path.startswith(p) for p in scopes.admin_paths):
        raise NotFound(_("error.not_found"))
    return unit


def this_month() -> str:
    return clock.now().astimezone(CHINA).strftime("%Y-%m")


def month_of(text: str) -> monthly.Month:
    """ "2026-11" as a Month; malformed, or after this month: 422 on `month`."""
    month = monthly.Month.parse(text)
    if month is None:
        raise Invalid(_("error.validation"), {"month": [_("monthly.month_invalid")]})
    if month.text > this_month():
        raise Invalid(_("error.validation"), {"month": [_("monthly.month_future")]})
    return month


def report(user, community_id: int, month_text: str) -> dict:
    unit = community(user, community_id)
    month = month_of(month_text)
    now = clock.now()
    return {
        "community": unit,
        "month": month,
        "complete": month.end <= now,
        "generated_at": now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
        "sections": monthly.sections(user, unit, month),
    }
