"""Who reads and changes what of 双报到 (PROTOCOL.md §17.3). Reads outside a scope are 404 (the
ids reveal nothing); a role that may never do a thing at all gets 403.

- The community's admins (an admin whose subtree holds it): everything of the community, phones too.
- A unit's secretary (an active member with unit_role secretary): the unit, its resources, its
  members with their phones; changes the unit, its grids, resources and members' roles.
- A member: their own profile (their phone), their unit and its resources (never its members),
  the community's open projects.
"""

from sqlalchemy import select

from server import authz
from server.auth.models import User
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.i18n import _
from server.members.models import Member, Unit
from server.org.models import OrgUnit


def not_found() -> NotFound:
    return NotFound(_("error.not_found"))


def administers(user: User, community: OrgUnit | None) -> bool:
    """The user is an admin of this community or of a unit above it."""
    if community is None:
        return False
    s = authz.scopes_of(user)
    return s.is_root_admin or any(community.path.startswith(p) for p in s.admin_paths)


def community(community_id: int) -> OrgUnit | None:
    unit = db.session.get(OrgUnit, community_id)
    return unit if unit is not None and unit.kind == "community" else None


def administered_community(user: User, community_id: int) -> OrgUnit:
    """A community the user administers, else 403 (no admin role) or 404 (not theirs)."""
    if not authz.scopes_of(user).is_admin:
        raise Forbidden(_("error.forbidden"))
    found = community(community_id)
    if not administers(user, found):
        raise not_found()
    return found


def memberships(user: User) -> list[Member]:
    return list(
        db.session.scalars(select(Member).where(Member.user_id == user.id, Member.active.is_(True)).order_by(Member.id))
    )


def role_in_unit(user: User, unit: Unit) -> str | None:
    """'admin', 'secretary', 'member' or None: how the user stands to a unit."""
    if administers(user, db.session.get(OrgUnit, unit.community_id)):
        return "admin"
    role = db.session.scalar(
        select(Member.unit_role).where(Member.user_id == user.id, Member.unit_id == unit.id, Member.active.is_(True))
    )
    return role


def readable_unit(user: User, unit_id: int) -> tuple[Unit, str]:
    unit = db.session.get(Unit, unit_id)
    role = role_in_unit(user, unit) if unit is not None else None
    if role is None:
        raise not_found()
    return unit, role


def managed_unit(user: User, unit_id: int) -> Unit:
    """A unit the user may change: its secretary or an admin of its community."""
    unit, role = readable_unit(user, unit_id)
    if role == "member":
        raise Forbidden(_("members.secretary_only"), code="secretary_only")
    return unit


def may_read_member(user: User, member: Member) -> bool:
    """The member themself, the secretary of their unit, an admin of their community."""
    if member.user_id == user.id:
        return True
    if administers(user, db.session.get(OrgUnit, member.community_id)):
        return True
    if member.unit_id is None:
        return False
    return (
        db.session.scalar(
            select(Member.id).where(
                Member.user_id == user.id,
                Member.unit_id == member.unit_id,
                Member.unit_role == "secretary",
                Member.active.is_(True),
            )
        )
        is not None
    )


def reads_projects_of(user: User, community_id: int) -> bool:
    """The community's admins, members and volunteers."""
    s = authz.scopes_of(user)
    if community_id in s.volunteer_community_ids:
        return True
    return administers(user, db.session.get(OrgUnit, community_id))
