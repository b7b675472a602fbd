"""The offline-clients property on the server's SQLAlchemy store (SQLite or PostgreSQL)."""

from hypothesis import HealthCheck, given, settings
from sqlalchemy import delete, select

from server.extensions import db
from server.sync.models import SyncConflict, SyncLogEntry, SyncMutation, SyncState
from server.sync.store import SqlStore
from tests.sync.notes import Note, note_binding
from tests.sync.simulation import NOTE, Simulation
from tests.sync.test_property_memory import check_properties, play, programs


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(program=programs)
def test_offline_clients_converge_and_lose_nothing_on_the_sql_store(app, world, notes, program):
    with app.app_context():
        for table in (SyncConflict, SyncMutation, SyncLogEntry, SyncState, Note):
            db.session.execute(delete(table))
        db.session.commit()
        # The simulation's own rules (admins may edit body too), on the note table.
        binding = note_binding(rules=NOTE)
        store = SqlStore({"note": binding})
        sim = play(program, store, lambda s: Simulation(s, commit=db.session.commit, entity=binding.entity()))
        server = {
            r.id: (r.version, _values(r)) for r in db.session.scalars(select(Note).where(Note.deleted.is_(False)))
        }
        conflicts = [
            {"mutation_id": c.mutation_id, "field": c.field, "winner": c.winner}
            for c in db.session.scalars(select(SyncConflict))
        ]
        last_seq = db.session.scalar(select(SyncState.last_seq))
        check_properties(sim, server, conflicts, last_seq)


def _values(row) -> dict:
    return {k: getattr(row, k) for k in ("grid_id", "title", "body", "tags") if getattr(row, k) is not None}
