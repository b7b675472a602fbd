"""The live dashboard of an org unit (看板: a street, a community, a grid; PROTOCOL.md §26): each part
that counts something brings a section (Part.dashboard), and GET /api/dashboard/<unit> (server/reports)
answers them together. No domain reads another's tables: each counts its own, with SQL aggregates
grouped by the unit's children (the records' org paths under each child's prefix, server/org/rollup.py).

A section is a plain dict of figures (the PWA labels them from its catalogs):
    {"key": "tasks",
     "figures": ["done", "overdue", "open"],                    # in the order shown
     "total": {"done": 12, …},                                   # the unit's
     "units": {"<child id>": {"done": 3, …}, …},                 # per child unit (every child, zeros too)
     "links": {"total": {"done": "#/admin/tasks?status=done"}, "units": {"<child id>": {…}}},  # the records
     "groups": [{"key": "companies", "figures": […], "rows": [{"id", "name", …}]}]}  # optional other tables
A figure is a count, or a rate (0…1, None when nothing is due) for the keys ending in "_rate".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import marshmallow as ma

from server.core import clock
from server.core.clock import CHINA
from server.core.monthly import Month

PERIOD_DAYS = 30
PERIOD = re.compile(r"^(30d|7d|month|\d{4}-\d{2})$")

_sections: list[Callable] = []


@dataclass(frozen=True)
class Period:
    """What a dashboard counts over: "30d" and "7d" (the last days, to now), "month" (this month, to
    now), or a month "2026-11"; [start, end) as instants."""

    text: str
    start: datetime
    end: datetime

    @classmethod
    def parse(cls, text: str | None) -> "Period | None":
        """None when malformed or not begun yet."""
        text = text or f"{PERIOD_DAYS}d"
        if not PERIOD.match(text):
            return None
        now = clock.now()
        if text.endswith("d"):
            return cls(text, now - timedelta(days=int(text[:-1])), now)
        if text == "month":
            month = Month.parse(now.astimezone(CHINA).strftime("%Y-%m"))
            return cls(text, month.start.astimezone(UTC), now)
        month = Month.parse(text)
        if month is None or month.start > now:
            return None
        # UTC: SQLite keeps an instant's wall time and drops its offset
        return cls(text, month.start.astimezone(UTC), min(month.end, now).astimezone(UTC))


def period_arg(what: str) -> ma.fields.String:
    """A list's `period` query argument: only the records a dashboard's figure counted over that
    period (its links carry it), with the dashboard's own rule (Period.parse)."""

    def valid(text: str) -> None:
        if Period.parse(text) is None:
            raise ma.ValidationError("dashboard.period_invalid")

    return ma.fields.String(
        validate=valid,
        metadata={"description": f'{what} in a period: "30d", "7d", "month" or "YYYY-MM", as a dashboard counts (§26)'},
    )


def register(section: Callable) -> None:
    """Add a part's section: fn(user, unit: OrgUnit, children: [OrgUnit], period: Period) -> dict | None."""
    if section not in _sections:
        _sections.append(section)


ORDER = ("tasks", "reports", "needs", "inspections", "alerts", "service")


def sections(user, unit, children, period: Period) -> list[dict]:
    """Every part's section (None: nothing to say about this unit), in ORDER, then the others."""
    found = [s for s in (section(user, unit, children, period) for section in _sections) if s is not None]
    return sorted(found, key=lambda s: ORDER.index(s["key"]) if s["key"] in ORDER else len(ORDER))


def section(key: str, figures: tuple, rows, children, links=None, total_row=None) -> dict:
    """A section from aggregate rows (child id or None, *figures in order): every child gets its
    row (zeros when it has no records); the total is the sum of the rows, records directly on the
    unit (child None) included — or `total_row` (*figures), for records that may count under two
    children. `links`: fn(child OrgUnit or None) -> {figure: address}."""
    units = {str(c.id): dict.fromkeys(figures, 0) for c in children}
    total = dict.fromkeys(figures, 0)
    for child, *values in rows:
        counts = dict(zip(figures, (number(v) for v in values)))
        if child is not None and str(child) in units:
            units[str(child)] = counts
        for name, value in counts.items():
            total[name] += value
    if total_row is not None:
        total = dict(zip(figures, (number(v) for v in total_row)))
    out = {"key": key, "figures": list(figures), "total": total, "units": units}
    if links is not None:
        out["links"] = {"total": links(None), "units": {str(c.id): links(c) for c in children}}
    return out


def number(value) -> int | float:
    """An aggregate as JSON: a count an int, a sum of hours or scores a float (None: 0)."""
    if value is None:
        return 0
    value = float(value)
    return int(value) if value.is_integer() else round(value, 4)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
