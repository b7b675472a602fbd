"""One mutation as a client sent it (PROTOCOL.md §6.1): the sync library checks its shape; here,
what the server adds to it — ids that are lowercase UUIDs (§4.1), a client time as §4.3 writes it,
names and values the database can hold. A malformed mutation becomes its own refusal, so that
the rest of its batch goes on."""

import re
from datetime import datetime

import marshmallow as ma

from server.core.edge import FIRST_YEAR, LAST_YEAR, check_value
from sync import BadMutation, Mutation, MutationResult, Rejection

__all__ = ["parse_mutation"]

ENTITY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
FIELD_NAME = re.compile(r"^[^\x00]{1,64}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# An instant as §4.3 writes it: seconds, an optional fraction, an offset.
CLIENT_TIME = re.compile(r"^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
# The field a malformed mutation names -> its message (server/sync/messages.py).
_SHAPE_MESSAGES = {
    "id": "sync.mutation.uuid",
    "record_id": "sync.mutation.uuid",
    "entity": "sync.mutation.entity",
    "op": "sync.mutation.op",
    "fields": "sync.mutation.fields",
    "base_version": "sync.mutation.base_version",
    "client_time": "sync.mutation.client_time",
    "epoch": "sync.mutation.epoch",
    None: "sync.mutation.not_object",
}


def parse_mutation(raw, values_checked: bool = False) -> Mutation | MutationResult:
    """One mutation as sent, or its refusal: the sync library's shape (§6.1), then ids that are
    lowercase UUIDs (§4.1), a client time with an offset, and fields the database can hold.
    values_checked: the edge found no NUL and no integer beyond 64 bits anywhere in the request
    body, and its nesting within bounds (server.core.edge.read_body): the fields are not walked again."""
    try:
        mutation = Mutation.from_wire(raw)
    except BadMutation as exc:
        name = exc.details.get("field")
        return _malformed(raw, name or "_schema", _SHAPE_MESSAGES.get(name, "sync.mutation.unknown_key"))
    for name in ("id", "record_id"):
        if not UUID.fullmatch(getattr(mutation, name)):
            return _malformed(raw, name, "sync.mutation.uuid")
    # What a refusal stores (its result, an unknown entity's name, unknown field names) must be
    # storable: no NUL (PostgreSQL refuses it in JSON text), no names beyond the columns.
    if not ENTITY_NAME.fullmatch(mutation.entity):
        return _malformed(raw, "entity", "sync.mutation.entity")
    if not all(FIELD_NAME.fullmatch(name) for name in mutation.fields):
        return _malformed(raw, "fields", "sync.mutation.field_name")
    if mutation.client_time is not None and not _is_client_time(mutation.client_time):
        return _malformed(raw, "client_time", "sync.mutation.client_time")
    errors = {} if values_checked else _value_errors(mutation.fields)
    if errors:
        return MutationResult(
            mutation.id,
            mutation.entity,
            mutation.record_id,
            "rejected",
            error=Rejection("invalid", "some fields are invalid", errors).to_wire(),
        )
    return mutation


def _value_errors(fields: dict) -> dict:
    """NUL, integers beyond 64 bits, nesting too deep, per field: even a losing value is stored
    (§7.3). The fields are walked once as a whole; only a mutation with a bad value is walked
    field by field, to name the fields."""
    try:
        check_value(fields)  # the values one level down, as each is checked below
        return {}
    except ma.ValidationError:
        pass
    errors = {}
    for name, value in fields.items():
        try:
            check_value(value, 1)
        except ma.ValidationError as exc:
            errors[name] = exc.messages
    return errors


def _is_client_time(text: str) -> bool:
    match = CLIENT_TIME.fullmatch(text)
    if match is None or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _malformed(raw, name: str, message: str) -> MutationResult:
    """The refusal of a malformed mutation, under whatever ids it names (not stored: a retry
    of the same bytes is refused the same way)."""

    def text(key):
        value = raw.get(key) if isinstance(raw, dict) else None
        return value if isinstance(value, str) and len(value) <= 64 else None

    error = Rejection("bad_mutation", "the mutation is malformed", {name: [message]})
    return MutationResult(text("id"), text("entity"), text("record_id"), "rejected", error=error.to_wire())
