"""The sync engine: push (apply a batch of mutations) and pull (changes since a cursor), over
any Store (PROTOCOL.md §5, §6). No I/O of its own; the store does it."""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sync._cursor import decode_cursor, encode_cursor
from sync._errors import CursorExpired, UnsupportedProtocol
from sync._merge import Merged, Rejection, Review, merge
from sync._pages import group_changes
from sync._rules import Entity
from sync._types import Actor, LogEntry, Mutation, MutationResult, Record

PROTOCOL_VERSION = "redgrid-sync/1"
SUPPORTED_PROTOCOLS = (PROTOCOL_VERSION,)
DEFAULT_PAGE = 500
MAX_PAGE = 2000
MAX_BATCH = 500


class Store(Protocol):
    """What the engine needs from storage (§5.3). The server's SQLAlchemy store and the
    in-memory reference store implement it and must behave the same."""

    def epoch(self) -> str: ...
    def begin_write(self) -> None: ...
    def prefetch(self, keys: list[tuple[str, str]]) -> None: ...
    def finish(self) -> None: ...
    def get_record(self, entity: str, record_id: str) -> Record | None: ...
    def put_record(self, record: Record) -> None: ...
    def allocate(self, count: int) -> list[int]: ...
    def log_put(self, entry: LogEntry) -> None: ...
    def live_buckets(self, entity: str, record_id: str) -> set[str]: ...
    def get_results(self, mutation_ids: list[str]) -> dict[str, tuple[int, MutationResult]]: ...
    def save_result(self, user_id: int, client_id: str, result: MutationResult) -> None: ...
    def save_conflicts(self, user_id: int, mutation: Mutation, conflicts: list) -> None: ...
    def changes_since(self, positions: Mapping[str, int], limit: int) -> list[LogEntry]: ...
    def marks(self) -> tuple[str, int, int]: ...


@dataclass
class PullPage:
    changes: list[LogEntry]
    cursor: str
    has_more: bool
    buckets: list[str]
    removed_buckets: list[str] = field(default_factory=list)
    reset_buckets: list[str] = field(default_factory=list)
    epoch: str = ""

    def to_wire(self, page_format: int = 1) -> dict:
        """The page as sent: format 1 lists `changes` (§5.2), format 2 `groups` (§5.2.2)."""
        changes = (
            {"groups": group_changes(self.changes)}
            if page_format == 2
            else {"changes": [c.to_wire() for c in self.changes]}
        )
        return {
            "protocol": PROTOCOL_VERSION,
            "epoch": self.epoch,
            **changes,
            "cursor": self.cursor,
            "has_more": self.has_more,
            "buckets": self.buckets,
            "removed_buckets": self.removed_buckets,
            "reset_buckets": self.reset_buckets,
        }


def check_protocol(version: str | None) -> None:
    """§3: refuse a protocol version this server does not speak."""
    if version not in SUPPORTED_PROTOCOLS:
        raise UnsupportedProtocol(f"unsupported protocol {version!r}", supported=list(SUPPORTED_PROTOCOLS))


