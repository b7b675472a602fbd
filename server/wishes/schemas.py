"""The wish and its card as they sync (PROTOCOL.md §14.1, §14.2)."""

import marshmallow as ma
from marshmallow import validate

from server.core.fields import SHA256, RecordSchema, UtcDateTime
from server.wishes.models import (
    CARD_STATUSES,
    COMMENT_MAX,
    HOURS_MAX,
    MAX_PHOTOS,
    NOTE_MAX,
    PUBLIC_TEXT_MAX,
    REASON_MAX,
    TITLE_MAX,
    WISH_STATUSES,
)


def _id(**kwargs):
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1), **kwargs)


def _photos():
    return ma.fields.List(ma.fields.String(validate=SHA256), allow_none=True, validate=validate.Length(max=MAX_PHOTOS))


def _text(most: int, **kwargs):
    return ma.fields.String(allow_none=True, validate=validate.Length(max=most), **kwargs)


class WishRecordSchema(RecordSchema):
    """A resident's wish (微心愿), private to them and the admins above their community."""

    user_id = _id(required=True)
    household_id = _id(required=True)
    community_id = _id(allow_none=True)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    reason = _text(REASON_MAX)
    photos = _photos()
    wanted_by = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(WISH_STATUSES))
    public_title = _text(TITLE_MAX)
    public_text = _text(PUBLIC_TEXT_MAX)
    public_photos = _photos()
    review_note = _text(NOTE_MAX)
    merged_into = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    card_id = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    reviewed_by_id = _id(allow_none=True)
    reviewed_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


class WishCardRecordSchema(RecordSchema):
    """A wish on the community's wall (心愿墙): the admin's words, nothing that names the resident."""

    wish_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    community_id = _id(required=True)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    text = _text(PUBLIC_TEXT_MAX)
    photos = _photos()
    wanted_by = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(CARD_STATUSES))
    claimant_id = _id(allow_none=True)
    claimed_at = UtcDateTime(allow_none=True)
    claim_deadline = UtcDateTime(allow_none=True)
    fulfil_note = _text(NOTE_MAX)
    hours = ma.fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0.25, max=HOURS_MAX))
    evidence_photos = _photos()
    fulfilled_at = UtcDateTime(allow_none=True)
    rating = ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=5))
    rating_comment = _text(COMMENT_MAX)
    confirmed_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


wish_record_schema = WishRecordSchema()
wish_card_record_schema = WishCardRecordSchema()
