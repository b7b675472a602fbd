"""The rules of 双报到 (PROTOCOL.md §17): report codes, reporting with one, profiles, units, their
resources and the community's projects. Each write checks the caller's scope (access.py), is
audited where a code or a role is concerned, and commits here (the routes never do).

Refusals are 422 with the field they are about and a code of their own (§17.4): the code
entered is unknown, expired, used up or revoked; the user reported to the community already; a
grid is not the community's; a unit belongs to another community."""

from datetime import timedelta

from sqlalchemy import func, select, update

from server import authz
from server.audit.service import record as audit
from server.auth.models import RoleAssignment, User
from server.core import clock, codes
from server.errors import Invalid
from server.extensions import db
from server.i18n import _
from server.members import access
from server.members.models import (
    CODE_LENGTH,
    Member,
    ReportCode,
    ServiceProject,
    Unit,
    UnitGrid,
    UnitResource,
)
from server.org.models import OrgUnit

PROFILE_FIELDS = ("branch", "skills", "skills_note", "availability", "phone")
UNIT_FIELDS = ("name", "kind", "party_org", "contact_name", "contact_phone", "about")


def refusal(code: str, field: str, **params) -> Invalid:
    message = _(f"members.{code}", **params)
    return Invalid(message, {field: [message]}, code=code)


def _unique(values) -> list:
    return list(dict.fromkeys(values or []))


# --- codes -------------------------------------------------------------------------------------


def code_state(code: ReportCode, now=None) -> str:
    now = now or clock.now()
    if code.revoked_at is not None:
        return "revoked"
    if _aware(code.expires_at) <= now:
        return "expired"
    if code.uses >= code.max_uses:
        return "used_up"
    return "usable"


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.now().tzinfo)


def issue_code(admin: User, data: dict) -> dict:
    """A new code of a community the admin administers (audited members.code_issue)."""
    community = access.administered_community(admin, data["community_id"])
    unit_id = data.get("unit_id")
    if unit_id is not None:
        if data["kind"] == "unit":
            raise refusal("unit_code_names_unit", "unit_id")
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.community_id != community.id:
            raise refusal("unit_not_in_community", "unit_id")
    now = clock.now()
    code = ReportCode(
        code=_free_code(),
        community_id=community.id,
        kind=data["kind"],
        unit_id=unit_id,
        note=data.get("note"),
        max_uses=data["max_uses"],
        uses=0,
        expires_at=now + timedelta(days=data["days"]),
        created_by_id=admin.id,
        created_at=now,
    )
    db.session.add(code)
    db.session.flush()
    audit("members.code_issue", actor=admin, target=code, community_id=community.id, kind=code.kind, unit_id=unit_id)
    db.session.commit()
    return code_view(code)


def _free_code() -> str:
    while True:  # 32⁸ ≈ 10¹²: a clash is rare, and never kept
        text = codes.random_code(CODE_LENGTH)
        if db.session.scalar(select(ReportCode.id).where(ReportCode.code == text)) is None:
            return text


def revoke_code(admin: User, code_id: int) -> dict:
    code = db.session.get(ReportCode, code_id)
    if code is None:
        raise access.not_found()
    access.administered_community(admin, code.community_id)
    if code.revoked_at is None:
        code.revoked_at = clock.now()
        audit("members.code_revoke", actor=admin, target=code, community_id=code.community_id)
        db.session.commit()
    return code_view(code)


def code_view(code: ReportCode) -> dict:
    unit = db.session.get(Unit, code.unit_id) if code.unit_id else None
    return {
        **{c: getattr(code, c) for c in ("id", "code", "community_id", "kind", "unit_id", "note", "max_uses", "uses")},
        **{c: getattr(code, c) for c in ("expires_at", "revoked_at", "created_at")},
        "unit_name": unit.name if unit else None,
        "state": code_state(code),
    }


