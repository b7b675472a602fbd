"""The service record as a synced entity `service_entry` (PROTOCOL.md §15.2): only the server
writes it (server/ledger/service.py); it lives in user:<the person> and the org buckets of the
community it was served in, so the person reads their own record offline and the community's
admins theirs."""

from server.ledger.models import ServiceEntry
from server.ledger.schemas import service_entry_record_schema
from server.sync import registry
from server.sync.buckets import org_buckets
from server.sync.review import BY_SERVER, checked
from sync import Field, Rejection, Review

FIELDS = tuple(
    Field(name, BY_SERVER, create_only=name in ("account_id", "kind", "source_id"))
    for name in (
        "account_id",
        "community_id",
        "kind",
        "source_id",
        "title",
        "hours",
        "rating",
        "occurred_at",
        "status",
        "credited_at",
    )
)


def entry_buckets(values) -> list[str]:
    org = org_buckets(values.get("community_id"))
    account_id = values.get("account_id")
    return [f"user:{account_id}", *org] if org and isinstance(account_id, int) else []


def review_entry(r: Review) -> Rejection | None:
    return checked(service_entry_record_schema, r)


SERVICE_ENTRY = registry.EntityBinding(
    "service_entry",
    FIELDS,
    BY_SERVER,
    BY_SERVER,
    ServiceEntry,
    service_entry_record_schema,
    entry_buckets,
    review=review_entry,
)
