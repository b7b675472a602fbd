"""Storage of the sync engine: the sequence counter, the change log, mutation results and
conflict records (PROTOCOL.md §5, §6.4, §7.3), and the columns every synced entity carries."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from server.core.clock import utcnow
from server.extensions import db, partial_index


class SerializedJSON(TypeDecorator):
    """A JSON column written with values already serialized (compact_json text): a record
    logged in six buckets is encoded once, not six times."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


class SyncState(db.Model):
    """One row (id 1): the last sequence number handed out, the highest purged tombstone, and
    the epoch (a random id per database, so a restored or reset database invalidates cursors)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    purged_through: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str] = mapped_column(String(32))


class SyncLogEntry(db.Model):
    """The latest change of one record in one bucket: a put or a tombstone. One row per (bucket,
    entity, record): the log does not grow with edits. A put's data is the record's row in
    sync_log_data (SyncLogData), shared by its puts in every bucket."""

    __tablename__ = "sync_log"
    __table_args__ = (
        # Record first (migration 0026): a record's rows in its buckets sit together in the key's
        # index, so a push of new records dirties one place per record, not one per log row,
        # and the record's buckets are the key's prefix.
        PrimaryKeyConstraint("entity", "record_id", "bucket"),
        Index("ix_sync_log_bucket_seq", "bucket", "seq"),
        # Tombstones only (what purge looks for): a partial index that no planner can
        # mistake for the way to find a bucket's rows, statistics or not.
        partial_index("ix_sync_log_tombstones", "committed_at", where="op = 'delete'"),
    )

    bucket: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(BigInteger)
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncLogData(db.Model):
    """The data of a record's latest put, once (migration 0027): every put row of a record in the
    log is of its latest seq, since each write logs the record in every bucket it is in now
    (PROTOCOL.md §5.1), so they all carry the same data. A task is in 6 buckets: stored in each
    log row, its JSON was most of what a push wrote and of the log's size. Null once the record
    has no put left (deleted, or out of every bucket). A data migration that changes a record
    changes its row here; the log rows give its seq and buckets."""

    __tablename__ = "sync_log_data"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict | None] = mapped_column(JSON)


class SyncMutation(db.Model):
    """The first result of every mutation id, returned unchanged when it is sent again."""

    __tablename__ = "sync_mutations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class SyncConflict(db.Model):
    """A field both sides changed: the rule's winner went into the record, the loser is here
    until an admin (or the author) resolves it."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int] = mapped_column(BigInteger)
    server_value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    client_value: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON)
    winner: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str] = mapped_column(String(16))
    # ",grid:1,org:5,": the record's buckets when the conflict arose, searchable with LIKE on
    # both databases (who may see and resolve it).
    buckets: Mapped[str] = mapped_column(String(1000))
    mutation_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_sync_conflicts_record", "entity", "record_id"),
        Index("ix_sync_conflicts_open", "resolved_at"),
    )


class SyncBlobRef(db.Model):
    """Which records refer to which photos: who may see a record may see its photos."""

    __tablename__ = "sync_blob_refs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_sync_blob_refs_record", "entity", "record_id"),)


class SyncedMixin:
    """Columns of every synced entity table: a client-made UUID, the server version, a version
    and last writer per field, and a tombstone flag (PROTOCOL.md §4.2)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    field_writers: Mapped[dict] = mapped_column(JSON, default=dict)
    deleted: Mapped[bool] = mapped_column(default=False)


__all__ = ["SyncState", "SyncLogEntry", "SyncLogData", "SyncMutation", "SyncConflict", "SyncBlobRef", "SyncedMixin"]
