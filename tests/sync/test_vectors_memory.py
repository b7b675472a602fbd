"""The shared vectors against the reference in-memory store."""

import pytest

from sync import MemoryStore
from tests.sync.vectors import VECTORS, load, run_vector


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_vector_on_the_memory_store(path):
    vector = load(path)
    store = MemoryStore()
    run_vector(vector, store, lambda s, seq: s.purge_tombstones(seq))
    got = sorted(
        (c["record_id"], c["field"], c["winner"], c["server_value"], c["client_value"]) for c in store.conflicts
    )
    want = sorted(
        (c["record_id"], c["field"], c["winner"], c["server_value"], c["client_value"]) for c in vector["conflicts"]
    )
    assert got == want


def test_there_are_vectors():
    assert len(VECTORS) >= 10
