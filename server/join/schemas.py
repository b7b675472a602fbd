"""Input and output shapes of joining (PROTOCOL.md §19), and the invitation key as it syncs."""

import marshmallow as ma
from marshmallow import ValidationError, validate

from server.api import PageArgsSchema, page_of
from server.auth.schemas import PasswordField, PhoneField
from server.core.edge import Schema
from server.core.fields import RecordSchema, UtcDateTime
from server.i18n import LOCALES
from server.join.models import ADDRESS_PART_MAX, KEY_MAX, NOTE_MAX, REASON_MAX, REQUEST_STATUSES


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("join.blank")


def _words(most: int, required: bool = True, **kwargs):
    """A bounded line of text that is more than spaces."""
    if required:
        return ma.fields.String(required=True, validate=[validate.Length(min=1, max=most), _not_blank], **kwargs)
    return ma.fields.String(allow_none=True, validate=validate.Length(max=most), **kwargs)


class RegisterSchema(Schema):
    phone = PhoneField(required=True, metadata={"description": "mainland mobile number; one account per number"})
    password = PasswordField(required=True)
    display_name = _words(40, metadata={"description": "your name as your grid worker knows it"})
    locale = ma.fields.String(load_default="zh-CN", validate=validate.OneOf(LOCALES))


class PasswordChangeSchema(Schema):
    current_password = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=128))
    new_password = PasswordField(
        required=True, note="A new password ends every other session of the account (this one stays)."
    )


class RedeemSchema(Schema):
    code = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "the invitation as typed (grouped or not) or as scanned (the QR's address)"},
    )


class LeaveSchema(Schema):
    household_id = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class CompoundArgsSchema(PageArgsSchema):
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "part of the name"})


class PublicCompoundSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    community_name = ma.fields.String()


class JoinRequestCreateSchema(Schema):
    compound_id = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    building = _words(ADDRESS_PART_MAX, metadata={"description": "楼号 as the resident says it: 3号楼"})
    unit = _words(ADDRESS_PART_MAX, required=False, metadata={"description": "单元, if the building has several"})
    room = _words(ADDRESS_PART_MAX, metadata={"description": "房号: 301"})
    name = _words(40, metadata={"description": "the name the household's register knows"})
    note = _words(NOTE_MAX, required=False)


class RequestArgsSchema(PageArgsSchema):
    status = ma.fields.String(load_default="pending", validate=validate.OneOf(REQUEST_STATUSES))


class ApproveSchema(Schema):
    household_id = ma.fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "the household of your directory the request's address is"},
    )


class RejectSchema(Schema):
    reason = _words(REASON_MAX, metadata={"description": "told to the resident"})


class JoinRequestSchema(Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    phone = ma.fields.String(metadata={"description": "the applicant's number (to the deciders and the applicant)"})
    compound_id = ma.fields.Integer()
    compound_name = ma.fields.String()
    building = ma.fields.String()
    unit = ma.fields.String(allow_none=True)
    room = ma.fields.String()
    name = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(REQUEST_STATUSES))
    household_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    decided_at = UtcDateTime(allow_none=True)


JoinRequestPageSchema = page_of(JoinRequestSchema)
PublicCompoundPageSchema = page_of(PublicCompoundSchema)


class InviteKeySchema(Schema):
    id = ma.fields.String()
    key = ma.fields.String()
    created_at = UtcDateTime(allow_none=True)
    rotated_at = UtcDateTime(allow_none=True)


class InviteKeyRecordSchema(RecordSchema):
    """A grid worker's invitation key as it syncs (PROTOCOL.md §19.1)."""

    user_id = ma.fields.Integer(required=True, strict=True)
    key = ma.fields.String(required=True, validate=validate.Length(min=KEY_MAX, max=KEY_MAX))
    created_at = UtcDateTime(allow_none=True)
    rotated_at = UtcDateTime(allow_none=True)


invite_key_record_schema = InviteKeyRecordSchema()
