"""Input and output shapes of the auth endpoints."""

import re

import marshmallow as ma
from marshmallow import ValidationError, validate

from server.auth.models import ROLES
from server.auth.passwords import is_common
from server.core.edge import Schema
from server.core.fields import UtcDateTime
from server.i18n import LOCALES
from sync import MAX_PAGE, PAGE_FORMATS

# Mainland China mobile numbers: 11 digits starting with 1[3-9].
PHONE_RE = r"^1[3-9]\d{9}$"


class PhoneField(ma.fields.String):
    """A mainland mobile number, as people type it: "138 0000 0003", "138-0000-0003" and
    "+86 13800000003" all become "13800000003"."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(PHONE_RE, error="field.phone"), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return normalize_phone(super()._deserialize(value, attr, data, **kwargs))


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


PASSWORD_RULES = (
    "8 to 128 characters, not one of the 30,000 most common passwords (zxcvbn's list, ignoring "
    "case) and not a pattern guessed in fewer than 10^4 tries by zxcvbn's estimator (88888888, "
    "a1234567, 1qaz2wsx): such a password answers 422 with a message on this field. Never sent back."
)


def _not_common(password: str) -> None:
    if 8 <= len(password) <= 128 and is_common(password):  # a length error says enough alone
        raise ValidationError("field.password_common")


class PasswordField(ma.fields.String):
    """A new password (PASSWORD_RULES); the message key is translated with the others."""

    def __init__(self, note: str = "", **kwargs):
        super().__init__(
            load_only=True,
            validate=[validate.Length(min=8, max=128), _not_common],
            metadata={"description": f"{PASSWORD_RULES} {note}".strip()},
            **kwargs,
        )


class FirstPullSchema(Schema):
    """Sign-in's request for the first pull page (PROTOCOL.md §5.2.1): a fresh phone saves a round trip."""

    protocol = ma.fields.String(required=True, metadata={"description": "redgrid-sync/1"})
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))
    format = ma.fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.OneOf(PAGE_FORMATS),
        metadata={"description": "as in POST /api/sync/pull (PROTOCOL.md §5.2.2)"},
    )


class LoginSchema(Schema):
    phone = PhoneField(required=True)
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    pull = ma.fields.Nested(
        FirstPullSchema,
        load_only=True,
        metadata={
            "description": "ask for the first pull page (cursor null) in the answer, as `pull` "
            "(a phone with nothing synced yet saves a round trip; PROTOCOL.md §9.1)"
        },
    )


class ResetCodeIssueSchema(Schema):
    phone = PhoneField(required=True, metadata={"description": "the account's mobile number"})


class ResetCodeUserSchema(Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String()
    phone = ma.fields.String()


class ResetCodeSchema(Schema):
    code = ma.fields.String(metadata={"description": "8 digits, shown this once: the server keeps only an HMAC of it"})
    expires_at = UtcDateTime(metadata={"description": "30 minutes after issue"})
    user = ma.fields.Nested(ResetCodeUserSchema, metadata={"description": "whose code it is, to say it aloud"})


class PasswordResetSchema(Schema):
    phone = PhoneField(required=True)
    code = ma.fields.String(
        required=True,
        load_only=True,
        validate=validate.Regexp(r"^\d{8}$", error="auth.reset_code_format"),
        metadata={"description": "the 8 digits the issuer read out (spaces and dashes are dropped)"},
    )
    new_password = PasswordField(required=True, note="Every session of the account ends.")

    @ma.pre_load
    def _digits(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            data = {**data, "code": re.sub(r"[\s\-]", "", data["code"])}
        return data


class SessionsEndedSchema(Schema):
    ended = ma.fields.Integer(metadata={"description": "how many other sessions were signed out"})


class ProfileUpdateSchema(Schema):
    display_name = ma.fields.String(validate=validate.Length(min=1, max=40))
    locale = ma.fields.String(validate=validate.OneOf(LOCALES))


class UserSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    phone = ma.fields.String(dump_only=True)
    display_name = ma.fields.String(dump_only=True)
    locale = ma.fields.String(dump_only=True)


class RoleViewSchema(Schema):
    id = ma.fields.Integer()
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    scope_type = ma.fields.String(metadata={"description": "org_unit, compound, company or household"})
    scope_id = ma.fields.Integer()
    scope_name = ma.fields.String()
    scope_path = ma.fields.List(ma.fields.String(), metadata={"description": "names from the city down"})


class MapSettingsSchema(Schema):
    tile_url = ma.fields.String(
        metadata={"description": "REDGRID_TILE_URL: an XYZ template, e.g. https://tiles.example/{z}/{x}/{y}.png"}
    )
    attribution = ma.fields.String(metadata={"description": "REDGRID_TILE_ATTRIBUTION, plain text; may be empty"})


class MeSchema(Schema):
    user = ma.fields.Nested(UserSchema)
    roles = ma.fields.List(ma.fields.Nested(RoleViewSchema))
    map = ma.fields.Nested(
        MapSettingsSchema,
        allow_none=True,
        metadata={"description": "the tile server maps are drawn from; null when maps are off (no map shown)"},
    )
    csrf_token = ma.fields.String()


class SignInSchema(MeSchema):
    pull = ma.fields.Dict(
        metadata={
            "description": "the first pull page (POST /api/sync/pull with cursor null), when the sign-in "
            "asked for it with `pull` and the protocol is the server's; absent otherwise"
        },
    )


class CsrfSchema(Schema):
    csrf_token = ma.fields.String()


class SessionSchema(Schema):
    signed_in = ma.fields.Boolean()
    me = ma.fields.Nested(MeSchema, allow_none=True, metadata={"description": "GET /api/me's body when signed in"})
    csrf_token = ma.fields.String()


login_schema = LoginSchema()
profile_update_schema = ProfileUpdateSchema()
me_schema = MeSchema()
