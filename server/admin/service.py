"""User accounts and role assignments, managed by admins within their jurisdiction."""

from sqlalchemy import func, or_, select

from server import authz
from server.audit.service import common_path, org_path_of, record, scope_org_path
from server.auth import service as auth_service
from server.auth.models import ROLE_ORG_KIND, ROLE_SCOPES, RoleAssignment, User
from server.auth.passwords import hash_password
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import Compound, Household, OrgUnit, PropertyCompany

SCOPE_MODELS = {"org_unit": OrgUnit, "compound": Compound, "company": PropertyCompany, "household": Household}


def list_users(admin: User, q=None, role=None, active=None, scope_id=None, page=1, per_page=50) -> dict:
    """Accounts holding a role inside the admin's jurisdiction (or inside one unit of it), each
    with its roles there and saying whether it is managed elsewhere."""
    authz.require(admin, "users.manage")
    unit = _filter_unit(admin, scope_id) if scope_id is not None else None
    # Holding a role inside the jurisdiction (or one unit of it) is what makes a user visible: one
    # filter, not two over the role assignments (bench/people_search.py).
    if role or unit is not None:
        seen = authz.users_holding_within(admin, role, unit)
    else:
        seen = authz.visible(admin, User)
    query = select(User).where(seen).order_by(User.id)
    if q:
        query = query.where(
            or_(User.display_name.contains(q, autoescape=True), User.phone.contains(q, autoescape=True))
        )
    if active is not None:
        query = query.where(User.active.is_(active))
    # Without a name, phone or state to check, the count comes from the role assignments' indexes.
    narrowed = (role or unit is not None) and not q and active is None
    counted = (lambda: authz.count_users_holding(admin, role, unit)) if narrowed else None
    found = _page(query, page, per_page, scanning=bool(q), count=counted)
    ids = [u.id for u in found["items"]]
    roles = {i: [] for i in ids}
    assignments, elsewhere = authz.assignments_of_within(admin, ids)
    for assignment, described in zip(assignments, auth_service.describe_assignments(assignments), strict=True):
        roles[assignment.user_id].append(described)
    return {
        **found,
        "items": [{**_user_fields(u, u.id in elsewhere), "roles": roles[u.id]} for u in found["items"]],
    }


def _page(query, page: int, per_page: int, scanning: bool, count=None) -> dict:
    """paginate(), shaped for the people list's two kinds of query (bench/people_search.py):

    - `scanning` (a name or phone fragment: every user is read anyway): the page and the total
      in one pass, count(*) OVER ();
    - else (a role or place): the page first, read in id order and stopping early; the count
      only when the page is full (else the page says the total), by `count()` when given."""
    offset = (page - 1) * per_page
    if scanning:
        rows = db.session.execute(
            query.add_columns(func.count().over().label("total")).limit(per_page).offset(offset)
        ).all()
        items, total = [row[0] for row in rows], (rows[0].total if rows else None)
    else:
        items = list(db.session.scalars(query.limit(per_page).offset(offset)))
        total = offset + len(items) if 0 < len(items) < per_page else None
    if total is None:
        total = 0 if page == 1 and not items else None
    if total is None:
        total = (
            count() if count else db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        )
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def _filter_unit(admin: User, unit_id: int) -> OrgUnit:
    """The org unit a list is narrowed to: one inside the admin's jurisdiction, else 422."""
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or not authz.can(admin, "scope.grant", ("org_unit", unit)):
        raise Invalid(_("role.out_of_scope"), fields={"scope_id": [_("role.out_of_scope")]})
    return unit


def user_detail(admin: User, user_id: int) -> dict:
    """One account with the roles inside the admin's jurisdiction (never the others)."""
    return _detail(admin, _managed_user(admin, user_id))


def _detail(admin: User, user: User) -> dict:
    """The detail after a change too: revoking the last role inside the jurisdiction leaves a
    user the admin no longer sees, and the answer must still say it was done."""
    elsewhere = user.id in authz.users_managed_elsewhere(admin, [user.id])
    return {
        **_user_fields(user, elsewhere),
        "roles": auth_service.describe_assignments(authz.assignments_within(admin, user.id)),
    }


def create_user(admin: User, data: dict) -> dict:
    """Create an account with its first roles in one transaction."""
    authz.require(admin, "users.create")
    grants = [_checked_grant(admin, g, f"roles.{i}") for i, g in enumerate(data["roles"])]
    where = common_path(org_path_of(scope) for _role, _type, scope in grants)
    user = auth_service.create_user(
        data["phone"], data["display_name"], data["password"], data["locale"], actor=admin, org_path=where
    )
    for role, scope_type, scope in grants:
        _add_assignment(admin, user, role, scope_type, scope)
    db.session.commit()
    return _detail(admin, user)


