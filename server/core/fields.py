"""Field types every domain's schemas share and the base of the synced records' schemas: instants
as phones write them, a photo's SHA-256, a GPS fix, compact JSON text, and a validate() fast
enough for a bulk creation of thousands of records."""

import copy
import json
from collections.abc import Mapping

import marshmallow as ma
import orjson
from marshmallow import ValidationError, validate, validates_schema

from server.core.edge import INT_MAX, Schema
from server.core.field_checks import compile_check
from server.core.instants import UtcDateTime, iso, parse_instant

__all__ = [
    "SHA256",
    "photo_list",
    "row_id",
    "text_or_none",
    "LocationSchema",
    "RecordSchema",
    "UtcDateTime",
    "compact_json",
    "is_row_id",
    "iso",
    "parse_instant",
]

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="blob.bad_sha256")  # a photo, named by its content


def row_id(**kwargs) -> ma.fields.Integer:
    """A record's reference to a row (a user, a household, an org unit): a JSON integer ≥ 1."""
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1), **kwargs)


def photo_list(most: int) -> ma.fields.List:
    """A record's photos: up to `most` SHA-256 hashes, or null."""
    return ma.fields.List(ma.fields.String(validate=SHA256), allow_none=True, validate=validate.Length(max=most))


def text_or_none(most: int, **kwargs) -> ma.fields.String:
    """Optional words of at most `most` characters."""
    return ma.fields.String(allow_none=True, validate=validate.Length(max=most), **kwargs)


def is_row_id(value) -> bool:
    """A row id a query may carry (a positive integer within the column): sync buckets and places
    are looked up before a record's schema has checked its values."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= INT_MAX


# Keys as json.dumps writes them; dates, times and dataclasses refused as json.dumps refuses
# them (passed through to the fallback, which raises).
_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def compact_json(value) -> str:
    """JSON text without spaces, Chinese as it is (stored records, change log rows): the text
    json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes, by orjson (a fifth of
    the time). What orjson refuses (an integer beyond 64 bits, a key that is not a string, int,
    float or bool or None; a date, a dataclass) goes to json.dumps as before. NaN and ±Infinity never reach here from a
    request (server.core.edge.loads refuses them); orjson would write them as null."""
    try:
        return orjson.dumps(value, option=_ORJSON).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class LocationSchema(Schema):
    """A GPS fix: degrees (WGS-84, as the phone's Geolocation API gives them) and metres."""

    lat = ma.fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = ma.fields.Float(required=True, validate=validate.Range(min=-180, max=180))
    accuracy = ma.fields.Float(allow_none=True, validate=validate.Range(min=0))


class RecordSchema(Schema):
    """A synced record's schema whose validate() remembers each field's verdict on a value.

    The engine validates every record it writes, and the task rules once more before their
    stamps: a bulk creation of 5,000 tasks sends the same type, checklist, due time … 10,000
    times, and marshmallow would take most of the time (bench/bulk_tasks.py). The verdict of
    a field on a value depends on nothing else (no validator here reads the clock), so each is
    computed once; the record-wide rule (check_whole) runs every time."""

    MAX_VERDICTS = 20_000

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._verdicts: dict = {}  # (field, type, value) -> messages, for plain values
        self._last: dict = {}  # field -> (value, messages), for lists and objects
        # Lists and objects are remembered only where checking them costs more than comparing
        # them (nested schemas: a checklist, a position); the last one seen per field, which
        # in a bulk creation is the same list each time.
        self._nested = {
            name
            for name, field in self.load_fields.items()
            if isinstance(field, ma.fields.Nested) or isinstance(getattr(field, "inner", None), ma.fields.Nested)
        }
        self._required = tuple(name for name, field in self.load_fields.items() if field.required)
        # Compiled once per schema (server/core/field_checks.py): a value they pass is valid
        # without marshmallow; one they do not pass is deserialized, for its exact messages.
        self._checks = {name: compile_check(field) for name, field in self.load_fields.items()}

    def check_whole(self, data) -> None:
        """Rules across fields; raise ValidationError({field: [message]})."""

    @validates_schema
    def _whole(self, data, **kwargs):
        self.check_whole(data)

    def validate(self, data, *, many=None, partial=None) -> dict:
        if many or partial or not isinstance(data, Mapping):
            return super().validate(data, many=many, partial=partial)
        fields, errors = self.load_fields, {}
        for name, value in data.items():
            field = fields.get(name)
            messages = ["Unknown field."] if field is None else self._verdict(name, field, value)
            if messages:
                errors[name] = messages
        for name in self._required:
            if name not in data:  # a missing optional field is valid: only required ones are checked
                errors[name] = self._verdict(name, fields[name], ma.missing)
        if not errors:
            try:
                self.check_whole(data)
            except ValidationError as exc:
                errors.update(exc.normalized_messages())
        return errors

    def _verdict(self, name, field, value):
        check = self._checks.get(name)
        if check is not None and value is not ma.missing and check(value):
            return None
        plain = value is ma.missing or value is None or isinstance(value, (str, int, float, bool))
        if plain:
            key = (name, type(value), value)
            if key in self._verdicts:
                return self._verdicts[key]
        elif name in self._nested:
            last = self._last.get(name)
            if last is not None and type(last[0]) is type(value) and last[0] == value:
                return last[1]
        try:
            field.deserialize(value, name, None)
            messages = None
        except ValidationError as exc:
            messages = exc.messages
        if plain:
            if len(self._verdicts) >= self.MAX_VERDICTS:
                self._verdicts.clear()
            self._verdicts[key] = messages
        elif name in self._nested:
            self._last[name] = (copy.deepcopy(value), messages)
        return messages
