"""The one text form of an instant the server answers with (PROTOCOL.md §4.3): UTC, milliseconds,
"Z", as JavaScript's toISOString() writes it, so a phone reads the same text it would write."""
from datetime import datetime, timezone

__all__ = ["iso"]


def iso(value: datetime) -> str:
    """The canonical text of an instant (UTC, milliseconds, "Z"); naive values are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
