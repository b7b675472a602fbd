"""Format 2 pull pages (PROTOCOL.md §5.2.2): groups built from changes and read back, on the
shared vector (pwa/tests/vectors.test.mjs reads it back in JavaScript) and on the engine's pages."""

import json

import pytest

from sync import Actor, Engine, Entity, LogEntry, MemoryStore, Mutation, group_changes, ungroup
from tests.sync.vectors import VECTOR_DIR

VECTOR = json.loads((VECTOR_DIR / "_page_format_2.json").read_text(encoding="utf-8"))


def _entries(changes):
    return [LogEntry(0, c["bucket"], c["entity"], c["id"], c["op"], c["version"], c["data"]) for c in changes]


def test_the_vector_page_groups_and_reads_back_exactly():
    assert group_changes(_entries(VECTOR["changes"])) == VECTOR["groups"]
    assert ungroup(VECTOR["groups"]) == VECTOR["changes"]


def test_runs_split_where_bucket_entity_or_op_change_and_data_goes_column_by_column():
    groups = VECTOR["groups"]
    assert [(g["bucket"], g["entity"], g["op"], len(g["versions"])) for g in groups] == [
        ("grid:1", "task", "put", 6),
        ("grid:1", "task", "delete", 2),
        ("user:7", "inbox", "put", 1),
        ("grid:1", "note", "put", 1),
    ]
    tasks = groups[0]
    assert tasks["fields"] == ["title", "status", "checklist"]  # every key once, as first met
    assert tasks["columns"][1] == ["todo", "done", "todo", None, None, "doing"]
    assert tasks["absent"] == {"checklist": [2, 5]} and tasks["nulls"] == [3]  # a missing key is not a null
    assert ungroup(groups)[2]["data"] == {"title": "没有清单", "status": "todo"}
    assert "fields" not in groups[1] and "columns" not in groups[1]
    assert isinstance(tasks["ids"], str) and groups[3]["ids"] == ["n1"]  # not a UUID: listed
    assert tasks["versions"] == [11, 1, 1, 1, 1, 1]


@pytest.mark.parametrize("ids", ["8C6F0B9E-2D4A-4F1E-9C3B-5A7D8E9F0A1B", "8c6f0b9e2d4a4f1e9c3b5a7d8e9f0a1b"])
def test_ids_that_are_not_lowercase_uuids_are_listed_as_they_are(ids):
    [group] = group_changes([LogEntry(1, "grid:1", "note", ids, "delete", 1, None)])
    assert group["ids"] == [ids] and ungroup([group])[0]["id"] == ids


def test_every_page_of_an_engine_pull_reads_back_as_its_format_1_page():
    note = Entity.from_dict(json.loads((VECTOR_DIR / "_entity_note.json").read_text(encoding="utf-8")))
    store = MemoryStore()
    engine = Engine(store, [note])
    actor = Actor(1, {"grid:1": frozenset({"grid_worker"}), "grid:2": frozenset({"grid_worker"})})
    mutations = [
        Mutation.from_wire(
            {
                "id": f"00000000-0000-4000-8000-{n:012x}",
                "entity": "note",
                "record_id": f"6f9e1a00-0000-4000-8000-{n:012x}",
                "op": "create",
                "fields": {"grid_id": 1 + n % 2, "title": f"第{n}条", **({"body": "有正文"} if n % 3 else {})},
            }
        )
        for n in range(1, 12)
    ]
    engine.push(actor, "phone-1", mutations)
    cursor, pages = None, 0
    while True:
        page = engine.pull(actor, cursor, 4)
        one, two = page.to_wire(1), page.to_wire(2)
        assert ungroup(two.pop("groups")) == one.pop("changes")
        assert one == two
        cursor, pages = page.cursor, pages + 1
        if not page.has_more:
            break
    assert pages == 3
