"""A test-only synced entity, "note", with its own table on its own metadata (so the app's
migrations stay as they are). Its rules are those of sync/vectors/_entity_note.json."""

import json
from contextlib import contextmanager

import marshmallow as ma
from flask import has_app_context
from sqlalchemy import JSON, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from server.extensions import db
from server.sync import registry
from server.sync.models import SyncedMixin
from sync import Entity, template_buckets
from tests.sync.vectors import VECTOR_DIR


class NotesBase(DeclarativeBase):
    metadata = MetaData()


class Note(SyncedMixin, NotesBase):
    __tablename__ = "test_notes"

    grid_id: Mapped[int | None]
    kind: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(String(2000))
    photos: Mapped[list | None] = mapped_column(JSON)
    tags: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[int | None]


class NoteSchema(ma.Schema):
    grid_id = ma.fields.Integer(allow_none=True, strict=True)
    kind = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(["visit", "check"]))
    title = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200))
    body = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))
    photos = ma.fields.List(ma.fields.String(), allow_none=True)
    tags = ma.fields.List(ma.fields.String(), allow_none=True)
    status = ma.fields.String(allow_none=True)
    score = ma.fields.Integer(allow_none=True)


SPEC = json.loads((VECTOR_DIR / "_entity_note.json").read_text())
SPEC["fields"]["tags"] = {"writable_by": ["grid_worker", "admin"], "on_conflict": "union"}


def note_binding(buckets=None, rules: Entity | None = None, blob_fields=()) -> registry.EntityBinding:
    rules = rules or Entity.from_dict(SPEC)
    return registry.EntityBinding(
        "note",
        rules.fields,
        rules.create_roles,
        rules.delete_roles,
        Note,
        NoteSchema(),
        buckets or template_buckets(SPEC["buckets"]),
        tuple(blob_fields),
    )


@contextmanager
def registered_notes(app, binding: registry.EntityBinding):
    """The note table in the app's database and the note entity registered with the engine as
    `binding` says, both gone afterwards (the fixtures `notes` and `notes_in_grids`)."""
    with app.app_context():
        NotesBase.metadata.create_all(db.engine)
    registry.register(binding)
    try:
        yield Note
    finally:
        registry.unregister("note")
        _drop_notes(app)


def _drop_notes(app) -> None:
    # The test's own session (the `db` fixture, torn down after this one) may hold a transaction
    # open; on PostgreSQL it would block DROP TABLE forever.
    if has_app_context():
        db.session.remove()
    with app.app_context():
        db.session.remove()
        NotesBase.metadata.drop_all(db.engine)
