"""The engine's Store on SQLAlchemy (PostgreSQL and SQLite). Behaves exactly like
sync.MemoryStore; the same vectors and property tests run on both.

No change is ever skipped by a reader (the change-feed gap, PROTOCOL.md §5.3): a push first
takes the write lock on the single sync_state row (`begin_write`) and holds it until commit, so
sequence numbers are handed out in commit order. A reader that sees seq N committed has already
seen every seq below N, because none of them can still be uncommitted.

A push's inserts (new records, mutation results, log rows) are held back and written per table
in one statement (server.sync.bulk): a bulk creation of thousands of tasks would otherwise
spend most of its time building and flushing ORM objects. Held-back records and results reach
the database before any other query of the session, as the ORM's autoflush would send pending
objects: the domain rules that read tables in the middle of a push see them.
"""

import copy
import uuid
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import Text, and_, cast, event, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite

from server.core.clock import utcnow
from server.core.fields import compact_json
from server.extensions import db
from server.sync.bulk import insert_rows
from server.sync.models import SyncBlobRef, SyncConflict, SyncLogData, SyncLogEntry, SyncMutation, SyncState
from server.sync.registry import EntityBinding
from sync import LogEntry, Mutation, MutationResult, Record


class SqlStore:
    def __init__(self, bindings: Mapping[str, EntityBinding]):
        self.bindings = bindings
        self.touched: set[str] = set()  # buckets changed in this transaction: poked after commit
        self._last_seq: int | None = None  # under the write lock: the last seq handed out
        self._stored_seq: int | None = None  # ... and the one sync_state holds
        self._rows: dict[tuple[str, str], object] = {}  # (entity, id) -> table row, None if new
        self._live: dict[tuple[str, str], dict[str, str]] = {}  # (entity, id) -> {bucket: op}
        self._log: dict[tuple[str, str, str], dict] = {}  # log rows held back until finish()
        self._data: dict[tuple[str, str], tuple[int, str]] = {}  # (entity, id) -> (seq, JSON) of its put, held back
        self._new: dict[tuple[str, str], Record] = {}  # new records held back (the latest state)
        self._results: list[dict] = []  # mutation results held back
        self._holding = None  # the transaction the held-back rows belong to, while there are some
        self._now = utcnow()

    _ensured = False

    def _ensure_state(self) -> None:
        """The single sync_state row, made on first use. Looked up first: a pull must never
        write (an INSERT would wait on a pushing transaction's lock), and ON CONFLICT covers
        two first pushes at once."""
        if self._ensured:
            return
        if db.session.scalar(select(SyncState.id).where(SyncState.id == 1)) is None:
            insert = _insert_for_dialect()
            db.session.execute(
                insert(SyncState)
                .values(id=1, last_seq=0, purged_through=0, epoch=uuid.uuid4().hex)
                .on_conflict_do_nothing(index_elements=["id"])
            )
        self._ensured = True

    def epoch(self) -> str:
        self._ensure_state()
        return db.session.scalar(select(SyncState.epoch).where(SyncState.id == 1))

    def begin_write(self) -> None:
        """Take the write lock (PostgreSQL: the sync_state row, until commit; SQLite: the
        database) and read the last seq under it: seqs are then handed out here and the row
        updated once, in finish()."""
        self._ensure_state()
        self._last_seq = db.session.execute(
            update(SyncState).where(SyncState.id == 1).values(last_seq=SyncState.last_seq).returning(SyncState.last_seq)
        ).scalar_one()
        self._stored_seq = self._last_seq
        self._now = utcnow()
        self._rows.clear()
        self._live.clear()

    def prefetch(self, keys: list[tuple[str, str]]) -> None:
        """A push batch's records and the buckets they are logged in: one query per entity
        type and one for the log, instead of two per mutation."""
        by_entity: dict[str, set[str]] = defaultdict(set)
        for entity, record_id in keys:
            if entity in self.bindings:
                by_entity[entity].add(record_id)
        for entity, ids in by_entity.items():
            rows = self.bindings[entity].load_rows(ids)
            for record_id in ids:
                self._rows[(entity, record_id)] = rows.get(record_id)
        for key in keys:
            if key[0] in by_entity:
                self._live.setdefault(key, {})
        # A record without a row has no log rows (the engine writes both together; nothing
        # deletes a row): only existing records are looked up. A bulk creation's new records
        # cost no query, and none that a planner with stale statistics (right after thousands
        # of log rows were added) would answer by reading every log row of the entity.
        wanted = {key for key in keys if key[0] in by_entity and self._rows[key] is not None}
        if wanted:
            rows = db.session.execute(
                select(SyncLogEntry.entity, SyncLogEntry.record_id, SyncLogEntry.bucket, SyncLogEntry.op).where(
                    SyncLogEntry.entity.in_({e for e, _ in wanted}), SyncLogEntry.record_id.in_({r for _, r in wanted})
                )
            )
            for entity, record_id, bucket, op in rows:
                if (entity, record_id) in wanted:
                    self._live[(entity, record_id)][bucket] = op

    def get_record(self, entity: str, record_id: str) -> Record | None:
        binding = self.bindings.get(entity)
        if binding is None:
            return None
        key = (entity, record_id)
        held = self._new.get(key)
        if held is not None:
            # As a stored row reads back (record_of): no None values.
            values = {k: copy.deepcopy(v) for k, v in held.values.items() if v is not None}
            return Record(
                entity,
                record_id,
                values,
                dict(held.field_versions),
                held.version,
                held.deleted,
                dict(held.field_writers),
            )
        if key in self._rows:
            row = self._rows[key]
            return None if row is None else binding.record_of(row)
        return binding.load(record_id)

    def put_record(self, record: Record) -> None:
        key = (record.entity, record.id)
        if key in self._rows and self._rows[key] is None:
            self._hold_back()
            self._new[key] = record  # the engine hands over a new Record per write: no copy needed
            return
        binding = self.bindings[record.entity]
        self._rows[key] = binding.store(record, self._rows[key]) if key in self._rows else binding.store(record)

    def allocate(self, count: int) -> list[int]:
        if self._last_seq is None:
            raise RuntimeError("allocate() outside a write (begin_write first)")
        first = self._last_seq + 1
        self._last_seq += count
        return list(range(first, first + count))

    def log_put(self, entry: LogEntry) -> None:
        """Held back and written in one statement by finish(); the latest entry per row wins. A
        put's data goes once per record (SyncLogData): all its puts are of this seq."""
        key = (entry.entity, entry.record_id)
        self._live_of(key)[entry.bucket] = entry.op
        held = self._data.get(key)
        if entry.op == "put" and (held is None or held[0] != entry.seq):  # not this version in its next bucket
            self._data[key] = (entry.seq, compact_json(dict(entry.data)))
        self._log[(entry.entity, entry.record_id, entry.bucket)] = {
            "bucket": entry.bucket,
            "entity": entry.entity,
            "record_id": entry.record_id,
            "seq": entry.seq,
            "op": entry.op,
            "version": entry.version,
            "committed_at": self._now,
        }
        self.touched.add(entry.bucket)

    def live_buckets(self, entity: str, record_id: str) -> set[str]:
        return {bucket for bucket, op in self._live_of((entity, record_id)).items() if op == "put"}

    def _live_of(self, key: tuple[str, str]) -> dict[str, str]:
        """bucket -> op of a record's log rows, as they will be after this transaction."""
        if key not in self._live:
            # By record only (the key's prefix); the op is checked here, so that no planner is
            # tempted to walk every put in the log.
            rows = db.session.execute(
                select(SyncLogEntry.bucket, SyncLogEntry.op).where(
                    SyncLogEntry.entity == key[0], SyncLogEntry.record_id == key[1]
                )
            )
            self._live[key] = dict(rows.all())
        return self._live[key]

    def finish(self) -> None:
        """The held-back records and results, the log rows in one upsert, and the new last seq."""
        self._write_held_back()
        if self._log:
            # In the key's order: each index page is visited once, in one pass.
            log, self._log = self._log, {}
            insert_rows(
                SyncLogEntry.__table__,
                [log[key] for key in sorted(log)],
                upsert_on=("entity", "record_id", "bucket"),
                update=("seq", "op", "version", "committed_at"),
            )
            # A record's latest put; a record with no put left (deleted, out of every bucket,
            # in this push perhaps after a put) keeps no data.
            data, self._data = self._data, {}
            rows = []
            for entity, record_id in sorted({(entity, record_id) for entity, record_id, _ in log}):
                live = self.live_buckets(entity, record_id)
                if not live or (entity, record_id) in data:
                    stored = data[(entity, record_id)][1] if live else None
                    rows.append({"entity": entity, "record_id": record_id, "data": stored})
            insert_rows(
                SyncLogData.__table__, rows, serialized=("data",), upsert_on=("entity", "record_id"), update=("data",)
            )
        if self._last_seq is not None and self._last_seq != self._stored_seq:
            db.session.execute(update(SyncState).where(SyncState.id == 1).values(last_seq=self._last_seq))
            self._stored_seq = self._last_seq
        # What was read for this batch is not kept: the next one may follow other writers.
        self._rows.clear()
        self._live.clear()

    def get_results(self, mutation_ids: list[str]) -> dict[str, tuple[int, MutationResult]]:
        """The stored first results of these mutation ids, in one query (a retried batch)."""
        rows = db.session.execute(
            select(SyncMutation.id, SyncMutation.user_id, SyncMutation.result).where(
                SyncMutation.id.in_(set(mutation_ids))
            )
        )
        return {mid: (user_id, MutationResult.from_wire(result)) for mid, user_id, result in rows}

    def save_result(self, user_id: int, client_id: str, result: MutationResult) -> None:
        self._hold_back()
        self._results.append(
            {
                "id": result.mutation_id,
                "user_id": user_id,
                "client_id": client_id,
                "result": result.to_wire(),
                "created_at": self._now,
            }
        )

    def _hold_back(self) -> None:
        """Start holding back rows: until they are written, any statement of the session
        writes them first (unless autoflush is off), as the ORM would its pending objects."""
        if self._holding is None:
            session = db.session()
            if not session.info.get(_LISTENING):
                event.listen(session, "do_orm_execute", _write_held_back_first)
                session.info[_LISTENING] = True
            session.info[_HOLDER] = self
            self._holding = session.get_transaction()

    def _write_held_back(self) -> None:
        """New records (and their photo references) and mutation results, one INSERT per table.
        Rows held back in a transaction that was rolled back since are dropped with it."""
        if self._holding is None:
            return
        session = db.session()
        session.info.pop(_HOLDER, None)
        current, self._holding = self._holding is session.get_transaction(), None
        new, results = self._new, self._results
        self._new, self._results = {}, []
        # Written now (or gone with a rollback): a later write of the same record in this push
        # updates the stored row, which is looked up again, instead of holding back a second insert.
        for key in new:
            self._rows.pop(key, None)
        if not current:
            return
        by_entity: dict[str, list[Record]] = defaultdict(list)
        for record in new.values():
            by_entity[record.entity].append(record)
        for entity, records in by_entity.items():
            binding = self.bindings[entity]
            insert_rows(binding.model.__table__, [binding.new_row(r) for r in records])
            if binding.blob_fields:
                refs = [
                    {"sha256": sha, "entity": entity, "record_id": r.id}
                    for r in records
                    for sha in sorted(binding.live_blob_refs(r))
                ]
                insert_rows(SyncBlobRef.__table__, refs)
        insert_rows(SyncMutation.__table__, results)

    def save_conflicts(self, user_id: int, mutation: Mutation, conflicts: list) -> None:
        binding = self.bindings[mutation.entity]
        current = self.get_record(mutation.entity, mutation.record_id)
        buckets = "," + ",".join(sorted(binding.buckets(current.values))) + "," if current else ","
        for c in conflicts:
            db.session.add(
                SyncConflict(
                    entity=mutation.entity,
                    record_id=mutation.record_id,
                    field=c.field,
                    base_version=c.base_version,
                    server_value=c.server_value,
                    client_value=c.client_value,
                    winner=c.winner,
                    rule=c.rule,
                    buckets=buckets,
                    mutation_id=mutation.id,
                    user_id=user_id,
                )
            )

    def changes_since(self, positions: Mapping[str, int], limit: int) -> list[LogEntry]:
        """The first `limit` rows after each bucket's position, by (seq, bucket); a fresh bucket
        gets no tombstones. One index range per bucket (bucket, seq > position), each walked in
        seq order and stopped after `limit` rows, then merged: a page costs what it returns, not
        what the buckets hold (with one OR over the buckets, the database would read and sort
        every row of them for every page)."""
        columns = (
            SyncLogEntry.seq,
            SyncLogEntry.bucket,
            SyncLogEntry.entity,
            SyncLogEntry.record_id,
            SyncLogEntry.op,
            SyncLogEntry.version,
        )
        arms = [
            select(*columns)
            .where(
                SyncLogEntry.bucket == bucket,
                SyncLogEntry.seq > position,
                *([SyncLogEntry.op == "put"] if position == 0 else []),
            )
            .order_by(SyncLogEntry.seq)
            .limit(limit)
            for bucket, position in sorted(positions.items())
        ]
        if not arms:
            return []
        if len(arms) == 1:
            page = arms[0].subquery()
        else:
            merged = union_all(*(arm.subquery().select() for arm in arms)).subquery()
            page = select(merged).order_by(merged.c.seq, merged.c.bucket).limit(limit).subquery()
        # Then each put of the page with its data, as the JSON text it is stored as: the pull
        # route splices it into the page as it is, instead of parsing thousands of records only
        # to serialize them again.
        statement = (
            select(*page.c, cast(SyncLogData.data, Text).label("data"))
            .select_from(
                page.outerjoin(
                    SyncLogData,
                    and_(
                        page.c.op == "put",
                        SyncLogData.entity == page.c.entity,
                        SyncLogData.record_id == page.c.record_id,
                    ),
                )
            )
            .order_by(page.c.seq, page.c.bucket)
        )
        # Plain rows, not ORM objects: a first pull reads thousands and changes none.
        return [LogEntry(*row) for row in db.session.execute(statement)]

    def marks(self) -> tuple[str, int, int]:
        """The epoch, the last committed seq (an uncommitted push's seqs are above it, §5.3) and
        the purge mark: the sync_state row, in one query. The push that adds log rows raises
        last_seq in the same transaction, so no process ever reads a mark behind a committed row."""
        state = select(SyncState.epoch, SyncState.last_seq, SyncState.purged_through).where(SyncState.id == 1)
        row = db.session.execute(state).one_or_none()
        if row is None:
            self._ensure_state()
            row = db.session.execute(state).one()
        return row.epoch, row.last_seq, row.purged_through


_LISTENING = "redgrid_sync_listening"  # session.info: _write_held_back_first listens to this session
_HOLDER = "redgrid_sync_holder"  # session.info: the store holding rows back, if any


def _write_held_back_first(state) -> None:
    """Before a statement of the session: the rows a store holds back, as autoflush would."""
    store = state.session.info.get(_HOLDER)
    if store is not None and state.session.autoflush and state.execution_options.get("autoflush", True):
        store._write_held_back()


def _insert_for_dialect():
    """INSERT with ON CONFLICT for the session's database."""
    return (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
