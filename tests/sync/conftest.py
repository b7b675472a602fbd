"""Fixtures of the sync engine's tests on the server's store (the `app` and `db` fixtures are in
tests/conftest.py)."""

import pytest

from tests.sync.notes import note_binding, registered_notes


@pytest.fixture
def notes(app):
    """The note table in this test's database and the note entity registered with the engine,
    its buckets as sync/vectors/_entity_note.json says; yields the model."""
    with registered_notes(app, note_binding()) as note:
        yield note
