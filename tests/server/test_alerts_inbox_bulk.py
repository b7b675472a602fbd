"""The notification service writes its inbox entries in bulk (Writer.create_new), not one
engine mutation each: the rows and change-log rows must be those the engine writes for a
create, the entries reach the phones' pulls, an entry another process made meanwhile is
skipped under the write lock, and the live `alert` event is the stored entry's view."""

from sqlalchemy import Text, cast, select

from server.extensions import db as _db
from server.notices import jobs, service
from server.notices.models import InboxEntry
from server.sync.actors import system_actor
from server.sync.models import SyncLogData, SyncLogEntry, SyncMutation
from server.sync.writer import Writer, mutation
from tests.server.alerts_support import signed_in
from tests.server.test_alerts_api import events, inbox_of, socket_for


def fields_for(user_id: int) -> dict:
    return {
        "user_id": user_id,
        "alert_id": None,
        "kind": "task_assigned",
        "title": "新任务",
        "body": "请处理",
        "level": "notice",
        "category": "other",
        "link": "#/tasks/1",
        "data": {"task_id": "1"},
        "dedupe_key": None,
        "created_at": "2026-11-27T01:14:03.000Z",
    }


def writer_for(user_id: int) -> Writer:
    return Writer(actor=system_actor(None, [f"user:{user_id}"]), client_id=service.CLIENT)


def stored(record_id: str) -> tuple[list, list]:
    """The entry's columns but its id and versions (and field_writers: the engine's follow the
    order of a set), as text (JSON null and SQL NULL differ), and its log rows as (bucket, op,
    seq = version, data as text)."""
    table = InboxEntry.__table__
    skip = {"id", "version", "field_versions", "field_writers"}
    row = list(
        _db.session.execute(
            select(*(cast(c, Text) for c in table.columns if c.name not in skip)).where(table.c.id == record_id)
        ).one()
    )
    log = _db.session.execute(
        select(SyncLogEntry.bucket, SyncLogEntry.op, SyncLogEntry.seq == SyncLogEntry.version).where(
            SyncLogEntry.record_id == record_id
        )
    ).all()
    data = _db.session.scalar(select(cast(SyncLogData.data, Text)).where(SyncLogData.record_id == record_id))
    return row, [(*r, data if r.op == "put" else None) for r in log]


def test_a_bulk_entry_is_stored_and_logged_as_the_engine_stores_a_create(app, aw):
    with app.app_context():
        (pushed,) = writer_for(aw.r_hexi1).push([mutation("inbox", "by-engine", "create", fields_for(aw.r_hexi1))])
        assert pushed.status == "applied"
        assert writer_for(aw.r_hexi1).create_new("inbox", {"in-bulk": fields_for(aw.r_hexi1)}) == ["in-bulk"]
        _db.session.commit()
        assert stored("in-bulk") == stored("by-engine")
        by_engine, in_bulk = _db.session.get(InboxEntry, "by-engine"), _db.session.get(InboxEntry, "in-bulk")
        assert in_bulk.version == by_engine.version + 1
        assert in_bulk.field_versions == dict.fromkeys(fields_for(0), in_bulk.version)
        assert in_bulk.field_writers == by_engine.field_writers == dict.fromkeys(fields_for(0), service.CLIENT)
        # No client sent it: there is no mutation result to replay.
        assert _db.session.scalar(select(_db.func.count()).select_from(SyncMutation)) == 1
    resident = signed_in(app, "13900000001")
    pulled = {c["id"]: c for c in inbox_of(resident)}
    assert pulled["in-bulk"]["data"] == pulled["by-engine"]["data"] == fields_for(aw.r_hexi1)


def test_an_entry_another_process_made_meanwhile_is_skipped_under_the_write_lock(app, aw):
    with app.app_context():
        # notify() found no entry before the lock; another process committed one since.
        assert writer_for(aw.r_hexi1).create_new("inbox", {"same": fields_for(aw.r_hexi1)}) == ["same"]
        _db.session.commit()
        later = writer_for(aw.r_hexi1)
        assert later.create_new("inbox", {"same": fields_for(aw.r_hexi1), "other": fields_for(aw.r_hexi1)}) == ["other"]
        _db.session.commit()
        logged = _db.session.scalars(
            select(SyncLogEntry.record_id).where(SyncLogEntry.entity == "inbox").order_by(SyncLogEntry.seq)
        ).all()
        assert logged == ["same", "other"]


def test_notify_dedupes_by_key_and_pulls_show_each_entry_once(app, aw):
    with app.app_context():
        assert service.notify(
            [aw.r_hexi1, aw.r_hexi2], "alert", "停水通知", "明日停水", dedupe_key="alert:x"
        ) == sorted([aw.r_hexi1, aw.r_hexi2])
        _db.session.commit()
        assert service.notify([aw.r_hexi1, aw.r_hexi2], "alert", "停水通知", "明日停水", dedupe_key="alert:x") == []
        _db.session.commit()
    entries = inbox_of(signed_in(app, "13900000001"))
    assert [e["data"]["dedupe_key"] for e in entries] == [f"alert:x:{aw.r_hexi1}"]


def test_an_invalid_notice_makes_no_entry_and_is_logged(app, aw, caplog):
    with app.app_context():
        assert service.notify([aw.r_hexi1], "alert", "停水通知", level="loud") == []
        _db.session.commit()
        assert _db.session.scalar(select(_db.func.count()).select_from(InboxEntry)) == 0
    assert "inbox entries of kind alert refused" in caplog.text


def test_the_live_event_is_the_stored_entrys_view(app, aw):
    resident = signed_in(app, "13900000001")
    socket = socket_for(app, resident)
    with app.app_context():
        service.notify(
            [aw.r_hexi1],
            "task_assigned",
            lambda locale: f"新任务 ({locale})",
            "请处理",
            "#/tasks/1",
            "urgent",
            "other",
            {"task_id": "1"},
        )
        _db.session.commit()
        (live,) = events(socket, "alert")
        assert live == jobs.entry_view(_db.session.get(InboxEntry, live["id"]))


def test_each_recipient_hears_of_their_own_entry_alone_and_no_second_poke(app, aw):
    residents = [signed_in(app, "13900000001"), signed_in(app, "13900000002")]
    sockets = [socket_for(app, r) for r in residents]
    with app.app_context():
        service.notify([aw.r_hexi1, aw.r_hexi2], "alert", "停水通知", "明日停水")
        _db.session.commit()
    for socket, user_id in zip(sockets, (aw.r_hexi1, aw.r_hexi2)):
        received = socket.get_received()
        # The `alert` is the inbox's poke (PROTOCOL.md §13.2): no `sync:poke` naming anyone's bucket follows.
        assert [e["name"] for e in received] == ["alert"]
        assert received[0]["args"][0]["title"] == "停水通知"
        with app.app_context():
            assert _db.session.get(InboxEntry, received[0]["args"][0]["id"]).user_id == user_id
