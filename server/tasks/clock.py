"""The server clock of the task rules: created_at, each history entry's server_at and "a due time
in the past" read it. Normally the wall clock; the demo replays weeks of work by setting it."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

_frozen: ContextVar[datetime | None] = ContextVar("redgrid_task_clock", default=None)


def now() -> datetime:
    """The rules' time: the frozen instant inside at(), else the wall clock (UTC)."""
    return _frozen.get() or datetime.now(timezone.utc)


@contextmanager
def at(instant: datetime):
    """Run the block as if it were `instant` (an aware datetime)."""
    token = _frozen.set(instant)
    try:
        yield
    finally:
        _frozen.reset(token)
