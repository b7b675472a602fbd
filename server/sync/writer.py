"""Mutations the server makes itself (PROTOCOL.md §11.3), for any synced entity: an admin's
action on a desk endpoint, or records that follow from a phone's mutation (the rectification
orders of a submitted inspection, §12). They go through the same engine as a phone's, so the
same rules apply, every change is in the change log, and the buckets are poked after commit.

Server-only values of such a write (a task's batch id, a cancellation reason …) are handed to
the entity's rules out of band (`server_values`, a context variable of this request), never
through a mutation's fields: no client can send them.

Follow-ups: an entity's rules may ask, while the engine reviews a mutation, for more server-made
writes once the push is over (`follow_up`). `push_through` runs them in the same transaction,
only for mutations that were applied; their buckets are poked with the push's.
"""

import uuid
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from server.core import field_checks, pokes
from server.errors import Invalid, NotFound
from server.extensions import db
from server.i18n import rejection_message, translate_field_message
from server.sync.actors import actor_for
from server.sync.registry import bindings
from server.sync.store import SqlStore
from sync import MAX_BATCH, Actor, Engine, LogEntry, Mutation, MutationResult, Record

_NO_VALUES: Mapping[str, Mapping] = MappingProxyType({})
_server_values: ContextVar[Mapping[str, Mapping]] = ContextVar("redgrid_server_values", default=_NO_VALUES)
_follow_ups: ContextVar[list | None] = ContextVar("redgrid_follow_ups", default=None)


@contextmanager
def server_values(by_record: Mapping[str, Mapping]):
    """Marks the records the server itself creates or changes in this block, with their
    server-only values: {record id: {name: value} or {}}."""
    token = _server_values.set(by_record)
    try:
        yield
    finally:
        _server_values.reset(token)


def server_made(record_id: str) -> Mapping | None:
    """The server-only values of a record the server writes in this block; None for a client's."""
    return _server_values.get().get(record_id)


def follow_up(mutation_id: str, action: Callable[[], set[str]]) -> None:
    """Run `action` (server-made writes; returns the buckets it touched) after this push, if the
    mutation `mutation_id` is applied. Outside push_through (a reference engine in a test of the
    rules alone) there is nobody to run it: refused loudly rather than forgotten."""
    queue = _follow_ups.get()
    if queue is None:
        raise RuntimeError("follow_up() outside push_through()")
    queue.append((mutation_id, action))


def push_through(
    engine: Engine,
    store: SqlStore,
    actor: Actor,
    client_id: str,
    mutations: list[Mutation],
    values_checked: bool = False,
) -> list[MutationResult]:
    """engine.push, then the follow-ups of the mutations it applied, in the same transaction;
    their buckets are added to `store.touched`. values_checked: the mutations' values were found
    storable at the edge (server.core.edge.read_body), and the records' stored values were
    checked when written: the entity schemas do not walk them again (the follow-ups' do)."""
    token = _follow_ups.set([])
    try:
        with field_checks.values_checked(values_checked):
            results = engine.push(actor, client_id, mutations)
        queue = _follow_ups.get()
    finally:
        _follow_ups.reset(token)
    applied = {r.mutation_id for r in results if r.status != "rejected"}
    for mutation_id, action in queue:
        if mutation_id in applied:
            store.touched |= action()
    return results


def new_engine() -> tuple[Engine, SqlStore]:
    """An engine over a SqlStore of every registered entity."""
    registered = bindings()
    store = SqlStore(registered)
    return Engine(store, [b.entity() for b in registered.values()]), store


