"""Shapes of user and role management for admins."""
import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema, page_of
from server.auth.models import ROLES
from server.auth.schemas import PhoneField, RoleViewSchema
from server.i18n import LOCALES
from server.core.edge import Schema

PASSWORD = dict(validate=validate.Length(min=8, max=128), load_only=True)


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
    password = ma.fields.String(required=True, **PASSWORD)
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
    active = ma.fields.Boolean(truthy={True}, falsy={False})  # JSON true/false only
    password = ma.fields.String(**PASSWORD)


class AdminUserSchema(Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String()
    display_name = ma.fields.String()
    locale = ma.fields.String()
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    last_sign_in_at = ma.fields.DateTime(allow_none=True)


class AdminUserDetailSchema(AdminUserSchema):
    roles = ma.fields.List(ma.fields.Nested(RoleViewSchema), metadata={"description": "roles inside your jurisdiction"})


class UserListArgsSchema(PageArgsSchema):
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "name or phone contains"})
    role = ma.fields.String(validate=validate.OneOf(ROLES))


AdminUserPageSchema = page_of(AdminUserSchema)
