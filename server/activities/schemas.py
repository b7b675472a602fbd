"""The activity, its key and a sign-up as they sync (PROTOCOL.md §18.1–§18.3)."""

import marshmallow as ma
from marshmallow import validate

from server.activities.models import (
    ACTIVITY_STATUSES,
    CAPACITY_MAX,
    CHECK_METHODS,
    DESCRIPTION_MAX,
    HOURS_MAX,
    KEY_MAX,
    MAC_CHARS,
    NAME_MAX,
    PLACE_MAX,
    SIGNUP_STATUSES,
    TITLE_MAX,
)
from server.core.edge import INT_MAX
from server.core.fields import RecordSchema, UtcDateTime
from server.ledger.vocab import SKILLS


def _id(**kwargs):
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=INT_MAX), **kwargs)


def _count():
    return ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=INT_MAX))


def _hours(**kwargs):
    return ma.fields.Float(allow_nan=False, validate=validate.Range(min=0, max=HOURS_MAX), **kwargs)


def _window():
    # A 30-s window number (PROTOCOL.md §15.1): 1970 to far beyond any phone's clock.
    return ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=INT_MAX))


def _mac():
    return ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=MAC_CHARS))


def _method():
    return ma.fields.String(allow_none=True, validate=validate.OneOf(CHECK_METHODS))


def _once(codes: list) -> None:
    if len(set(codes)) != len(codes):
        raise ma.ValidationError("vocab.repeated")


class ActivityRecordSchema(RecordSchema):
    """A community's volunteer service activity (志愿服务活动), seen by its volunteers and admins."""

    community_id = _id(required=True)
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    place = ma.fields.String(required=True, validate=validate.Length(min=1, max=PLACE_MAX))
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    capacity = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=CAPACITY_MAX))
    skills = ma.fields.List(  # skills wanted: codes of the shared vocabulary, each once
        ma.fields.String(validate=validate.OneOf(SKILLS, error="vocab.unknown_skill")),
        allow_none=True,
        validate=[validate.Length(max=len(SKILLS)), _once],
    )
    hours = ma.fields.Float(
        required=True, allow_nan=False, validate=validate.Range(min=0.5, max=HOURS_MAX)
    )  # hours credited at most
    organiser_id = _id(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(ACTIVITY_STATUSES))
    seated_count = _count()
    waiting_count = _count()
    created_by_id = _id(allow_none=True)
    created_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)


class ActivityKeyRecordSchema(RecordSchema):
    """The activity's signing key, pulled only by its organisers."""

    activity_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    community_id = _id(required=True)
    organiser_id = _id(allow_none=True)
    key = ma.fields.String(required=True, validate=validate.Length(min=1, max=KEY_MAX))


class ActivitySignupRecordSchema(RecordSchema):
    """A volunteer's sign-up for an activity and their attendance."""

    activity_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    user_id = _id(required=True)
    user_name = ma.fields.String(allow_none=True, validate=validate.Length(max=NAME_MAX))
    community_id = _id(allow_none=True)
    organiser_id = _id(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(SIGNUP_STATUSES))
    queued_at = UtcDateTime(allow_none=True)
    checkin_window = _window()
    checkin_mac = _mac()
    checkin_at = UtcDateTime(allow_none=True)
    checkin_method = _method()
    checkout_window = _window()
    checkout_mac = _mac()
    checkout_at = UtcDateTime(allow_none=True)
    checkout_method = _method()
    used_windows = ma.fields.List(ma.fields.String(validate=validate.Length(max=24)), allow_none=True)
    hours = _hours(allow_none=True)
    confirmed_hours = _hours(allow_none=True)
    confirmed_at = UtcDateTime(allow_none=True)
    confirmed_by_id = _id(allow_none=True)
    created_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)


activity_record_schema = ActivityRecordSchema()
activity_key_record_schema = ActivityKeyRecordSchema()
activity_signup_record_schema = ActivitySignupRecordSchema()
