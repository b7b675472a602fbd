"""The community's needs list (群众需求清单) as matching (供需对接, PROTOCOL.md §21) reads it: the
residents' open needs and the open micro-wishes on the wall, each with its grid (and a need with
that grid's workers). The domains that keep them provide it at assembly — a part's `open_needs`
(server/core/parts.py) — so the domain that keeps resources and projects matches them without
reading those domains' records. Without a provider a community has no open needs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class OpenNeed:
    """One open need of a community, as much as matching shows and acts on."""

    id: str
    category: str  # a need category (server/tasks/need_models.py NEED_CATEGORIES)
    grid_id: int | None
    community_id: int
    summary: str  # the need's words, cut short
    created_at: datetime | None
    worker_ids: tuple[int, ...] = ()  # the active grid workers of its grid, told of a match
    kind: str = "need"  # "need" (a resident's 诉求) | "wish" (a micro-wish's card on the wall)


Provider = Callable[[int, str | None], list[OpenNeed]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """provider(community_id, need_id or None) -> the community's open needs (that one only, if named)."""
    if provider not in _providers:
        _providers.append(provider)


def open_needs(community_id: int, need_id: str | None = None) -> list[OpenNeed]:
    """The providers' open needs of the community, oldest first."""
    found: dict[str, OpenNeed] = {}
    for provider in _providers:
        for need in provider(community_id, need_id):
            found.setdefault(need.id, need)
    return sorted(found.values(), key=lambda n: (n.created_at is None, n.created_at or 0, n.id))