def update_user(admin: User, user_id: int, changes: dict) -> dict:
    """Rename, disable or re-password an account the admin is over in every role it holds.

    A new password or a disabled account ends the account's sessions on every device (an
    admin resetting their own password keeps the session they do it from)."""
    user = _managed_user(admin, user_id)
    if not authz.can(admin, "account.manage", user):
        raise Forbidden(_("user.managed_elsewhere"), code="managed_elsewhere")
    keep = admin.session_token if admin.id == user.id else None
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
        auth_service.end_sessions(user, keep_token=keep)
        record("user.password_reset", actor=admin, target=user)
    if changes.get("active") is False:
        auth_service.end_sessions(user, keep_token=keep)
    for key, value in changes.items():
        setattr(user, key, value)
    if changes:
        record("user.update", actor=admin, target=user, changes=sorted(changes))
    db.session.commit()
    return _detail(admin, user)


def grant_role(admin: User, user_id: int, grant: dict) -> dict:
    """Give a role inside the admin's jurisdiction, also to an account managed elsewhere (it
    adds to the admin's own scope only)."""
    user = _managed_user(admin, user_id)
    role, scope_type, scope = _checked_grant(admin, grant, None)
    existing = db.session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            getattr(RoleAssignment, f"{scope_type}_id") == scope.id,
        )
    )
    if existing is not None:
        raise Conflict(_("role.duplicate"), code="duplicate_role")
    _add_assignment(admin, user, role, scope_type, scope)
    db.session.commit()
    authz.forget_scopes(user)
    return _detail(admin, user)


def revoke_role(admin: User, user_id: int, assignment_id: int) -> dict:
    """Take away a role inside the admin's jurisdiction; roles outside it are not found."""
    user = _managed_user(admin, user_id)
    assignment = next((a for a in authz.assignments_within(admin, user.id) if a.id == assignment_id), None)
    if assignment is None:
        raise NotFound(_("error.not_found"))
    if user.id == admin.id and assignment.role == "admin":
        raise Conflict(_("role.self_admin"), code="self_admin")
    record(
        "role.revoke",
        actor=admin,
        target=user,
        role=assignment.role,
        scope_type=assignment.scope_type,
        scope_id=assignment.scope_id,
        org_path=scope_org_path(assignment.scope_type, assignment.scope_id),
    )
    db.session.delete(assignment)
    db.session.commit()
    authz.forget_scopes(user)
    return _detail(admin, user)


def _managed_user(admin: User, user_id: int) -> User:
    authz.require(admin, "users.manage")
    return authz.get_visible(admin, User, user_id)


def _checked_grant(admin: User, grant: dict, field_prefix: str | None):
    """Validate a (role, scope_id) grant: right kind of scope, exists, inside the admin's jurisdiction."""
    role, scope_id = grant["role"], grant["scope_id"]
    scope_type = ROLE_SCOPES[role]

    def field(name):
        return f"{field_prefix}.{name}" if field_prefix else name

    scope = db.session.get(SCOPE_MODELS[scope_type], scope_id)
    if scope is None:
        raise Invalid(_("role.scope_missing"), fields={field("scope_id"): [_("role.scope_missing")]})
    wanted_kind = ROLE_ORG_KIND.get(role)
    if wanted_kind and scope.kind != wanted_kind:
        message = _("role.scope_mismatch", role=role, scope=_(f"scope.{wanted_kind}"))
        raise Invalid(message, fields={field("scope_id"): [message]})
    if not authz.can(admin, "scope.grant", (scope_type, scope)):
        raise Forbidden(_("role.out_of_scope"), fields={field("scope_id"): [_("role.out_of_scope")]})
    return role, scope_type, scope


def _add_assignment(admin: User, user: User, role: str, scope_type: str, scope) -> None:
    assignment = RoleAssignment(user_id=user.id, role=role, granted_by_id=admin.id, **{f"{scope_type}_id": scope.id})
    db.session.add(assignment)
    record(
        "role.grant",
        actor=admin,
        target=user,
        role=role,
        scope_type=scope_type,
        scope_id=scope.id,
        org_path=org_path_of(scope),
    )


def _user_fields(user: User, managed_elsewhere: bool) -> dict:
    fields = ("id", "phone", "display_name", "locale", "active", "created_at", "last_sign_in_at")
    return {**{c: getattr(user, c) for c in fields}, "managed_elsewhere": managed_elsewhere}
