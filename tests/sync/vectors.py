"""Runs the shared JSON vectors (sync/vectors) against any store factory."""

import json
from pathlib import Path

from sync import Actor, Engine, Entity, Mutation

VECTOR_DIR = Path(__file__).resolve().parents[2] / "sync" / "vectors"
VECTORS = sorted(p for p in VECTOR_DIR.glob("[0-9]*.json"))


def load(path: Path) -> dict:
    vector = json.loads(path.read_text())
    vector["entity"] = json.loads((VECTOR_DIR / vector["entity_file"]).read_text())
    return vector


def actor_of(spec: dict) -> Actor:
    return Actor(spec["user_id"], {b: frozenset(r) for b, r in spec["buckets"].items()})


def run_vector(vector: dict, store, purge, commit=lambda: None, entity: Entity | None = None) -> None:
    """Play every step against `store`; `purge(store, seq)` purges tombstones through seq;
    `commit()` ends each step's transaction (a no-op for the memory store)."""
    engine = Engine(store, [entity or Entity.from_dict(vector["entity"])])
    actors = {name: actor_of(spec) for name, spec in vector["actors"].items()}
    clients = {name: spec["client_id"] for name, spec in vector["actors"].items()}
    cursors: dict[str, str | None] = {}
    for number, step in enumerate(vector["steps"], 1):
        where = f"{vector['name']} step {number}"
        if "push" in step:
            name = step["push"]
            results = engine.push(actors[name], clients[name], [Mutation.from_wire(m) for m in step["mutations"]])
            assert len(results) == len(step["results"]), where
            commit()
            for got, want in zip(results, step["results"]):
                check_result(got.to_wire(), want, where)
        elif "pull" in step:
            name = step["pull"]
            cursor = None if step["cursor"] == "start" else cursors[name]
            page = engine.pull(actors[name], cursor, step.get("limit", 500)).to_wire()
            commit()
            cursors[name] = page["cursor"]
            assert page["changes"] == step["changes"], where
            for key in ("has_more", "removed_buckets", "reset_buckets"):
                if key in step:
                    assert page[key] == step[key], f"{where}: {key}"
        elif "set_buckets" in step:
            spec = dict(vector["actors"][step["set_buckets"]], buckets=step["buckets"])
            actors[step["set_buckets"]] = actor_of(spec)
        elif "purge_tombstones_through" in step:
            purge(store, step["purge_tombstones_through"])
            commit()
        else:
            raise AssertionError(f"{where}: unknown step {step}")
    for want in vector["records"]:
        record = store.get_record(vector["entity"]["name"], want["id"])
        assert (record.version, record.deleted, record.values) == (want["version"], want["deleted"], want["values"]), (
            want["id"]
        )


def check_result(got: dict, want: dict, where: str) -> None:
    assert got["status"] == want["status"], f"{where}: {got}"
    if "version" in want:
        assert got["version"] == want["version"], f"{where}: {got}"
    if "error" in want:
        assert got["error"]["code"] == want["error"], f"{where}: {got}"
        assert got["error"]["message"], "a refusal says why"
    if "fields" in want:
        assert sorted(got["error"]["fields"]) == sorted(want["fields"]), f"{where}: {got}"
    if "conflicts" in want:
        trimmed = [{k: c[k] for k in w} for c, w in zip(got["conflicts"], want["conflicts"])]
        assert len(got["conflicts"]) == len(want["conflicts"]) and trimmed == want["conflicts"], f"{where}: {got}"