def usable_code(text: str) -> ReportCode:
    """The code typed, if it can still be used; else a refusal on the field `code`."""
    code = db.session.scalar(select(ReportCode).where(ReportCode.code == codes.normalise(text)))
    if code is None:
        raise refusal("code_unknown", "code")
    state = code_state(code)
    if state != "usable":
        raise refusal(f"code_{state}", "code")
    return code


def check_code(user: User, text: str) -> dict:
    """What a code is for, so the phone shows the right form (nothing is used up)."""
    code = usable_code(text)
    community = db.session.get(OrgUnit, code.community_id)
    unit = db.session.get(Unit, code.unit_id) if code.unit_id else None
    return {
        "kind": code.kind,
        "community_id": community.id,
        "community_name": community.name,
        "unit_id": unit.id if unit else None,
        "unit_name": unit.name if unit else None,
        "grids": [{"id": g.id, "name": g.name} for g in grids_of(community)],
    }


# --- reporting ---------------------------------------------------------------------------------


def report(user: User, data: dict) -> dict:
    """Report to a community with a code: a unit code registers a unit (the reporter becomes its
    secretary), a member code joins its unit or the community. The reporter holds the volunteer
    role of the community afterwards (granted here unless held)."""
    code = usable_code(data["code"])
    community = db.session.get(OrgUnit, code.community_id)
    existing = db.session.scalar(select(Member).where(Member.user_id == user.id, Member.community_id == community.id))
    if existing is not None and existing.active:
        raise refusal("already_reported", "code", community=community.name)
    if code.kind == "unit":
        if not data.get("unit"):
            raise refusal("unit_required", "unit")
        grid_ids = _checked_grids(community, data["unit"].get("grid_ids"), "unit.grid_ids")
    else:
        unit_target = db.session.get(Unit, code.unit_id) if code.unit_id else None
        if unit_target is not None and not unit_target.active:
            raise refusal("code_revoked", "code")
    # One use, counted atomically: two phones using the last use at once cannot both get it.
    taken = db.session.execute(
        update(ReportCode)
        .where(ReportCode.id == code.id, ReportCode.uses < ReportCode.max_uses, ReportCode.revoked_at.is_(None))
        .values(uses=ReportCode.uses + 1)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        raise refusal("code_used_up", "code")
    now = clock.now()
    if code.kind == "unit":
        unit = Unit(community_id=community.id, created_at=now, active=True)
        _apply_unit(unit, data["unit"])
        db.session.add(unit)
        db.session.flush()
        _set_grids(unit, grid_ids)
        unit_id, unit_role = unit.id, "secretary"
    else:
        unit_id, unit_role = code.unit_id, "member"
    member = existing or Member(user_id=user.id, community_id=community.id, created_at=now)
    member.unit_id, member.unit_role, member.active, member.code_id, member.updated_at = (
        unit_id,
        unit_role,
        True,
        code.id,
        now,
    )
    _apply_profile(member, data.get("profile") or {})
    db.session.add(member)
    _grant_volunteer(user, community, code)
    db.session.flush()
    audit(
        "members.report",
        actor=user,
        target=member,
        community_id=community.id,
        code_id=code.id,
        kind=code.kind,
        unit_id=unit_id,
    )
    db.session.commit()
    authz.forget_scopes(user)
    return member_view(member, with_phone=True)


def _grant_volunteer(user: User, community: OrgUnit, code: ReportCode) -> None:
    held = db.session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == "volunteer",
            RoleAssignment.org_unit_id == community.id,
        )
    )
    if held is None:
        db.session.add(
            RoleAssignment(
                user_id=user.id,
                role="volunteer",
                org_unit_id=community.id,
                granted_by_id=code.created_by_id,
                granted_at=clock.now(),
            )
        )
        audit("role.grant", actor=user, target=user, role="volunteer", scope_type="org_unit", scope_id=community.id)


def _apply_profile(member: Member, profile: dict) -> None:
    for name in PROFILE_FIELDS:
        if name in profile:
            value = profile[name]
            setattr(member, name, _unique(value) if name in ("skills", "availability") else value)
    member.skills = member.skills or []
    member.availability = member.availability or []


