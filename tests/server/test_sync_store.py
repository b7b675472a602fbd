"""SqlStore's held-back inserts (new records, mutation results): stored exactly as the ORM
stores a record, seen by any query made in the middle of a push, dropped with a rollback."""

import json

from sqlalchemy import Text, cast, func, select

from server.extensions import db as _db
from server.sync.models import SyncLogData, SyncLogEntry, SyncMutation
from server.sync.registry import bindings
from server.sync.store import SqlStore
from server.tasks.models import Task
from sync import LogEntry, MutationResult, Record


def task_record(world, record_id: str) -> Record:
    """A new task as the rules leave it: instants as text, JSON lists, unset fields absent."""
    values = {
        "type": "hazard",
        "title": "消防检查",
        "target_kind": "building",
        "target_id": world.b_hexi1,
        "grid_id": world.g1,
        "compound_id": world.hexi_xiaoqu,
        "building_id": world.b_hexi1,
        "priority": "high",
        "status": "assigned",
        "due_at": "2030-01-01T10:00:00.000Z",
        "created_at": "2026-11-27T01:14:03.000Z",
        "checklist": [{"key": "item1", "text": "楼道无堆物"}],
        "history": [{"from": None, "to": "assigned"}],
        "created_by_id": world.hexi_admin,
        "assignee_id": None,
    }
    return Record("task", record_id, values, dict.fromkeys(values, 7), 7, False, dict.fromkeys(values, "api:2"))


def stored_text(record_id: str) -> list:
    """Every column of a task as the database holds it, as text (JSON null and SQL NULL differ)."""
    table = Task.__table__
    return list(
        _db.session.execute(
            select(*(cast(c, Text) for c in table.columns if c.name != "id")).where(table.c.id == record_id)
        ).one()
    )


def test_a_new_record_is_stored_by_the_held_back_insert_as_by_the_orm(app, world, db):
    held = SqlStore(bindings())
    held.begin_write()
    held.prefetch([("task", "held")])  # a new record of the batch: held back, inserted by finish()
    held.put_record(task_record(world, "held"))
    held.finish()
    one_by_one = SqlStore(bindings())
    one_by_one.begin_write()
    one_by_one.put_record(task_record(world, "orm"))  # not prefetched: stored through the ORM
    one_by_one.finish()
    db.session.flush()
    assert stored_text("held") == stored_text("orm")
    db.session.rollback()


def test_a_query_in_the_middle_of_a_push_sees_the_records_held_back(app, world, db):
    store = SqlStore(bindings())
    store.begin_write()
    store.prefetch([("task", "t1")])
    store.put_record(task_record(world, "t1"))
    with db.session.no_autoflush:
        assert db.session.get(Task, "t1") is None  # not written yet: nothing asked for it
    # A domain rule reading tables (e.g. a report converted into a task of the same push):
    # the held-back rows go first, as the ORM's autoflush sends pending objects.
    assert db.session.get(Task, "t1").title == "消防检查"
    store.finish()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Task)) == 1


def test_rows_held_back_are_dropped_with_a_rolled_back_transaction(app, world, db):
    store = SqlStore(bindings())
    store.begin_write()
    store.prefetch([("task", "t1")])
    store.put_record(task_record(world, "t1"))
    result = MutationResult("m1", "task", "t1", "applied", 7, {"id": "t1"})
    store.save_result(world.hexi_admin, "api:2", result)
    db.session.rollback()
    assert db.session.get(Task, "t1") is None
    assert db.session.scalar(select(func.count()).select_from(SyncMutation)) == 0
    # The session goes on: the next push writes its own rows, and only those.
    store = SqlStore(bindings())
    store.begin_write()
    store.prefetch([("task", "t2")])
    store.put_record(task_record(world, "t2"))
    store.finish()
    db.session.commit()
    assert db.session.scalars(select(Task.id)).all() == ["t2"]


def test_a_record_written_by_a_query_mid_push_is_updated_not_inserted_again(app, world, db):
    """A phone's offline work pushed in one batch: create, then two edits of the same record, with
    a rule reading the database between them (which writes the held-back row first)."""
    store = SqlStore(bindings())
    store.begin_write()
    store.prefetch([("task", "t1")])
    created = task_record(world, "t1")
    store.put_record(created)
    assert db.session.get(Task, "t1") is not None  # the query wrote the held-back row
    for version, title in ((8, "消防检查（一）"), (9, "消防检查（二）")):
        record = store.get_record("task", "t1")
        assert record is not None and record.version == version - 1
        values = {**record.values, "title": title}
        store.put_record(
            Record(
                "task",
                "t1",
                values,
                {**record.field_versions, "title": version},
                version,
                False,
                dict(record.field_writers),
            )
        )
        db.session.execute(select(func.count()).select_from(Task))  # another rule's query
    store.finish()
    db.session.commit()
    rows = db.session.scalars(select(Task)).all()
    assert [(t.id, t.title, t.version) for t in rows] == [("t1", "消防检查（二）", 9)]


def test_a_records_data_is_stored_once_as_its_latest_put_and_dropped_with_its_last_put(app, world, db):
    """sync_log_data (migration 0026): one row per record, its latest put's data, shared by its
    put rows in every bucket; null once no bucket holds the record, even when the same push put
    it first; and each pulled put carries it."""
    store = SqlStore(bindings())
    store.begin_write()
    first, second, third = store.allocate(3)
    log = lambda seq, bucket, op, record_id="t1", title="巡查": store.log_put(  # noqa: E731
        LogEntry(seq, bucket, "task", record_id, op, seq, {"title": title} if op == "put" else None)
    )
    log(first, "grid:1", "put", title="巡查")
    log(first, "org:1", "put", title="巡查")
    log(second, "grid:1", "delete")  # moved: out of grid:1, still in org:1 and now grid:2
    log(second, "org:1", "put", title="复查")
    log(second, "grid:2", "put", title="复查")
    log(first, "grid:1", "put", record_id="t2", title="一次")
    log(third, "grid:1", "delete", record_id="t2")  # put, then deleted, in the same push
    store.finish()
    db.session.flush()

    def data():
        rows = db.session.execute(select(SyncLogData.record_id, cast(SyncLogData.data, Text)))
        return {record_id: text and json.loads(text) for record_id, text in rows}

    assert data() == {"t1": {"title": "复查"}, "t2": None}
    assert db.session.scalar(select(func.count()).select_from(SyncLogEntry)) == 4  # one per (bucket, record)
    pulled = SqlStore(bindings()).changes_since({"grid:1": 0, "grid:2": 0, "org:1": 0}, 100)
    # A fresh bucket gets no tombstones (§5.4); each put comes with the data.
    assert sorted((e.bucket, e.record_id, e.op, e.data and json.loads(e.data)) for e in pulled) == [
        ("grid:2", "t1", "put", {"title": "复查"}),
        ("org:1", "t1", "put", {"title": "复查"}),
    ]
    assert [(e.bucket, e.op, e.data) for e in SqlStore(bindings()).changes_since({"grid:1": first}, 100)] == [
        ("grid:1", "delete", None),
        ("grid:1", "delete", None),
    ]

    later = SqlStore(bindings())
    later.begin_write()
    (fourth,) = later.allocate(1)
    for bucket in ("org:1", "grid:2"):
        later.log_put(LogEntry(fourth, bucket, "task", "t1", "delete", fourth, None))
    later.finish()
    db.session.flush()
    assert data() == {"t1": None, "t2": None}
    db.session.rollback()