class Engine:
    """Push and pull for a set of entity types over one store."""

    def __init__(self, store: Store, entities: Iterable[Entity]):
        self.store = store
        self.entities = {e.name: e for e in entities}
        self._epoch: str | None = None  # the store's, read once per push that needs it

    # --- push (§6) ---------------------------------------------------------------------------

    def push(self, actor: Actor, client_id: str, mutations: list[Mutation]) -> list[MutationResult]:
        """Apply mutations in order; each is applied, applied with conflicts, or rejected.

        A mutation id seen before returns its first result and writes nothing (§6.4)."""
        self.store.begin_write()
        known = self.store.get_results([m.id for m in mutations])  # one lookup for the batch
        # The records the new mutations touch, read in one go rather than one by one.
        self.store.prefetch(list(dict.fromkeys((m.entity, m.record_id) for m in mutations if m.id not in known)))
        batch: dict[str, MutationResult] = {}
        overlay: dict[tuple[str, str], Record] = {}
        self._epoch = self.store.epoch() if any(m.epoch is not None for m in mutations) else None
        results = []
        for mutation in mutations:
            result = batch.get(mutation.id) or self._replayed(actor, mutation, known)
            if result is None:
                result = self._apply(actor, client_id, mutation, overlay)
                self.store.save_result(actor.user_id, client_id, result)
                batch[mutation.id] = result
            results.append(result)
        self.store.finish()  # writes a store may have held back go out before the commit
        return results

    def _replayed(self, actor: Actor, mutation: Mutation, known) -> MutationResult | None:
        prior = known.get(mutation.id)
        if prior is None:
            return None
        user_id, result = prior
        if user_id != actor.user_id:
            # Mutation ids are UUIDs; a collision with another user's is refused, never replayed.
            return _rejected(mutation, Rejection("mutation_id_taken", "this mutation id belongs to another user"))
        return result

    def _apply(self, actor: Actor, client_id: str, mutation: Mutation, overlay) -> MutationResult:
        entity = self.entities.get(mutation.entity)
        if entity is None:
            return _rejected(mutation, Rejection("unknown_entity", f"unknown entity {mutation.entity!r}"))
        key = (mutation.entity, mutation.record_id)
        current = overlay.get(key) or self.store.get_record(*key)
        if current is not None:
            visible = set(entity.buckets(current.values)) & set(actor.buckets)
            if not visible:
                # Same answer as a missing record: ids outside a scope reveal nothing (§6.3).
                return _rejected(
                    mutation, Rejection("out_of_scope", "the record does not exist or is outside your scope")
                )
            roles = actor.roles_in(visible)
        elif mutation.op == "create":
            roles = actor.roles_in(set(entity.buckets(mutation.fields)) & set(actor.buckets))
            if not roles:
                return _rejected(mutation, Rejection("out_of_scope", "the record would be outside your scope"))
        else:
            return _rejected(mutation, Rejection("not_found", "the record does not exist or is outside your scope"))
        if current is not None and not self._base_known(mutation, current):
            # A base this server never issued for this record (forged, or from before a restore,
            # §5.5): the client saw none of the record's history, so every field someone else
            # wrote counts as changed since its base (§7.1): merged as from base 0.
            mutation = dataclasses.replace(mutation, base_version=0)
        outcome = merge(entity, current, mutation, roles, client_id)
        if isinstance(outcome, Rejection):
            return _rejected(mutation, outcome)
        if entity.review is not None and not outcome.deleted:
            refused = entity.review(Review(current, mutation, outcome, roles, actor.user_id, client_id))
            if refused is not None:
                return _rejected(mutation, refused)
        if not outcome.deleted:
            if not set(entity.buckets(outcome.values)) & set(actor.buckets):
                return _rejected(
                    mutation, Rejection("out_of_scope", "the change would move the record outside your scope")
                )
            errors = entity.validate(outcome.values, mutation.op) if entity.validate else {}
            if errors:
                return _rejected(
                    mutation, Rejection("invalid", "some fields are invalid", {k: list(v) for k, v in errors.items()})
                )
        if outcome.conflicts:
            # Kept whether or not anything else changed: a losing value is never dropped (§7.3).
            self.store.save_conflicts(actor.user_id, mutation, outcome.conflicts)
        if not outcome.changed and not outcome.deleted and current is not None:
            # Nothing new to store (every field lost, or already had the client's value): no version bump.
            return MutationResult(
                mutation.id,
                mutation.entity,
                mutation.record_id,
                "conflict" if outcome.conflicts else "applied",
                current.version,
                _wire(current),
                outcome.conflicts,
            )
        record = self._write(entity, current, mutation, outcome, client_id)
        overlay[key] = record
        status = "conflict" if outcome.conflicts else "applied"
        return MutationResult(
            mutation.id, mutation.entity, mutation.record_id, status, record.version, _wire(record), outcome.conflicts
        )

    def _base_known(self, mutation: Mutation, current: Record) -> bool:
        """The base is a version this server issued for this record (§7.1): not above the
        record's version (versions only grow), and from this server's epoch when one is named."""
        if mutation.base_version is None:
            return True
        if mutation.base_version > current.version:
            return False
        return mutation.epoch is None or mutation.epoch == self._epoch

    def _write(
        self, entity: Entity, current: Record | None, mutation: Mutation, outcome: Merged, client_id: str
    ) -> Record:
        """Store the new state with a new sequence number and log it in every bucket (§5.1)."""
        (seq,) = self.store.allocate(1)
        field_versions = dict(current.field_versions) if current else {}
        field_writers = dict(current.field_writers) if current else {}
        for name in outcome.changed:
            field_versions[name] = seq
            field_writers[name] = client_id
        record = Record(
            mutation.entity, mutation.record_id, outcome.values, field_versions, seq, outcome.deleted, field_writers
        )
        self.store.put_record(record)
        now_in = set() if outcome.deleted else set(entity.buckets(record.values))
        before = self.store.live_buckets(mutation.entity, mutation.record_id)
        for bucket in sorted(now_in):
            self.store.log_put(LogEntry(seq, bucket, record.entity, record.id, "put", seq, dict(record.values)))
        for bucket in sorted(before - now_in):
            # Deleted, or moved out of this bucket: a tombstone tells the bucket's clients (§5.4).
            self.store.log_put(LogEntry(seq, bucket, record.entity, record.id, "delete", seq, None))
        return record

    # --- pull (§5) ---------------------------------------------------------------------------

    def pull(self, actor: Actor, cursor: str | None, limit: int = DEFAULT_PAGE) -> PullPage:
        """Changes in the actor's buckets since the cursor, oldest first, at most `limit`."""
        limit = max(1, min(limit, MAX_PAGE))
        epoch, positions, mark = decode_cursor(cursor)
        # The epoch, the last committed seq (the high-water mark) and the purge mark, read
        # together and before the changes: every later commit takes a higher seq (§5.3).
        current_epoch, high_water, purged = self.store.marks()
        if epoch is not None and epoch != current_epoch:
            raise CursorExpired("the server's data was reset; pull again from the start")
        if any(seq > high_water for seq in positions.values()):
            # Beyond anything this server committed: its data was restored from a backup (without
            # a new epoch yet), and the seqs above its last one will be handed out again (§5.5).
            raise CursorExpired("the cursor is ahead of the server's data; pull again from the start")
        in_scope = sorted(actor.buckets)
        # Only a cursor issued before the latest purge can have missed purged tombstones;
        # positions issued since (even while a reset bucket is being re-sent) are safe (§5.5).
        reset = [b for b in in_scope if mark < purged and 0 < positions.get(b, 0) < purged]
        query = {b: 0 if b in reset else positions.get(b, 0) for b in in_scope}
        # Nothing new (§5.3.1): every bucket's position is at the high-water mark, and every seq
        # above it is not committed yet, so the change log is not read at all.
        caught_up = all(seq >= high_water for seq in query.values())
        rows = self.store.changes_since(query, limit + 1) if query and not caught_up else []
        has_more = len(rows) > limit
        rows = rows[:limit]
        new_positions = dict(query)
        if rows:
            last = rows[-1].seq
            returned_at_last = {r.bucket for r in rows if r.seq == last}
            for bucket in in_scope:
                # Every row of this bucket below `last` was returned (rows come in seq order);
                # at `last` itself only if it was in this page (§5.2).
                reached = last if (bucket in returned_at_last or not has_more) else last - 1
                new_positions[bucket] = max(query[bucket], reached)
        if not has_more:
            # Caught up: nothing below the high-water mark is left, so quiet buckets move on too.
            for bucket in in_scope:
                new_positions[bucket] = max(new_positions[bucket], high_water)
        return PullPage(
            rows,
            encode_cursor(current_epoch, new_positions, purged),
            has_more,
            in_scope,
            sorted(set(positions) - set(in_scope)),
            reset,
            current_epoch,
        )


def _wire(record: Record) -> dict:
    return record.to_wire()


def _rejected(mutation: Mutation, rejection: Rejection) -> MutationResult:
    return MutationResult(mutation.id, mutation.entity, mutation.record_id, "rejected", error=rejection.to_wire())
