"""Shapes of user and role management for admins."""

import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema, page_of
from server.auth.models import ROLES
from server.auth.schemas import PasswordField, PhoneField, RoleViewSchema
from server.core.edge import INT_MAX, Schema
from server.core.fields import UtcDateTime
from server.i18n import LOCALES


class RoleGrantSchema(Schema):
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES))
    scope_id = ma.fields.Integer(
        required=True,
        strict=True,
        metadata={"description": "id of the org unit, compound, company or household the role's scope type names"},
    )


class UserCreateSchema(Schema):
    phone = PhoneField(required=True)
    display_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = PasswordField(required=True)
    locale = ma.fields.String(load_default="zh-CN", validate=validate.OneOf(LOCALES))
    roles = ma.fields.List(
        ma.fields.Nested(RoleGrantSchema),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "at least one role: an account always has a job and a scope"},
    )


class UserUpdateSchema(Schema):
    display_name = ma.fields.String(validate=validate.Length(min=1, max=40))
    locale = ma.fields.String(validate=validate.OneOf(LOCALES))
    active = ma.fields.Boolean(
        truthy={True},  # JSON true/false only
        falsy={False},
        metadata={"description": "false ends every session of the account (but the one sending it)"},
    )
    password = PasswordField(note="A new password ends every session of the account (but the one sending it).")


class AdminUserSchema(Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String()
    display_name = ma.fields.String()
    locale = ma.fields.String()
    active = ma.fields.Boolean()
    created_at = UtcDateTime()
    last_sign_in_at = UtcDateTime(allow_none=True)
    managed_elsewhere = ma.fields.Boolean(
        metadata={
            "description": "the account also holds roles outside your jurisdiction: you see and change only your "
            "roles; its password, name, language and active state are changed by an admin over all its roles "
            "(PATCH answers 403 managed_elsewhere)"
        }
    )


class AdminUserDetailSchema(AdminUserSchema):
    roles = ma.fields.List(ma.fields.Nested(RoleViewSchema), metadata={"description": "roles inside your jurisdiction"})


class UserListArgsSchema(PageArgsSchema):
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "name or phone contains"})
    role = ma.fields.String(
        validate=validate.OneOf(ROLES), metadata={"description": "holds this role inside your jurisdiction"}
    )
    active = ma.fields.Boolean(
        truthy={"true"}, falsy={"false"}, metadata={"description": "true: active accounts only; false: disabled only"}
    )
    scope_id = ma.fields.Integer(
        validate=validate.Range(min=1, max=INT_MAX),
        metadata={
            "description": "an org unit of your jurisdiction: only users holding a role (the role asked for, if "
            "any) inside its subtree; 422 for a unit outside it"
        },
    )


AdminUserPageSchema = page_of(AdminUserDetailSchema)
