"""What every domain's sync rules share (PROTOCOL.md §7.4, §7.5): the role sets a field is
written by, the first check of a reviewed record (`checked`) and refusals with catalog keys
(`Refusals`). The rules themselves live with their domains (server/<domain>/rules.py)."""

from collections.abc import Mapping

from server.core.fields import UtcDateTime, iso
from server.sync.actors import SYSTEM
from server.sync.registry import flat_messages
from server.sync.writer import server_made
from sync import Rejection, Review

# Who writes a field (sync.Field's roles): a role held in the record's bucket.
ADMIN = frozenset({"admin"})
WORKER = frozenset({"grid_worker"})
STEWARD = frozenset({"red_steward"})
STAFF = frozenset({"property_staff"})
VOLUNTEER = frozenset({"volunteer"})
SELF = frozenset({"self"})  # the user of a user:<id> bucket
SERVER = frozenset()  # no client writes it: the rules stamp it
BY_SERVER = frozenset({SYSTEM})  # the server's own writes (notices, orders, escalation), never a client's


class Refusals:
    """A domain's refusals: each code's English (stored with the result, shown localized from
    "sync.rejected.<code>") and per-field catalog keys "<prefix>.<code>"."""

    def __init__(self, prefix: str, messages: Mapping[str, str]):
        self.prefix, self.messages = prefix, messages

    def __call__(self, code: str, *fields: str, messages: dict | None = None) -> Rejection:
        """A refusal naming `fields`; `messages`: per-field catalog keys other than <prefix>.<code>."""
        by_field = {name: [f"{self.prefix}.{code}"] for name in fields}
        by_field.update(messages or {})
        return Rejection(code, self.messages[code], by_field)


def checked(schema, r: Review) -> Rejection | None:
    """The whole record against its schema first, so a phone hears every field problem at once
    (the engine checks again after the stamps), and the rules read well-formed values; then the
    instants the client sent in canonical form ("…Z", as stored), so the record reads the same
    before and after a reload. Mutations the server made (server_values) were checked by the
    API's schemas already: only the engine's check remains for them."""
    if server_made(r.mutation.record_id) is None:
        errors = schema.validate(dict(r.merged.values))
        if errors:
            return Rejection("invalid", "some fields are invalid", {k: flat_messages(v) for k, v in errors.items()})
    for name, value in r.mutation.fields.items():
        field = schema.fields.get(name)
        if isinstance(field, UtcDateTime) and value is not None and name in r.merged.changed:
            r.set(name, iso(field.deserialize(value)))
    return None
