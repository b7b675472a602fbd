"""An entity's domain rules (PROTOCOL.md §7.5), on the reference store: a reviewer may refuse a
mutation, stamp server-only fields, and raise a conflict no single field shows."""

from sync import Actor, Conflict, Engine, Entity, Field, MemoryStore, Mutation, Rejection, template_buckets

WORKER = frozenset({"grid_worker"})
ADMIN = frozenset({"admin"})
BOTH = WORKER | ADMIN


def review(r):
    values = r.merged.values
    if r.current is not None and "status" in r.merged.changed:
        before, after = r.current.values.get("status"), values.get("status")
        if before == "cancelled" and "admin" not in r.roles:
            return Rejection("transition", "cancelled tasks cannot move", {"status": [f"{before} -> {after}"]})
        r.set("history", [*values.get("history", []), [before, after, r.user_id]])
    if "status" in r.mutation.fields and r.changed_by_others("assignee"):
        # Reassigned meanwhile: the work stays, the admin hears of it.
        r.merged.conflicts.append(
            Conflict("assignee", r.mutation.base_version, values["assignee"], r.user_id, "server", "reassigned")
        )
    return None


TASK = Entity(
    "task",
    (Field("grid", BOTH, create_only=True), Field("status", BOTH), Field("assignee", ADMIN), Field("history")),
    ADMIN,
    ADMIN,
    template_buckets(["grid:{grid}"]),
    review=review,
)


def setup():
    engine = Engine(MemoryStore(), [TASK])
    admin = Actor(1, {"grid:1": ADMIN})
    worker = Actor(7, {"grid:1": WORKER})
    (created,) = engine.push(
        admin, "desk", [Mutation("m1", "task", "t1", "create", {"grid": 1, "status": "assigned", "assignee": 7}, 0)]
    )
    return engine, admin, worker, created.version


def test_a_reviewer_stamps_server_only_fields_with_the_change():
    engine, _admin, worker, version = setup()
    (result,) = engine.push(worker, "phone", [Mutation("m2", "task", "t1", "update", {"status": "done"}, version)])
    assert result.status == "applied"
    assert result.record["data"]["history"] == [["assigned", "done", 7]]
    assert engine.store.get_record("task", "t1").field_versions["history"] == result.version


def test_a_reviewer_refusal_writes_nothing_and_says_why():
    engine, admin, worker, version = setup()
    (cancelled,) = engine.push(
        admin, "desk", [Mutation("m2", "task", "t1", "update", {"status": "cancelled"}, version)]
    )
    (result,) = engine.push(
        worker, "phone", [Mutation("m3", "task", "t1", "update", {"status": "in_progress"}, cancelled.version)]
    )
    assert result.status == "rejected"
    assert result.error == {
        "code": "transition",
        "message": "cancelled tasks cannot move",
        "fields": {"status": ["cancelled -> in_progress"]},
    }
    assert engine.store.get_record("task", "t1").version == cancelled.version


def test_a_domain_conflict_keeps_the_work_and_is_recorded():
    engine, admin, worker, version = setup()
    engine.push(admin, "desk", [Mutation("m2", "task", "t1", "update", {"assignee": 8}, version)])
    (result,) = engine.push(worker, "phone", [Mutation("m3", "task", "t1", "update", {"status": "done"}, version)])
    assert result.status == "conflict"
    assert result.record["data"]["status"] == "done" and result.record["data"]["assignee"] == 8
    (conflict,) = engine.store.conflicts
    assert (conflict["field"], conflict["server_value"], conflict["client_value"], conflict["rule"]) == (
        "assignee",
        8,
        7,
        "reassigned",
    )
