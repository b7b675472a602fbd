"""The per-field merge of one mutation into the server's record (PROTOCOL.md §7). Pure: it
decides, the engine stores."""

from dataclasses import dataclass, field
from typing import Any

from sync._rules import Entity
from sync._types import Conflict, Mutation, Record


@dataclass
class Rejection:
    """The mutation writes nothing. `code` and `fields` go to the client (§6.3)."""

    code: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def to_wire(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


@dataclass
class Merged:
    """The record's values after the mutation, which fields changed, and the conflicts."""

    values: dict[str, Any]
    changed: set[str]
    conflicts: list[Conflict]
    deleted: bool = False


@dataclass
class Review:
    """A mutation about to be applied, shown to its entity's own rules (§7.5). The reviewer may
    refuse it (return a Rejection), set server-only fields in `merged.values` (adding their
    names to `merged.changed`), and add conflicts to `merged.conflicts` for domain conflicts
    that no single field shows (e.g. a task reassigned while its worker completed it)."""

    current: Record | None
    mutation: Mutation
    merged: Merged
    roles: frozenset[str]
    user_id: int
    client_id: str

    def changed_by_others(self, name: str) -> bool:
        """The field changed on the server since the mutation's base version, by another client."""
        return self.current is not None and _changed_by_others(self.current, name, self.mutation, self.client_id)

    def set(self, name: str, value: Any) -> None:
        """A server-set value (a stamp, a derived field): stored as a change of this mutation."""
        if self.merged.values.get(name) != value:
            self.merged.values[name] = value
            self.merged.changed.add(name)


def merge(
    entity: Entity, current: Record | None, mutation: Mutation, roles: frozenset[str], client_id: str
) -> Merged | Rejection:
    """Apply `mutation`, sent by `client_id`, to `current` as a user holding `roles` (§7.1).

    The caller has already checked that the record is in the user's scope; `roles` are the
    roles the user holds in the record's buckets.
    """
    if mutation.op == "create":
        return _create(entity, current, mutation, roles)
    if current is None:
        return Rejection("not_found", "the record does not exist")
    if current.deleted:
        return Rejection("deleted", "the record was deleted on the server")
    if mutation.op == "delete":
        return _delete(entity, current, mutation, roles, client_id)
    return _update(entity, current, mutation, roles, client_id)


def _field_errors(entity: Entity, mutation: Mutation, roles: frozenset[str]) -> Rejection | None:
    unknown = {name: ["unknown field"] for name in mutation.fields if entity.field(name) is None}
    if unknown:
        return Rejection("unknown_field", "the mutation names fields this entity does not have", unknown)
    forbidden = {
        name: ["not writable by your role"] for name in mutation.fields if not (entity.field(name).writable_by & roles)
    }
    if forbidden:
        return Rejection("forbidden_field", "your role may not change these fields", forbidden)
    return None


def _create(entity, current, mutation, roles):
    if not (entity.create_roles & roles):
        return Rejection("forbidden_op", f"your role may not create {entity.name} records")
    if current is not None:
        return Rejection("exists", "a record with this id already exists")
    refused = _field_errors(entity, mutation, roles)
    if refused:
        return refused
    return Merged(dict(mutation.fields), set(mutation.fields), [])


def _changed_by_others(current: Record, name: str, mutation: Mutation, client_id: str) -> bool:
    """Changed on the server after the client's base version, by someone else (§7.1)."""
    return current.field_versions.get(name, 0) > mutation.base_version and current.field_writers.get(name) != client_id


def _delete(entity, current, mutation, roles, client_id):
    if not (entity.delete_roles & roles):
        return Rejection("forbidden_op", f"your role may not delete {entity.name} records")
    changed_since = sorted(f for f in current.field_versions if _changed_by_others(current, f, mutation, client_id))
    if changed_since:
        # Deleting over edits the client never saw would lose them silently (§7.3).
        return Rejection(
            "changed_since",
            "the record changed on the server since you last saw it",
            {f: ["changed on the server"] for f in changed_since},
        )
    return Merged(dict(current.values), set(), [], deleted=True)


def _update(entity, current, mutation, roles, client_id):
    refused = _field_errors(entity, mutation, roles)
    if refused:
        return refused
    create_only = {
        n: ["can only be set when the record is created"] for n in mutation.fields if entity.field(n).create_only
    }
    if create_only:
        return Rejection("create_only", "these fields cannot change after creation", create_only)
    values, changed, conflicts = dict(current.values), set(), []
    for name, client_value in mutation.fields.items():
        server_value = current.values.get(name)
        if client_value == server_value:
            continue  # both sides agree: nothing to do, nothing to report
        if not _changed_by_others(current, name, mutation, client_id):
            values[name] = client_value  # nobody else touched it since the client's base
            changed.add(name)
            continue
        rule = entity.field(name).on_conflict
        if rule == "union":
            merged = _union(server_value, client_value)
            if merged != server_value:
                values[name] = merged
                changed.add(name)
            continue
        winner = "client" if rule == "client_wins" else "server"
        if winner == "client":
            values[name] = client_value
            changed.add(name)
        conflicts.append(Conflict(name, mutation.base_version, server_value, client_value, winner, rule))
    return Merged(values, changed, conflicts)


def _union(server_value, client_value) -> list:
    """Server items in their order, then the client's new ones (§7.2 "union")."""
    merged = list(server_value or [])
    for item in client_value or []:
        if item not in merged:
            merged.append(item)
    return merged
