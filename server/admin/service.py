"""User accounts and role assignments, managed by admins within their jurisdiction."""
from sqlalchemy import or_, select

from server import authz
from server.audit.service import record
from server.auth import service as auth_service
from server.auth.models import ROLE_ORG_KIND, ROLE_SCOPES, RoleAssignment, User
from server.auth.passwords import hash_password
from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import Compound, Household, OrgUnit, PropertyCompany
from server.org.service import paginate

SCOPE_MODELS = {"org_unit": OrgUnit, "compound": Compound, "company": PropertyCompany, "household": Household}


def list_users(admin: User, q=None, role=None, page=1, per_page=50) -> dict:
    authz.require(admin, "users.manage")
    query = select(User).where(authz.visible(admin, User)).order_by(User.id)
    if q:
        query = query.where(or_(User.display_name.contains(q, autoescape=True), User.phone.contains(q, autoescape=True)))
    if role:
        query = query.where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == role)))
    return paginate(query, page, per_page)


def user_detail(admin: User, user_id: int) -> dict:
    user = _managed_user(admin, user_id)
    assignments = [a for a in user.roles if _assignment_within(admin, a)]
    return {**_user_fields(user), "roles": auth_service.describe_assignments(assignments)}


def create_user(admin: User, data: dict) -> dict:
    """Create an account with its first roles in one transaction."""
    authz.require(admin, "users.create")
    grants = [_checked_grant(admin, g, f"roles.{i}") for i, g in enumerate(data["roles"])]
    user = auth_service.create_user(
        data["phone"], data["display_name"], data["password"], data["locale"], actor=admin
    )
    for role, scope_type, scope in grants:
        _add_assignment(admin, user, role, scope_type, scope)
    db.session.commit()
    return user_detail(admin, user.id)


def update_user(admin: User, user_id: int, changes: dict) -> dict:
    user = _managed_user(admin, user_id)
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
        record("user.password_reset", actor=admin, target=user)
    for key, value in changes.items():
        setattr(user, key, value)
    if changes:
        record("user.update", actor=admin, target=user, changes=sorted(changes))
    db.session.commit()
    return user_detail(admin, user.id)


def grant_role(admin: User, user_id: int, grant: dict) -> dict:
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
    return user_detail(admin, user.id)


def revoke_role(admin: User, user_id: int, assignment_id: int) -> dict:
    user = _managed_user(admin, user_id)
    assignment = db.session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.user_id != user.id or not _assignment_within(admin, assignment):
        raise NotFound(_("error.not_found"))
    if user.id == admin.id and assignment.role == "admin":
        raise Conflict(_("role.self_admin"), code="self_admin")
    record("role.revoke", actor=admin, target=user, role=assignment.role, scope_type=assignment.scope_type, scope_id=assignment.scope_id)
    db.session.delete(assignment)
    db.session.commit()
    authz.forget_scopes(user)
    return user_detail(admin, user.id)


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
    record("role.grant", actor=admin, target=user, role=role, scope_type=scope_type, scope_id=scope.id)


def _assignment_within(admin: User, assignment: RoleAssignment) -> bool:
    scope = db.session.get(SCOPE_MODELS[assignment.scope_type], assignment.scope_id)
    return authz.can(admin, "scope.grant", (assignment.scope_type, scope))


def _user_fields(user: User) -> dict:
    return {c: getattr(user, c) for c in ("id", "phone", "display_name", "locale", "active", "created_at", "last_sign_in_at")}
