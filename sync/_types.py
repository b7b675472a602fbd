"""The small, validated values the protocol exchanges (PROTOCOL.md §4–§7)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync._errors import BadMutation

OPS = ("create", "update", "delete")
KEYS = frozenset({"id", "entity", "record_id", "op", "fields", "base_version", "client_time", "epoch"})
SEQ_MAX = 2**63 - 1  # sequence numbers are 64-bit (§4.2)


@dataclass(frozen=True)
class Mutation:
    """One change a client made offline (§6.1). `fields` holds only the changed fields."""

    id: str
    entity: str
    record_id: str
    op: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    base_version: int | None = None
    client_time: str | None = None
    # The server epoch of the data the edit was made on (the `epoch` of the client's last pull,
    # §5.2): a base from another epoch is unknown (§7.1).
    epoch: str | None = None

    @classmethod
    def from_wire(cls, raw: Any) -> "Mutation":
        """Check the shape of one mutation as sent by a client."""
        if not isinstance(raw, dict):
            raise BadMutation("a mutation must be an object")
        unknown = sorted(str(k) for k in raw if k not in KEYS)
        if unknown:
            raise BadMutation(f"unknown key {unknown[0]!r}", field=unknown[0])
        for key in ("id", "entity", "record_id", "op"):
            if not isinstance(raw.get(key), str) or not raw[key] or len(raw[key]) > 64:
                raise BadMutation(f"'{key}' must be a non-empty string of at most 64 characters", field=key)
        if raw["op"] not in OPS:
            raise BadMutation(f"'op' must be one of {', '.join(OPS)}", field="op")
        fields = raw.get("fields", {})
        if not isinstance(fields, dict):
            raise BadMutation("'fields' must be an object", field="fields")
        base = raw.get("base_version")
        if base is not None and (not isinstance(base, int) or isinstance(base, bool) or not 0 <= base <= SEQ_MAX):
            raise BadMutation("'base_version' must be a non-negative 64-bit integer", field="base_version")
        if raw["op"] != "create" and base is None:
            raise BadMutation("'base_version' is required to update or delete", field="base_version")
        client_time = raw.get("client_time")
        if client_time is not None and not isinstance(client_time, str):
            raise BadMutation("'client_time' must be a string", field="client_time")
        epoch = raw.get("epoch")
        if epoch is not None and (not isinstance(epoch, str) or len(epoch) > 64):
            raise BadMutation("'epoch' must be a string of at most 64 characters", field="epoch")
        return cls(raw["id"], raw["entity"], raw["record_id"], raw["op"], dict(fields), base, client_time, epoch)


@dataclass
class Record:
    """A synced record as the server holds it: values, a version, and a version per field (§4.2)."""

    entity: str
    id: str
    values: dict[str, Any]
    field_versions: dict[str, int]
    version: int
    deleted: bool = False
    # Which client last wrote each field: a client never conflicts with its own edits (§7.1).
    field_writers: dict[str, str] = field(default_factory=dict)

    def to_wire(self) -> dict:
        return {
            "entity": self.entity,
            "id": self.id,
            "version": self.version,
            "deleted": self.deleted,
            "data": None if self.deleted else dict(self.values),
        }


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed: the rule's winner is stored, the loser is kept here (§7)."""

    field: str
    base_version: int
    server_value: Any
    client_value: Any
    winner: str  # "server" or "client"
    rule: str

    @property
    def losing_value(self) -> Any:
        return self.client_value if self.winner == "server" else self.server_value

    def to_wire(self) -> dict:
        return {
            "field": self.field,
            "base_version": self.base_version,
            "server_value": self.server_value,
            "client_value": self.client_value,
            "winner": self.winner,
            "rule": self.rule,
        }


@dataclass
class MutationResult:
    """What became of one mutation (§6.2). Stored, so that a retry returns it unchanged."""

    mutation_id: str
    entity: str
    record_id: str
    status: str  # applied | conflict | rejected
    version: int | None = None
    record: dict | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    error: dict | None = None

    def to_wire(self) -> dict:
        return {
            "mutation_id": self.mutation_id,
            "entity": self.entity,
            "record_id": self.record_id,
            "status": self.status,
            "version": self.version,
            "record": self.record,
            "conflicts": [c.to_wire() for c in self.conflicts],
            "error": self.error,
        }

    @classmethod
    def from_wire(cls, raw: dict) -> "MutationResult":
        conflicts = [Conflict(**c) for c in raw.get("conflicts", [])]
        return cls(
            raw["mutation_id"],
            raw["entity"],
            raw["record_id"],
            raw["status"],
            raw.get("version"),
            raw.get("record"),
            conflicts,
            raw.get("error"),
        )


@dataclass(frozen=True)
class LogEntry:
    """The latest change of one record in one bucket (§5.1): a put with data, or a delete."""

    seq: int
    bucket: str
    entity: str
    record_id: str
    op: str  # put | delete
    version: int
    data: Mapping[str, Any] | str | None  # a store may hand over the JSON text as stored

    def to_wire(self) -> dict:
        data = json.loads(self.data) if isinstance(self.data, str) else None if self.data is None else dict(self.data)
        return {
            "bucket": self.bucket,
            "entity": self.entity,
            "id": self.record_id,
            "op": self.op,
            "version": self.version,
            "data": data,
        }


@dataclass(frozen=True)
class Actor:
    """Who is syncing: a user id and, per bucket in scope, the roles held there (§2)."""

    user_id: int
    buckets: Mapping[str, frozenset[str]]

    def roles_in(self, buckets) -> frozenset[str]:
        roles: set[str] = set()
        for bucket in buckets:
            roles |= self.buckets.get(bucket, frozenset())
        return frozenset(roles)
