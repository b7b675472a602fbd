"""The server's two clocks.

- `now()`: the rules' time — a record's created_at, each history entry's server_at, "a due time
  in the past". Normally the wall clock; the demo replays weeks of work by setting it with `at()`.
- `utcnow()`: the wall clock, always — sessions, column defaults, delivery bookkeeping."""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone

# China Standard Time: where a year, a month and a day begin for the people Redgrid serves.
CHINA = timezone(timedelta(hours=8))

_frozen: ContextVar[datetime | None] = ContextVar("redgrid_task_clock", default=None)


def utcnow() -> datetime:
    """The wall clock (UTC), whatever `at()` says."""
    return datetime.now(UTC)


def now() -> datetime:
    """The rules' time: the frozen instant inside at(), else the wall clock (UTC)."""
    return _frozen.get() or datetime.now(UTC)


@contextmanager
def at(instant: datetime):
    """Run the block as if it were `instant` (an aware datetime)."""
    token = _frozen.set(instant)
    try:
        yield
    finally:
        _frozen.reset(token)


def year_span(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) of a year in China, as instants."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)
