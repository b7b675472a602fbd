"""The wish and its card as they sync (PROTOCOL.md §14.1, §14.2)."""

import marshmallow as ma
from marshmallow import validate

from server.core.edge import Schema
from server.core.fields import RecordSchema, UtcDateTime, photo_list, row_id, text_or_none
from server.wishes.models import (
    CARD_STATUSES,
    COMMENT_MAX,
    HOURS_MAX,
    MAX_PHOTOS,
    NOTE_MAX,
    PUBLIC_TEXT_MAX,
    REASON_MAX,
    TITLE_MAX,
    UNIT_NAME_MAX,
    WISH_STATUSES,
)


class WishRecordSchema(RecordSchema):
    """A resident's wish (微心愿), private to them and the admins above their community."""

    user_id = row_id(required=True)
    household_id = row_id(required=True)
    community_id = row_id(allow_none=True)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    reason = text_or_none(REASON_MAX)
    photos = photo_list(MAX_PHOTOS)
    wanted_by = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(WISH_STATUSES))
    public_title = text_or_none(TITLE_MAX)
    public_text = text_or_none(PUBLIC_TEXT_MAX)
    public_photos = photo_list(MAX_PHOTOS)
    review_note = text_or_none(NOTE_MAX)
    merged_into = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    card_id = ma.fields.String(allow_none=True, validate=validate.Length(max=36))
    reviewed_by_id = row_id(allow_none=True)
    reviewed_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


class WishCardRecordSchema(RecordSchema):
    """A wish on the community's wall (心愿墙): the admin's words, nothing that names the resident."""

    wish_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    community_id = row_id(required=True)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    text = text_or_none(PUBLIC_TEXT_MAX)
    photos = photo_list(MAX_PHOTOS)
    wanted_by = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(CARD_STATUSES))
    claimant_id = row_id(allow_none=True)
    claimed_for = ma.fields.String(
        allow_none=True, validate=validate.Regexp(r"^unit:[1-9][0-9]{0,9}$", error="wish.bad_unit")
    )
    claimant_unit = text_or_none(UNIT_NAME_MAX)
    claimed_at = UtcDateTime(allow_none=True)
    claim_deadline = UtcDateTime(allow_none=True)
    fulfil_note = text_or_none(NOTE_MAX)
    hours = ma.fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0.25, max=HOURS_MAX))
    evidence_photos = photo_list(MAX_PHOTOS)
    fulfilled_at = UtcDateTime(allow_none=True)
    rating = ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=5))
    rating_comment = text_or_none(COMMENT_MAX)
    confirmed_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


wish_record_schema = WishRecordSchema()
wish_card_record_schema = WishCardRecordSchema()


class WishExportArgsSchema(Schema):
    """GET /api/wishes/export.xlsx: which wishes."""

    status = ma.fields.String(
        load_default="all",
        validate=validate.OneOf(("all", *WISH_STATUSES)),
        metadata={"description": "all (the default) or one review status"},
    )
