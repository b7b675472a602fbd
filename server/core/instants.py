"""Instants: one text for every time the server writes (UTC, milliseconds, "Z", as JavaScript's
toISOString writes it), whatever the database handed back (SQLite: naive UTC values)."""

from datetime import UTC, datetime

import marshmallow as ma

__all__ = ["UtcDateTime", "iso", "parse_instant"]


class UtcDateTime(ma.fields.AwareDateTime):
    """An instant with its offset ("2026-11-27T09:14:03+08:00", "…Z"), stored in UTC and always
    written as a phone writes it (JavaScript's toISOString: "2026-11-27T01:14:03.000Z"), so a
    record reads the same from SQLite (naive columns) and PostgreSQL."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso(value)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(UTC)


def iso(value: datetime) -> str:
    """The canonical text of an instant (UTC, milliseconds, "Z"); naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_instant(value) -> datetime | None:
    """A canonical or phone-made instant as an aware datetime; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None
