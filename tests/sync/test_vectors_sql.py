"""The shared vectors against the server's SQLAlchemy store (SQLite or PostgreSQL, as the run
selects): it must behave exactly like the memory store."""

import pytest
from sqlalchemy import delete, func, select, update

from server.extensions import db
from server.sync.models import SyncConflict, SyncLogData, SyncLogEntry, SyncState
from server.sync.registry import bindings
from server.sync.store import SqlStore
from tests.sync.vectors import VECTORS, load, run_vector


def purge_through(store, seq):
    db.session.execute(delete(SyncLogEntry).where(SyncLogEntry.op == "delete", SyncLogEntry.seq <= seq))
    db.session.execute(
        update(SyncState)
        .where(SyncState.id == 1)
        .values(
            purged_through=func.max(SyncState.purged_through, seq)
            if db.engine.dialect.name == "sqlite"
            else func.greatest(SyncState.purged_through, seq)
        )
    )


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector_on_the_sql_store(app, world, notes, path):
    """(world: its users 1–8 stand behind the vector actors' user ids.)"""
    vector = load(path)
    with app.app_context():
        store = SqlStore(bindings())
        run_vector(vector, store, purge_through, commit=db.session.commit, entity=bindings()["note"].entity())
        got = sorted(
            (c.record_id, c.field, c.winner, c.server_value, c.client_value)
            for c in db.session.scalars(select(SyncConflict))
        )
    want = sorted(
        (c["record_id"], c["field"], c["winner"], c["server_value"], c["client_value"]) for c in vector["conflicts"]
    )
    assert got == want


def test_purge_by_age_resets_buckets_of_old_cursors(app, world, notes):
    """Tombstones older than the configured age go; a cursor that predates them is reset."""
    from datetime import timedelta

    from server.core.clock import utcnow
    from server.sync.service import purge
    from sync import Actor, Engine, Mutation

    worker = Actor(1, {"grid:1": frozenset({"grid_worker"}), "grid:2": frozenset({"grid_worker"})})
    with app.app_context():
        engine = Engine(SqlStore(bindings()), [bindings()["note"].entity()])
        engine.push(
            worker,
            "phone-1",
            [
                Mutation("m1", "note", "keep", "create", {"grid_id": 1, "title": "留"}),
                Mutation("m2", "note", "gone", "create", {"grid_id": 1, "title": "走"}),
            ],
        )
        db.session.commit()
        old_cursor = engine.pull(worker, None).cursor
        engine.push(
            worker, "phone-1", [Mutation("m3", "note", "gone", "update", {"grid_id": 2}, 2)]
        )  # moves out of grid:1
        db.session.commit()
        too_early = purge(utcnow(), tombstone_days=30, result_days=90)
        assert too_early["tombstones"] == 0
        later = purge(utcnow() + timedelta(days=31), tombstone_days=30, result_days=90)
        assert later == {"tombstones": 1, "purged_through": 3, "results": 0}
        page = engine.pull(worker, old_cursor)
        # Both buckets' positions (2) predate the purge (3): either could have missed a delete.
        assert page.reset_buckets == ["grid:1", "grid:2"]
        assert [(c.bucket, c.record_id, c.op) for c in page.changes] == [
            ("grid:1", "keep", "put"),
            ("grid:2", "gone", "put"),
        ]
        gone = purge(utcnow() + timedelta(days=91), tombstone_days=30, result_days=90)
        assert gone["results"] == 3
        # Deleted: its data row is emptied, and goes with its last tombstone.
        admin = Actor(2, {"grid:1": frozenset({"admin"})})
        (deleted,) = engine.push(admin, "desk-1", [Mutation("m4", "note", "keep", "delete", {}, 1)])
        assert deleted.status == "applied", deleted
        db.session.commit()
        data = select(SyncLogData.record_id, SyncLogData.data.is_(None)).order_by(SyncLogData.record_id)
        assert db.session.execute(data).all() == [("gone", False), ("keep", True)]
        purge(utcnow() + timedelta(days=31), tombstone_days=30, result_days=90)
        assert db.session.execute(data).all() == [("gone", False)]