def _apply_unit(unit: Unit, data: dict) -> None:
    for name in UNIT_FIELDS:
        if name in data:
            setattr(unit, name, data[name])


def grids_of(community: OrgUnit) -> list[OrgUnit]:
    return list(
        db.session.scalars(
            select(OrgUnit)
            .where(OrgUnit.kind == "grid", OrgUnit.path.startswith(community.path, autoescape=True))
            .order_by(OrgUnit.name, OrgUnit.id)
        )
    )


def _checked_grids(community: OrgUnit, grid_ids, field: str) -> list[int]:
    wanted = _unique(grid_ids)
    theirs = {g.id for g in grids_of(community)}
    if any(grid_id not in theirs for grid_id in wanted):
        raise refusal("grid_not_in_community", field)
    return wanted


def _set_grids(unit: Unit, grid_ids: list[int]) -> None:
    db.session.execute(UnitGrid.__table__.delete().where(UnitGrid.unit_id == unit.id))
    db.session.add_all(UnitGrid(unit_id=unit.id, grid_id=grid_id) for grid_id in grid_ids)


# --- the member's own profile ---------------------------------------------------------------------


def update_profile(user: User, member_id: int, changes: dict) -> dict:
    member = db.session.get(Member, member_id)
    if member is None or member.user_id != user.id:
        raise access.not_found()
    _apply_profile(member, changes)
    member.updated_at = clock.now()
    db.session.commit()
    return member_view(member, with_phone=True)


def edit_member(user: User, member_id: int, changes: dict) -> dict:
    """A secretary or an admin: the member's role in the unit, or their leaving it (active false)."""
    member = db.session.get(Member, member_id)
    if member is None or member.unit_id is None or not access.may_read_member(user, member):
        raise access.not_found()
    unit = access.managed_unit(user, member.unit_id)
    stepping_down = changes.get("unit_role") == "member" or changes.get("active") is False
    if member.unit_role == "secretary" and member.active and stepping_down and _secretaries(unit) <= 1:
        raise refusal("last_secretary", "unit_role" if "unit_role" in changes else "active")
    for name, value in changes.items():
        setattr(member, name, value)
    member.updated_at = clock.now()
    audit("members.member_edit", actor=user, target=member, changes=sorted(changes))
    db.session.commit()
    return member_view(member, with_phone=True)


def _secretaries(unit: Unit) -> int:
    return db.session.scalar(
        select(func.count(Member.id)).where(
            Member.unit_id == unit.id, Member.unit_role == "secretary", Member.active.is_(True)
        )
    )


def _load_accounts(members: list[Member]) -> list[User]:
    """The members' accounts in one query: member_view then finds them in the session, as long as
    the caller holds the list (the session keeps only the objects something refers to)."""
    ids = {m.user_id for m in members}
    return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []


def member_view(member: Member, with_phone: bool) -> dict:
    user = db.session.get(User, member.user_id)
    community = db.session.get(OrgUnit, member.community_id)
    unit = db.session.get(Unit, member.unit_id) if member.unit_id else None
    return {
        **{c: getattr(member, c) for c in ("id", "user_id", "community_id", "unit_id", "unit_role", "branch")},
        **{c: getattr(member, c) for c in ("skills", "skills_note", "availability", "active", "created_at")},
        "display_name": user.display_name,
        "community_name": community.name,
        "unit_name": unit.name if unit else None,
        "phone": member.phone if with_phone else None,
    }


# --- units and their resources -------------------------------------------------------------------


