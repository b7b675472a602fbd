"""The organiser's check-in code (PROTOCOL.md §18.4): what it signs, and the server's verdict on a
code a volunteer's phone read — possibly offline, synced hours later — so that a screenshot sent
home, an old code or a code of another activity does not count.

The organiser's phone signs `checkin:<activity id>:<in|out>:<window>` with the activity's key
(server/core/codes.py: the first 10 base32 characters of HMAC-SHA256, a new window every 30 s).
The volunteer's phone sends the window, the MAC and the time it read the code (its own clock)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from server.core import codes

DIRECTIONS = ("in", "out")
MARGIN = timedelta(minutes=30)  # a code counts from 30 min before the start to 30 min after the end
SLACK_WINDOWS = 1  # the phone's time of reading: within one window either side of the code's


def message(activity_id: str, direction: str, window: int) -> str:
    return f"checkin:{activity_id}:{direction}:{window}"


def code_for(key: str, activity_id: str, direction: str, window: int) -> str:
    """The MAC the organiser's phone shows for this window (the server's copy, for tests and demo)."""
    return codes.mac(key, message(activity_id, direction, window))


def aware(instant: datetime) -> datetime:
    """A stored instant as an aware one (SQLite hands back naive UTC)."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def window_start(window: int) -> datetime:
    return datetime.fromtimestamp(window * codes.WINDOW_SECONDS, tz=UTC)


@dataclass(frozen=True)
class Reading:
    """A code as the volunteer's phone read it."""

    direction: str
    window: int
    mac: str
    read_at: datetime


def verdict(
    key: str, activity_id: str, starts_at: datetime, ends_at: datetime, reading: Reading, used: list[str]
) -> str | None:
    """None when the reading counts, else the refusal code (PROTOCOL.md §18.4), in this order:
    a MAC of this activity's other direction (`code_wrong_direction`), any other wrong MAC
    (`code_invalid`), a window outside the activity and its margin (`code_outside_activity`),
    a reading time more than one window from the code's (`code_expired`: a screenshot read later),
    a window this volunteer already used in this direction (`code_replayed`)."""
    if not codes.verify(key, message(activity_id, reading.direction, reading.window), reading.mac):
        other = DIRECTIONS[1 - DIRECTIONS.index(reading.direction)]
        if codes.verify(key, message(activity_id, other, reading.window), reading.mac):
            return "code_wrong_direction"
        return "code_invalid"
    shown = window_start(reading.window)
    if shown < starts_at - MARGIN or shown > ends_at + MARGIN:
        return "code_outside_activity"
    if abs(codes.window(reading.read_at) - reading.window) > SLACK_WINDOWS:
        return "code_expired"
    if used_mark(reading.direction, reading.window) in used:
        return "code_replayed"
    return None


def used_mark(direction: str, window: int) -> str:
    """How a used window is kept on the sign-up (`used_windows`)."""
    return f"{direction}:{window}"
