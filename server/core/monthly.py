"""The monthly report of a community (月度报告, for the 联席会议 of the community, the property
companies and the owners' committee; PROTOCOL.md §24.3): each part that has something to say about a
month brings a section (Part.monthly), and the report page (server/reports) prints them in the order
of the parts. No domain reads another's tables: each counts its own.

A section is a plain dict, already in the reader's language:
    {"key": "tasks", "title": "网格任务",
     "figures": [{"label": "本月派发", "value": 12}, …],          # the headline numbers
     "tables": [{"caption": "…", "columns": ["网格", …], "rows": [["第一网格", 3, …], …],
                 "total": ["合计", …] or None}],
     "note": "…" or None}
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from server.core.clock import CHINA

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

_sections: list[Callable] = []


@dataclass(frozen=True)
class Month:
    """The month a report covers: its text ("2026-11") and [start, end): China's midnights, as UTC instants."""

    text: str
    start: datetime
    end: datetime

    @classmethod
    def parse(cls, text: str) -> "Month | None":
        found = MONTH.match(text or "")
        if not found:
            return None
        year, month = int(found[1]), int(found[2])
        if not 2000 <= year <= 2100:
            return None
        following = (year + (month == 12), month % 12 + 1)
        # As UTC instants: SQLite keeps an instant's wall time and drops its offset, so a bound in
        # China time would be compared 8 hours off with the stored (UTC) instants.
        start = datetime(year, month, 1, tzinfo=CHINA).astimezone(UTC)
        return cls(text, start, datetime(*following, 1, tzinfo=CHINA).astimezone(UTC))


def register(section: Callable) -> None:
    """Add a part's section: fn(user, community: OrgUnit, month: Month) -> dict | None."""
    if section not in _sections:
        _sections.append(section)


ORDER = ("tasks", "needs", "inspections", "alerts", "service")  # as the meeting goes through them


def sections(user, community, month: Month) -> list[dict]:
    """Every part's section of the month (None: nothing to say), in ORDER, then the others."""
    found = [s for s in (section(user, community, month) for section in _sections) if s is not None]
    return sorted(found, key=lambda s: ORDER.index(s["key"]) if s["key"] in ORDER else len(ORDER))


def rate(part: int, whole: int) -> str:
    """ "83.3%" (or "—" when there is nothing to count)."""
    return f"{part * 100 / whole:.1f}%" if whole else "—"