def unit_view(unit: Unit, role: str) -> dict:
    """A unit as `role` sees it: its members (with phones) only to its secretary and the admins."""
    community = db.session.get(OrgUnit, unit.community_id)
    grid_ids = db.session.scalars(select(UnitGrid.grid_id).where(UnitGrid.unit_id == unit.id))
    grids = db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(grid_ids))).order_by(OrgUnit.name))
    members = list(
        db.session.scalars(select(Member).where(Member.unit_id == unit.id, Member.active.is_(True)).order_by(Member.id))
    )
    resources = db.session.scalars(
        select(UnitResource).where(UnitResource.unit_id == unit.id).order_by(UnitResource.id)
    )
    view = {
        **{c: getattr(unit, c) for c in ("id", "community_id", "name", "kind", "party_org", "contact_name")},
        **{c: getattr(unit, c) for c in ("contact_phone", "about", "active", "created_at")},
        "community_name": community.name,
        "grids": [{"id": g.id, "name": g.name} for g in grids],
        "member_count": len(members),
        "resources": [resource_view(r) for r in resources],
    }
    if role in ("admin", "secretary"):
        accounts = _load_accounts(members)  # noqa: F841 (held while the views are made)
        view["members"] = [member_view(m, with_phone=True) for m in members]
        view["community_grids"] = [{"id": g.id, "name": g.name} for g in grids_of(community)]
    return view


def unit_detail(user: User, unit_id: int) -> dict:
    unit, role = access.readable_unit(user, unit_id)
    return unit_view(unit, role)


def edit_unit(user: User, unit_id: int, changes: dict) -> dict:
    unit = access.managed_unit(user, unit_id)
    if "grid_ids" in changes:
        community = db.session.get(OrgUnit, unit.community_id)
        _set_grids(unit, _checked_grids(community, changes["grid_ids"], "grid_ids"))
    _apply_unit(unit, changes)
    audit("members.unit_edit", actor=user, target=unit, changes=sorted(changes))
    db.session.commit()
    return unit_view(unit, access.role_in_unit(user, unit))


def resource_view(resource: UnitResource) -> dict:
    names = ("id", "unit_id", "kind", "name", "description", "skills", "availability", "availability_note")
    return {
        **{c: getattr(resource, c) for c in names},
        "capacity": resource.capacity,
        "updated_at": resource.updated_at,
    }


def add_resource(user: User, unit_id: int, data: dict) -> dict:
    unit = access.managed_unit(user, unit_id)
    now = clock.now()
    resource = UnitResource(unit_id=unit.id, created_at=now, updated_at=now)
    _apply_resource(resource, data)
    db.session.add(resource)
    db.session.commit()
    return resource_view(resource)


def edit_resource(user: User, unit_id: int, resource_id: int, changes: dict) -> dict:
    resource = _unit_resource(user, unit_id, resource_id)
    _apply_resource(resource, changes)
    resource.updated_at = clock.now()
    db.session.commit()
    return resource_view(resource)


def delete_resource(user: User, unit_id: int, resource_id: int) -> None:
    db.session.delete(_unit_resource(user, unit_id, resource_id))
    db.session.commit()


def _unit_resource(user: User, unit_id: int, resource_id: int) -> UnitResource:
    unit = access.managed_unit(user, unit_id)
    resource = db.session.get(UnitResource, resource_id)
    if resource is None or resource.unit_id != unit.id:
        raise access.not_found()
    return resource


def _apply_resource(resource: UnitResource, data: dict) -> None:
    for name, value in data.items():
        setattr(resource, name, _unique(value) if name in ("skills", "availability") else value)


# --- the community's projects and overview --------------------------------------------------------


def project_view(project: ServiceProject, grid_names: dict[int, str]) -> dict:
    names = ("id", "community_id", "title", "description", "skills", "grid_ids", "availability", "starts_on")
    return {
        **{c: getattr(project, c) for c in names},
        **{c: getattr(project, c) for c in ("ends_on", "status", "need_id", "resource_id", "unit_id", "updated_at")},
        "grids": [{"id": i, "name": grid_names.get(i, "")} for i in project.grid_ids or []],
    }


def _grid_names(community_ids) -> dict[int, str]:
    names = {}
    for community_id in set(community_ids):
        names |= {g.id: g.name for g in grids_of(db.session.get(OrgUnit, community_id))}
    return names


