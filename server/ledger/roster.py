"""Who serves a community, as the December evaluation (评议) counts them (PROTOCOL.md §15.3): the
unit party organisations (驻区单位) and the members (在职党员 and other volunteers) who reported
there. The domain that keeps 双报到 (units and members) provides it at assembly — a part's
`roster` (server/core/parts.py) — so the evaluation reads it without reading that domain's
records. Without a provider, or for a volunteer it does not list, each volunteer of the
community is a member of no unit.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from server.auth.models import RoleAssignment, User
from server.extensions import db


@dataclass(frozen=True)
class Subject:
    """One evaluated subject: a unit (its members' accounts) or a member (their own account)."""

    key: str  # "unit:<id>" or "member:<account id>": stable within a community
    kind: str  # "unit" | "member"
    name: str
    account_ids: tuple[int, ...]  # a member: (their account,); a unit: its members' accounts
    unit_key: str | None = None  # a member's unit ("unit:<id>"), or None


_providers: list[Callable[[int], list[Subject]]] = []


def register(provider: Callable[[int], list[Subject]]) -> None:
    """provider(community_id) -> the units and members reporting to that community."""
    if provider not in _providers:
        _providers.append(provider)


def subjects(community_id: int) -> list[Subject]:
    """The providers' subjects, then every other active volunteer of the community as a member
    of no unit; units first, then members, each by name."""
    found: dict[str, Subject] = {}
    for provider in _providers:
        for subject in provider(community_id):
            found.setdefault(subject.key, subject)
    listed = {a for s in found.values() if s.kind == "member" for a in s.account_ids}
    volunteers = db.session.execute(
        select(User.id, User.display_name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == "volunteer", RoleAssignment.org_unit_id == community_id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    for account_id, name in volunteers:
        if account_id not in listed:
            found.setdefault(f"member:{account_id}", Subject(f"member:{account_id}", "member", name, (account_id,)))
    return sorted(found.values(), key=lambda s: (s.kind != "unit", s.name, s.key))
