"""Months and quarters as Xuchang reads them (Asia/Shanghai, UTC+8 all year), turned into UTC
instants: plans name their periods by them, scorecards aggregate by them, and both compare
UTC columns against the bounds computed here (an index range, the same SQL on both databases).
"""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def local_minute(instant: datetime) -> str:
    """An instant as people in Xuchang read it in a notice ("2026-11-29 08:45"); naive means UTC."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def local_date(instant: datetime) -> date:
    """The calendar day in Xuchang at `instant`."""
    return instant.astimezone(LOCAL).date()


def month_of(instant: datetime) -> str:
    """ "2026-11": the month in Xuchang at `instant`."""
    day = local_date(instant)
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> tuple[int, int]:
    match = MONTH.match(text or "")
    if match is None:
        raise ValueError(f"not a month: {text!r}")
    return int(match.group(1)), int(match.group(2))


def shift_month(month: str, by: int) -> str:
    year, number = parse_month(month)
    index = year * 12 + number - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(month: str) -> datetime:
    """The first instant of the month in Xuchang, in UTC."""
    year, number = parse_month(month)
    return datetime(year, number, 1, tzinfo=LOCAL).astimezone(UTC)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of the month, in UTC."""
    return month_start(month), month_start(shift_month(month, 1))


def last_months(month: str, count: int) -> list[str]:
    """The `count` months ending with `month`, oldest first."""
    return [shift_month(month, by) for by in range(1 - count, 1)]


def period_of(kind: str, instant: datetime) -> str:
    """The plan period holding `instant`: "2026-11" (monthly) or "2026-Q4" (quarterly)."""
    day = local_date(instant)
    if kind == "quarterly":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}-{day.month:02d}"


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a plan period, in UTC."""
    if "Q" in period:
        year, quarter = period.split("-Q")
        first = f"{int(year):04d}-{(int(quarter) - 1) * 3 + 1:02d}"
        return month_start(first), month_start(shift_month(first, 3))
    return month_bounds(period)


def period_due(period: str) -> datetime:
    """When a period's inspection is due: the last second of the period (23:59:59 in Xuchang)."""
    return period_bounds(period)[1] - timedelta(seconds=1)
