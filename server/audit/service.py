"""Writing and reading the audit log. Callers commit with the action they audit (one transaction).

Each entry keeps the org path of what was changed (org_path): given by the caller that knows it,
else derived from the target (an org unit, a place, a user: the common ancestor of the scopes of
the roles the user holds). An admin reads the entries inside their subtrees and their own."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import has_request_context, request
from sqlalchemy import select

from server import authz
from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment, User
from server.core.pages import paginate
from server.extensions import db
from server.org.models import Building, Compound, Household, OrgUnit, PropertyCompany, Resident


def record(action: str, actor=None, target=None, org_path: str | None = None, **details) -> AuditEntry:
    """Append one audit entry to the session (committed with the caller's transaction)."""
    target = _unproxy(target)
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        details=details,
        org_path=org_path if org_path is not None else org_path_of(target),
    )
    if has_request_context():
        entry.ip = request.remote_addr
        entry.user_agent = (request.user_agent.string or "")[:255]
    db.session.add(entry)
    return entry


def _unproxy(obj):
    """flask_login.current_user is a proxy; its type is not the model's."""
    return obj._get_current_object() if hasattr(obj, "_get_current_object") else obj


def org_path_of(target) -> str | None:
    """Where in the org tree a thing lies; None for what lies nowhere (or everywhere)."""
    if target is None:
        return None
    if isinstance(target, OrgUnit):
        return target.path
    if isinstance(target, Compound):
        return target.community.path
    if isinstance(target, Building):
        return target.compound.community.path
    if isinstance(target, Household):
        return target.building.compound.community.path
    if isinstance(target, Resident):
        return org_path_of(target.household)
    if isinstance(target, PropertyCompany):
        return common_path(_company_paths([target.id]))
    if isinstance(target, User) and target.id is not None:
        return common_path(_role_paths(target.id))
    return None


SCOPE_MODELS = {"org_unit": OrgUnit, "compound": Compound, "company": PropertyCompany, "household": Household}


def scope_org_path(scope_type: str, scope_id: int) -> str | None:
    """The org path of a role's scope (RoleAssignment.scope_type and scope_id)."""
    return org_path_of(db.session.get(SCOPE_MODELS[scope_type], scope_id))


def common_path(paths) -> str | None:
    """The deepest org path every one of `paths` lies in ("/1/5/" of "/1/5/7/" and "/1/5/9/")."""
    split = [[p for p in path.strip("/").split("/") if p] for path in paths if path]
    if not split:
        return None
    common = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/" + "".join(f"{p}/" for p in common) if common else None


def _company_paths(company_ids) -> list[str]:
    found = select(OrgUnit.path).join(Compound, Compound.community_id == OrgUnit.id)
    return list(db.session.scalars(found.where(Compound.property_company_id.in_(company_ids)).distinct()))


def _role_paths(user_id: int) -> list[str]:
    """The org paths of the scopes of a user's roles."""
    with db.session.no_autoflush:
        held = db.session.execute(
            select(
                RoleAssignment.org_unit_id,
                RoleAssignment.compound_id,
                RoleAssignment.household_id,
                RoleAssignment.company_id,
            ).where(RoleAssignment.user_id == user_id)
        ).all()
        paths = list(db.session.scalars(select(OrgUnit.path).where(OrgUnit.id.in_([h[0] for h in held if h[0]]))))
        compounds = {h[1] for h in held if h[1]}
        households = [h[2] for h in held if h[2]]
        if households:
            compounds |= set(
                db.session.scalars(
                    select(Building.compound_id)
                    .join(Household, Household.building_id == Building.id)
                    .where(Household.id.in_(households))
                )
            )
        if compounds:
            paths += db.session.scalars(
                select(OrgUnit.path)
                .join(Compound, Compound.community_id == OrgUnit.id)
                .where(Compound.id.in_(compounds))
            )
        companies = [h[3] for h in held if h[3]]
        if companies:
            paths += _company_paths(companies)
    return paths


def list_entries(user, page: int = 1, per_page: int = 50, **filters) -> dict:
    """Audit entries of the admin's jurisdiction newest first, with who did it and on what by name."""
    authz.require(user, "audit.read")
    query = select(AuditEntry).where(authz.audit_in_jurisdiction(user, AuditEntry.org_path, AuditEntry.actor_id))
    actions = filters.pop("action", None)
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    since, until = filters.pop("since", None), filters.pop("until", None)
    if since is not None:
        query = query.where(AuditEntry.at >= _beijing_midnight(since))
    if until is not None:
        query = query.where(AuditEntry.at < _beijing_midnight(until + timedelta(days=1)))
    actor = filters.pop("actor", None)
    if actor:
        people = select(User.id).where(
            (User.display_name.contains(actor, autoescape=True)) | (User.phone.contains(actor, autoescape=True))
        )
        query = query.where(AuditEntry.actor_id.in_(people))
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(AuditEntry, name) == value)
    found = paginate(query.order_by(AuditEntry.id.desc()), page, per_page)
    return {**found, "items": _named(found["items"])}


BEIJING = ZoneInfo("Asia/Shanghai")  # the days an admin in Xuchang asks for


def _beijing_midnight(day):
    return datetime.combine(day, time(), tzinfo=BEIJING).astimezone(UTC)


NAMED_TARGETS = {"users": (User, "display_name"), "org_units": (OrgUnit, "name"), "compounds": (Compound, "name")}


def _named(entries) -> list[dict]:
    """The entries with the actor's name, the target's name and the place's path names (a fixed
    number of queries per page)."""
    user_ids = {e.actor_id for e in entries if e.actor_id}
    wanted = {kind: {e.target_id for e in entries if e.target_type == kind and e.target_id} for kind in NAMED_TARGETS}
    wanted["users"] |= user_ids
    names = {}
    for kind, ids in wanted.items():
        model, column = NAMED_TARGETS[kind]
        if ids:
            rows = db.session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids)))
            names[kind] = dict(rows.all())
    unit_ids = {int(p) for e in entries if e.org_path for p in e.org_path.strip("/").split("/") if p}
    units = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids))).all())
    return [
        {
            **{c: getattr(e, c) for c in ("id", "at", "actor_id", "action", "target_type", "target_id", "ip")},
            "details": e.details or {},
            "actor_name": names.get("users", {}).get(e.actor_id),
            "target_name": names.get(e.target_type, {}).get(e.target_id),
            "place": [units[int(p)] for p in (e.org_path or "").strip("/").split("/") if p and int(p) in units],
        }
        for e in entries
    ]
