"""The change-feed gap (PROTOCOL.md §5.3): a reader pulling while writers commit in any order
sees every committed change exactly once. Real threads, real transactions, on the database the
run selects (PostgreSQL in CI's second pass)."""

import random
import threading
import time

from server.extensions import db
from server.sync.registry import bindings
from server.sync.store import SqlStore
from sync import Actor, Engine, Mutation

WORKER = Actor(1, {"grid:1": frozenset({"grid_worker"})})


def _engine():
    store = SqlStore(bindings())
    return Engine(store, [b.entity() for b in bindings().values()])


def _write(app, record_id: str, before_commit=lambda: None) -> None:
    with app.app_context():
        _engine().push(
            WORKER,
            f"phone-{record_id}",
            [Mutation(f"m-{record_id}", "note", record_id, "create", {"grid_id": 1, "title": record_id})],
        )
        before_commit()
        db.session.commit()
        db.session.remove()


class Reader:
    def __init__(self, app):
        self.app, self.cursor, self.seen = app, None, []

    def pull(self) -> list[str]:
        new = []
        with self.app.app_context():
            while True:
                page = _engine().pull(WORKER, self.cursor, 5)
                db.session.commit()
                new += [c.record_id for c in page.changes]
                self.cursor = page.cursor
                if not page.has_more:
                    break
            db.session.remove()
        self.seen += new
        return new


def test_a_late_committer_is_never_skipped(app, world, notes):
    """A takes a sequence number and commits late; B, which started after A, cannot commit
    before A, so no reader can see B and then miss A."""
    with app.app_context():
        _engine().pull(WORKER, None)  # make the sync_state row
        db.session.commit()
        db.session.remove()
    a_holds, release_a = threading.Event(), threading.Event()
    a = threading.Thread(target=_write, args=(app, "A", lambda: (a_holds.set(), release_a.wait(10))))
    a.start()
    assert a_holds.wait(10)
    b = threading.Thread(target=_write, args=(app, "B"))
    b.start()
    time.sleep(0.5)  # B is now waiting for A's lock
    reader = Reader(app)
    assert reader.pull() == [], "nothing is committed yet"
    release_a.set()
    a.join(10)
    b.join(10)
    assert reader.pull() == ["A", "B"]


def test_many_writers_with_random_delays_and_a_reader_in_a_loop(app, world, notes):
    rng = random.Random(2026)
    ids = [f"w{i:02d}" for i in range(24)]
    delays = {record_id: rng.uniform(0, 0.03) for record_id in ids}
    reader = Reader(app)
    done = threading.Event()

    def read_until_done():
        while not done.is_set():
            reader.pull()

    loop = threading.Thread(target=read_until_done)
    loop.start()
    writers = [
        threading.Thread(target=_write, args=(app, record_id, lambda d=delays[record_id]: time.sleep(d)))
        for record_id in ids
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    done.set()
    loop.join(60)
    reader.pull()
    assert sorted(reader.seen) == ids, "every committed change exactly once"
