"""The shared vectors against the server's SQLAlchemy store (SQLite or PostgreSQL, as the run
selects): it must behave exactly like the memory store."""
import pytest
from sqlalchemy import delete, func, select, update

from server.extensions import db
from server.sync.models import SyncConflict, SyncLogEntry, SyncState
from server.sync.registry import bindings
from server.sync.store import SqlStore
from tests.sync.notes import notes  # noqa: F401  (fixture)
from tests.sync.vectors import VECTORS, load, run_vector


def purge_through(store, seq):
    db.session.execute(delete(SyncLogEntry).where(SyncLogEntry.op == "delete", SyncLogEntry.seq <= seq))
    db.session.execute(update(SyncState).where(SyncState.id == 1).values(purged_through=func.max(SyncState.purged_through, seq) if db.engine.dialect.name == "sqlite" else func.greatest(SyncState.purged_through, seq)))


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector_on_the_sql_store(app, world, notes, path):
    """(world: its users 1–8 stand behind the vector actors' user ids.)"""
    vector = load(path)
    with app.app_context():
        store = SqlStore(bindings())
        run_vector(vector, store, purge_through, commit=db.session.commit, entity=bindings()["note"].entity())
        got = sorted((c.record_id, c.field, c.winner, c.server_value, c.client_value) for c in db.session.scalars(select(SyncConflict)))
    want = sorted((c["record_id"], c["field"], c["winner"], c["server_value"], c["client_value"]) for c in vector["conflicts"])
    assert got == want
