"""User and role management for admins (scoped to their org subtree)."""

from flask_login import current_user, login_required

from server.admin import service
from server.admin.schemas import (
    AdminUserDetailSchema,
    AdminUserPageSchema,
    RoleGrantSchema,
    UserCreateSchema,
    UserListArgsSchema,
    UserUpdateSchema,
)
from server.api import ErrorSchema
from server.core.edge import Blueprint

blp = Blueprint("admin", __name__, url_prefix="/api/admin", description="Users and roles (admins)")


@blp.route("/users", methods=["GET"])
@login_required
@blp.arguments(UserListArgsSchema, location="query")
@blp.response(200, AdminUserPageSchema)
def users(args):
    """Users holding a role inside your jurisdiction.

    An account that also holds roles outside it is listed with managed_elsewhere true: you see
    and change only your roles of it; its password, name, language and active state belong to an
    admin over all its roles."""
    return service.list_users(current_user, **args)


@blp.route("/users", methods=["POST"])
@login_required
@blp.arguments(UserCreateSchema)
@blp.response(201, AdminUserDetailSchema)
def create_user(data):
    """Create an account with at least one role inside your jurisdiction."""
    return service.create_user(current_user, data)


@blp.route("/users/<int:user_id>", methods=["GET"])
@login_required
@blp.response(200, AdminUserDetailSchema)
def user(user_id):
    """One user with the roles inside your jurisdiction (never the others).

    managed_elsewhere true: the account also holds roles outside your jurisdiction, so its
    password, name, language and active state are read-only to you."""
    return service.user_detail(current_user, user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@login_required
@blp.arguments(UserUpdateSchema)
@blp.response(200, AdminUserDetailSchema)
@blp.alt_response(
    403, schema=ErrorSchema, description="managed_elsewhere: the account holds roles outside your jurisdiction"
)
def update_user(changes, user_id):
    """Rename, disable or reset the password of a user you manage.

    Only for an account every role of which is inside your jurisdiction (else 403
    managed_elsewhere: ask an admin over all its roles). A new password or active false ends
    the account's sessions on every device but the one sending the request."""
    return service.update_user(current_user, user_id, changes)


@blp.route("/users/<int:user_id>/roles", methods=["POST"])
@login_required
@blp.arguments(RoleGrantSchema)
@blp.response(201, AdminUserDetailSchema)
@blp.alt_response(
    409, schema=ErrorSchema, description="`duplicate_role`: the user holds this role with this scope already"
)
def grant_role(grant, user_id):
    """Give a user a role with a scope inside your jurisdiction (also one managed elsewhere)."""
    return service.grant_role(current_user, user_id, grant)


@blp.route("/users/<int:user_id>/roles/<int:assignment_id>", methods=["DELETE"])
@login_required
@blp.response(200, AdminUserDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`self_admin`: you cannot revoke your own admin role")
def revoke_role(user_id, assignment_id):
    """Take a role inside your jurisdiction away from a user; any other answers 404.

    After the last one, the answer holds no roles and the user drops out of your list."""
    return service.revoke_role(current_user, user_id, assignment_id)
