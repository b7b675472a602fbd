"""Writing and reading the service record (PROTOCOL.md §15.2). Domains credit what someone
served in their own transaction — from an endpoint, or from a sync rule's follow-up — and the
entry syncs to that person's phone after the commit. One entry per (kind, source, person): a
second credit for the same source updates it (hours corrected, a rating arriving later), and a
void keeps the row (status `void`) so a phone that holds it learns it no longer counts."""

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from server.core import clock, pokes
from server.core.fields import iso
from server.extensions import db
from server.ledger.models import ServiceEntry
from server.ledger.sync import SERVICE_ENTRY
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation

CLIENT = "server:ledger"
_NAMESPACE = uuid.UUID("6d1b3a52-3f8e-4c55-9a57-2f0c1e5b7a40")


def entry_id(kind: str, source_id: str, account_id: int) -> str:
    """The one entry of a person for a source: fixed, so crediting twice cannot count twice."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{source_id}:{account_id}"))


def credit(
    account_id: int,
    community_id: int,
    kind: str,
    source_id: str,
    title: str,
    hours: float,
    occurred_at: datetime,
    rating: int | None = None,
) -> str:
    """Count `hours` (rounded to the minute) served by an account in a community for a source;
    returns the entry's id. A value the record refuses is a bug of the caller: ValueError."""
    values = {
        "account_id": account_id,
        "community_id": community_id,
        "kind": kind,
        "source_id": source_id,
        "title": title[:60],
        "hours": _to_the_minute(float(hours)),
        "rating": rating,
        "occurred_at": iso(occurred_at),
        "status": "credited",
        "credited_at": iso(clock.now()),
    }
    return _put(entry_id(kind, source_id, account_id), values)


def _to_the_minute(hours: float) -> float:
    return round(round(hours * 60) / 60, 4) if math.isfinite(hours) else hours  # NaN: the schema says no


def void(kind: str, source_id: str, account_id: int) -> bool:
    """Stop counting an entry (a confirmation undone); False when there was none."""
    record_id = entry_id(kind, source_id, account_id)
    row = db.session.get(ServiceEntry, record_id)
    if row is None or row.status == "void":
        return False
    _put(record_id, {"status": "void", "credited_at": iso(clock.now())}, row)
    return True


def _put(record_id: str, values: dict, row: ServiceEntry | None = None) -> str:
    row = row or db.session.get(ServiceEntry, record_id)
    stored = None if row is None else SERVICE_ENTRY.record_of(row).values
    whole = values if stored is None else {**stored, **values}
    errors = SERVICE_ENTRY.validate(whole, "create")
    if errors:
        raise ValueError(f"service entry refused: {errors}")
    buckets = SERVICE_ENTRY.buckets(whole)
    writer = Writer(actor=system_actor(None, buckets), client_id=CLIENT)
    if row is None:
        writer.create_new("service_entry", {record_id: values})
    else:
        changed = {k: v for k, v in values.items() if stored.get(k) != v}
        if changed:
            (result,) = writer.push([mutation("service_entry", record_id, "update", changed, row.version)])
            if result.status == "rejected":
                raise ValueError(f"service entry refused: {result.error}")
    pokes.after_commit(writer.store.touched)
    return record_id


def _credited(query, account_ids, since, until, community_id):
    """Only credited entries, of these accounts (or all), in [since, until), of one community (or all)."""
    query = query.where(ServiceEntry.status == "credited", ServiceEntry.deleted.is_(False))
    if account_ids is not None:
        query = query.where(ServiceEntry.account_id.in_(list(account_ids)))
    if community_id is not None:
        query = query.where(ServiceEntry.community_id == community_id)
    if since is not None:
        query = query.where(ServiceEntry.occurred_at >= since)
    if until is not None:
        query = query.where(ServiceEntry.occurred_at < until)
    return query


def entries(
    account_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    community_id: int | None = None,
) -> list[ServiceEntry]:
    """The credited entries of these accounts (or all), in [since, until), oldest first."""
    query = _credited(select(ServiceEntry), account_ids, since, until, community_id)
    return list(db.session.scalars(query.order_by(ServiceEntry.occurred_at, ServiceEntry.id)))


@dataclass
class Totals:
    hours: float = 0.0
    count: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # entries per kind
    hours_by_kind: dict[str, float] = field(default_factory=dict)
    ratings: list[int] = field(default_factory=list)

    @property
    def rating(self) -> float | None:
        """The mean of the residents' ratings, or None when nobody rated."""
        return round(sum(self.ratings) / len(self.ratings), 2) if self.ratings else None


def totals(
    account_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    community_id: int | None = None,
) -> dict[int, Totals]:
    """Per account: hours, entries (per kind) and ratings of the credited entries in [since, until).
    One query over the columns it needs (the December evaluation reads a city's year)."""
    columns = select(ServiceEntry.account_id, ServiceEntry.kind, ServiceEntry.hours, ServiceEntry.rating)
    out: dict[int, Totals] = defaultdict(Totals)
    for account_id, kind, hours, rating in db.session.execute(
        _credited(columns, account_ids, since, until, community_id)
    ):
        t = out[account_id]
        t.hours = round(t.hours + hours, 4)
        t.count += 1
        t.by_kind[kind] = t.by_kind.get(kind, 0) + 1
        t.hours_by_kind[kind] = round(t.hours_by_kind.get(kind, 0.0) + hours, 4)
        if rating is not None:
            t.ratings.append(rating)
    return dict(out)