class Writer:
    """Server-made mutations of one action, pushed through the engine in batches of MAX_BATCH
    (each batch a push: one lock, one read of the records, one upsert of the log), in the
    caller's transaction. `commit()` ends it and pokes the touched buckets.

    The actor is the signed-in user's (`user`: their buckets and roles), or one given: the
    server acting as SYSTEM in the buckets of the records it makes."""

    def __init__(self, user=None, *, actor: Actor | None = None, client_id: str | None = None):
        self.engine, self.store = new_engine()
        self.actor = actor or actor_for(user)
        self.client_id = client_id or f"api:{user.id}"

    def push(self, mutations: list[Mutation], extra: dict | None = None) -> list[MutationResult]:
        """Push in batches; `extra`: server-only values per record id (server_values)."""
        results = []
        made = {m.record_id: {} for m in mutations}
        made.update(extra or {})
        with server_values(made):
            for start in range(0, len(mutations), MAX_BATCH):
                results += push_through(
                    self.engine, self.store, self.actor, self.client_id, mutations[start : start + MAX_BATCH]
                )
        return results

    def create_new(self, entity: str, fields_by_id: Mapping[str, Mapping]) -> list[str]:
        """New records the server makes whole (the notification service's inbox entries), in
        bulk; returns the ids created. Under the engine's write lock, an id that exists already
        is skipped (a dedupe id: made by an earlier run, or by another process that held the
        lock first); the others are stored and logged in every bucket exactly as the engine
        stores a create (one seq each, every field written by this writer's client, §5.1), and
        the held-back rows go out in one statement per table (server.sync.bulk).

        No merge, review or validation per record, and no mutation result is kept: no client
        sent these, so there are no roles to check and nothing to replay (§6.4). The caller
        vouches for the values (the same schema the engine would apply, once per shape)."""
        if not fields_by_id:
            return []
        binding = self.store.bindings[entity]
        ids = list(fields_by_id)
        self.store.begin_write()
        for start in range(0, len(ids), MAX_BATCH):
            self.store.prefetch([(entity, record_id) for record_id in ids[start : start + MAX_BATCH]])
        made = [record_id for record_id in ids if self.store.get_record(entity, record_id) is None]
        for record_id, seq in zip(made, self.store.allocate(len(made))):
            values = dict(fields_by_id[record_id])
            record = Record(
                entity, record_id, values, dict.fromkeys(values, seq), seq, False, dict.fromkeys(values, self.client_id)
            )
            self.store.put_record(record)
            for bucket in sorted(binding.buckets(values)):
                self.store.log_put(LogEntry(seq, bucket, entity, record_id, "put", seq, values))
        self.store.finish()
        return made

    def rewrite(self, entity: str, changes_by_id: Mapping[str, Mapping]) -> list[str]:
        """Existing records the server moves itself (PROTOCOL.md §25): server-only values changed
        (a task's grid_id when its building went to another grid), or nothing changed but the
        record logged again where its buckets are now (a grid moved in the org tree: its `org:`
        buckets are other units'). Each record takes a new seq and is logged as the engine logs
        a write: a put in every bucket it is in now, a delete in every bucket it left, so the
        phones of the old bucket drop it on their next pull and those of the new one get it.
        No review: no client sent this, and the caller vouches for the values. Returns the ids
        rewritten (missing and deleted records are skipped)."""
        if not changes_by_id:
            return []
        binding = self.store.bindings[entity]
        ids = list(changes_by_id)
        done = []
        self.store.begin_write()
        for start in range(0, len(ids), MAX_BATCH):
            chunk = ids[start : start + MAX_BATCH]
            self.store.prefetch([(entity, record_id) for record_id in chunk])
            for record_id in chunk:
                current = self.store.get_record(entity, record_id)
                if current is None or current.deleted:
                    continue
                (seq,) = self.store.allocate(1)
                changes = dict(changes_by_id[record_id])
                values = {**current.values, **changes}
                versions, writers = dict(current.field_versions), dict(current.field_writers)
                for name, value in changes.items():
                    if current.values.get(name) != value:
                        versions[name], writers[name] = seq, self.client_id
                values = {k: v for k, v in values.items() if v is not None}  # as a stored row reads back
                record = Record(entity, record_id, values, versions, seq, False, writers)
                self.store.put_record(record)
                now_in = set(binding.buckets(values))
                before = self.store.live_buckets(entity, record_id)
                for bucket in sorted(now_in):
                    self.store.log_put(LogEntry(seq, bucket, entity, record_id, "put", seq, values))
                for bucket in sorted(before - now_in):
                    self.store.log_put(LogEntry(seq, bucket, entity, record_id, "delete", seq, None))
                done.append(record_id)
            self.store.finish()
        return done

    def commit(self) -> None:
        """Commit the action, then poke the buckets it touched (never before, PROTOCOL.md §8)."""
        pokes.after_commit(self.store.touched)
        db.session.commit()


def mutation(entity: str, record_id: str, op: str, fields: dict, base_version: int | None = None) -> Mutation:
    """A server-made mutation with a fresh id."""
    return Mutation(str(uuid.uuid4()), entity, record_id, op, fields, base_version)


def raise_refusal(result: MutationResult, prefix: str = ""):
    """A refused server-made mutation as the API's error: 404 when out of scope, else 422."""
    error = result.error
    message = rejection_message(result.entity, error["code"])
    fields = {f"{prefix}{k}": [translate_field_message(m) for m in v] for k, v in error["fields"].items()}
    db.session.rollback()
    if error["code"] in ("out_of_scope", "not_found"):
        raise NotFound(message, fields)
    raise Invalid(message, fields or {"_schema": [message]}, code=error["code"])
