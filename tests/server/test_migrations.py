"""Migrations: empty → head → base → head on the test database, and the models match the
migrated schema exactly (autogenerate finds nothing)."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from server import create_app
from server.extensions import db
from tests.conftest import fresh_database


@pytest.fixture
def fresh_app(database_url, tmp_path):
    """An app on an empty database of its own, so migrating it up and down disturbs nothing else."""
    with fresh_database(database_url, tmp_path, "mig", migrated=False) as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _tables():
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_the_models_and_downgrade_removes_everything(fresh_app):
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        dialect = conn.dialect.name
    # An index the model declares for another database only (Index.ddl_if: users' trigram indexes).
    elsewhere = {
        i.name for t in db.metadata.tables.values() for i in t.indexes if i._ddl_if and i._ddl_if.dialect != dialect
    }
    diff = [d for d in diff if not (d[0] == "add_index" and d[1].name in elsewhere)]
    assert diff == [], f"models and migrations differ: {diff}"
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()  # and back up again, cleanly
    assert _tables() == set(db.metadata.tables)


def test_0008_drops_the_notifications_table_and_its_downgrade_makes_it_again(fresh_app):
    upgrade()
    assert "notifications" not in _tables()
    downgrade(revision="0007")
    made = inspect(db.engine)
    assert {c["name"] for c in made.get_columns("notifications")} == {
        "id",
        "user_id",
        "kind",
        "title",
        "body",
        "link",
        "data",
        "dedupe_key",
        "created_at",
        "read_at",
    }
    assert [
        (i["name"], i["column_names"])
        for i in made.get_indexes("notifications")
        if i["name"] == "ix_notifications_user_created"
    ] == [
        ("ix_notifications_user_created", ["user_id", "created_at"]),
    ]
    assert [u["column_names"] for u in made.get_unique_constraints("notifications")] == [["dedupe_key"]]
    upgrade()
    assert "notifications" not in _tables()


def test_audit_log_is_append_only_in_the_database(fresh_app):
    upgrade()
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (at, action, details) VALUES (CURRENT_TIMESTAMP, 'test', '{}')"))
    for statement in ("UPDATE audit_log SET action = 'changed'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_log")).scalars().all() == ["test"]


def test_org_subtree_is_one_prefix_query_on_the_path_index(app, world, db):
    from sqlalchemy import select

    from server.org.models import OrgUnit

    hexi = db.session.get(OrgUnit, world.hexi)
    names = db.session.scalars(
        select(OrgUnit.name).where(OrgUnit.path.startswith(hexi.path)).order_by(OrgUnit.id)
    ).all()
    assert names == ["河西社区", "河西社区第一网格", "河西社区第二网格", "第一居民组"]


def test_0019_turns_an_activitys_free_skill_words_into_codes_and_phones_pull_the_change(fresh_app):
    upgrade(revision="0017")
    now = "2026-12-01 08:00:00+00:00"
    data = {"title": "义诊", "skills": ["医疗", "引导", "保洁", "医疗健康"]}
    statements = [
        "INSERT INTO org_units (id, kind, name, path, depth) VALUES (1, 'community', '河西社区', '/1/', 0)",
        "INSERT INTO sync_state (id, last_seq, purged_through, epoch) VALUES (1, 41, 0, 'e')",
        *(
            "INSERT INTO activities (id, community_id, title, place, starts_at, ends_at, capacity, skills, hours,"
            " status, version, field_versions, field_writers, deleted)"
            f" VALUES ('{record_id}', 1, '义诊', '广场', '{now}', '{now}', 5, '{skills}', 2, 'published', {version},"
            f" '{{\"skills\": {version}}}', '{{}}', false)"
            for record_id, skills, version in (
                ("a1", '["医疗", "引导", "保洁", "医疗健康"]', 40),
                ("a2", '["repair"]', 41),
                ("a3", "null", 39),
            )
        ),
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        for bucket in ("org:1", "community:1"):
            conn.execute(
                text(
                    "INSERT INTO sync_log (bucket, entity, record_id, seq, op, version, data, committed_at)"
                    " VALUES (:bucket, 'activity', 'a1', 40, 'put', 40, :data, :now)"
                ),
                {"bucket": bucket, "data": json.dumps(data, ensure_ascii=False), "now": now},
            )
    upgrade(revision="0019")
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, skills, version FROM activities ORDER BY id")).all()
        logged = conn.execute(text("SELECT bucket, seq, version, data FROM sync_log ORDER BY bucket")).all()
        last = conn.execute(text("SELECT last_seq FROM sync_state")).scalar()
    loaded = [(i, _json(skills), version) for i, skills, version in rows]
    # Known words become codes (each once), unknown ones go; codes and nulls are left alone.
    assert loaded == [("a1", ["medical", "environment"], 42), ("a2", ["repair"], 41), ("a3", None, 39)]
    assert last == 42
    assert [(b, seq, v, _json(d)["skills"], _json(d)["title"]) for b, seq, v, d in logged] == [
        ("community:1", 42, 42, ["medical", "environment"], "义诊"),
        ("org:1", 42, 42, ["medical", "environment"], "义诊"),
    ]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def test_0026_keys_the_change_log_record_first_and_stores_each_records_data_once(fresh_app):
    upgrade(revision="0025")
    rows = [
        (bucket, "task", record_id, seq, op, json.dumps({"title": title}, ensure_ascii=False) if op == "put" else None)
        for record_id, seq, title in (("t2", 7, "入户走访"), ("t1", 9, "巡查"))
        for bucket, op in (("grid:1", "put"), ("org:1", "put"), ("grid:2", "delete"))
    ] + [("grid:1", "task", "gone", 8, "delete", None)]
    insert = text(
        "INSERT INTO sync_log (bucket, entity, record_id, seq, op, version, data, committed_at)"
        " VALUES (:b, :e, :r, :s, :o, :s, :d, '2026-12-07 08:00:00+00:00')"
    )
    with db.engine.begin() as conn:
        for bucket, entity, record_id, seq, op, data in rows:
            conn.execute(insert, {"b": bucket, "e": entity, "r": record_id, "s": seq, "o": op, "d": data})
    upgrade(revision="0026")
    made = inspect(db.engine)
    assert made.get_pk_constraint("sync_log")["constrained_columns"] == ["entity", "record_id", "bucket"]
    assert "ix_sync_log_record" not in {i["name"] for i in made.get_indexes("sync_log")}
    assert "data" not in {c["name"] for c in made.get_columns("sync_log")}
    with db.engine.connect() as conn:
        kept = conn.execute(text("SELECT bucket, entity, record_id, seq, op FROM sync_log")).all()
        data = dict(conn.execute(text("SELECT record_id, data FROM sync_log_data")).all())
    assert sorted(tuple(r) for r in kept) == sorted(r[:5] for r in rows)
    # Once per record with a put; a record with none has no data.
    assert {r: _json(d) for r, d in data.items()} == {"t1": {"title": "巡查"}, "t2": {"title": "入户走访"}}
    # Still one row per (bucket, entity, record): the key refuses a second.
    with pytest.raises(Exception, match="(?i)unique|duplicate"), db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sync_log (bucket, entity, record_id, seq, op, version, committed_at)"
                " VALUES ('grid:1', 'task', 't1', 10, 'delete', 10, '2026-12-07 08:00:00+00:00')"
            )
        )
    downgrade(revision="0025")
    back = inspect(db.engine)
    assert back.get_pk_constraint("sync_log")["constrained_columns"] == ["bucket", "entity", "record_id"]
    assert "ix_sync_log_record" in {i["name"] for i in back.get_indexes("sync_log")}
    assert "sync_log_data" not in back.get_table_names()
    with db.engine.connect() as conn:
        again = conn.execute(text("SELECT bucket, entity, record_id, seq, op, data FROM sync_log")).all()
    assert sorted((b, e, r, s, o, _json(d) if d is not None else None) for b, e, r, s, o, d in again) == sorted(
        (b, e, r, s, o, json.loads(d) if d else None) for b, e, r, s, o, d in rows
    )


def test_the_push_sweep_reads_the_partial_index_of_queued_pushes(app, db):
    """The sweep (every minute) finds the queued Web Push deliveries by the partial index, not by
    reading every delivery ever made (migration 0027)."""
    from sqlalchemy import event

    from server.notices.jobs import sweep_queued

    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM deliveries" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert sweep_queued() == 0
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    ((statement, parameters),) = seen
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # a near-empty table: make any index win
            conn.execute(text("SET enable_seqscan = off"))
            plan = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        else:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert any("ix_deliveries_queued_push" in line for line in plan), plan