def create_project(admin: User, community_id: int, data: dict) -> dict:
    community = access.administered_community(admin, community_id)
    _check_period(data)
    now = clock.now()
    project = ServiceProject(community_id=community.id, created_by_id=admin.id, created_at=now, updated_at=now)
    _apply_project(project, community, data)
    db.session.add(project)
    db.session.commit()
    return project_view(project, _grid_names([community.id]))


def edit_project(admin: User, project_id: int, changes: dict) -> dict:
    project = db.session.get(ServiceProject, project_id)
    if project is None:
        raise access.not_found()
    community = access.administered_community(admin, project.community_id)
    _check_period({"starts_on": project.starts_on, "ends_on": project.ends_on, **changes})
    _apply_project(project, community, changes)
    project.updated_at = clock.now()
    db.session.commit()
    return project_view(project, _grid_names([community.id]))


def _check_period(data: dict) -> None:
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise refusal("period_order", "ends_on")


def _apply_project(project: ServiceProject, community: OrgUnit, data: dict) -> None:
    for name, value in data.items():
        if name == "grid_ids":
            value = _checked_grids(community, value, "grid_ids")
        elif name in ("skills", "availability"):
            value = _unique(value)
        setattr(project, name, value)


def community_overview(admin: User, community_id: int) -> dict:
    """The admin's 报到管理: codes, units, members (phones too) and projects of a community."""
    community = access.administered_community(admin, community_id)
    codes = db.session.scalars(
        select(ReportCode).where(ReportCode.community_id == community.id).order_by(ReportCode.id.desc()).limit(200)
    )
    # Lists, held: the session finds these again by id only while something refers to them.
    units = list(db.session.scalars(select(Unit).where(Unit.community_id == community.id).order_by(Unit.name, Unit.id)))
    members = list(
        db.session.scalars(
            select(Member).where(Member.community_id == community.id, Member.active.is_(True)).order_by(Member.id)
        )
    )
    accounts = _load_accounts(members)  # noqa: F841 (held while the views are made)
    projects = db.session.scalars(
        select(ServiceProject).where(ServiceProject.community_id == community.id).order_by(ServiceProject.id.desc())
    )
    names = _grid_names([community.id])
    return {
        "community": {"id": community.id, "name": community.name},
        "grids": [{"id": i, "name": n} for i, n in sorted(names.items(), key=lambda item: item[1])],
        "codes": [code_view(c) for c in codes],
        "units": [unit_view(u, "admin") for u in units],
        "members": [member_view(m, with_phone=True) for m in members],
        "projects": [project_view(p, names) for p in projects],
    }


# --- what one user reads (the phone keeps it for offline use) ----------------------------------------


def mine(user: User) -> dict:
    """My reporting: my profiles, my units as I see them, my communities' open projects, and the
    communities I administer (for 报到管理)."""
    members = access.memberships(user)
    units = []
    for member in members:
        if member.unit_id:
            unit = db.session.get(Unit, member.unit_id)
            units.append(unit_view(unit, member.unit_role))
    community_ids = {m.community_id for m in members} | set(authz.scopes_of(user).volunteer_community_ids)
    projects = db.session.scalars(
        select(ServiceProject)
        .where(ServiceProject.community_id.in_(community_ids), ServiceProject.status == "open")
        .order_by(ServiceProject.id.desc())
    )
    names = _grid_names(community_ids)
    return {
        "members": [member_view(m, with_phone=True) for m in members],
        "units": units,
        "projects": [project_view(p, names) for p in projects],
        "communities": administered_communities(user),
    }


def administered_communities(user: User) -> list[dict]:
    s = authz.scopes_of(user)
    if not s.is_admin:
        return []
    found = db.session.scalars(
        select(OrgUnit)
        .where(OrgUnit.kind == "community", OrgUnit.id.in_(authz.units_under(s.admin_paths)))
        .order_by(OrgUnit.name)
        .limit(500)
    )
    return [{"id": c.id, "name": c.name} for c in found]
