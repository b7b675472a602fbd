"""Which entity types sync, and how each maps to its table (PROTOCOL.md §7.4). Domain packages
register a binding at import; the engine then handles them all alike."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import marshmallow as ma
from sqlalchemy import delete, select

from server.core.edge import Schema
from server.extensions import db
from server.sync.models import SyncBlobRef
from sync import Entity, Field, Record, Rejection, Review

LOOKUP = object()
# Field types whose loaded value is the JSON value itself (for valid input; Float may turn 3 into 3.0).
_JSON_AS_IS = (
    ma.fields.String,
    ma.fields.Integer,
    ma.fields.Float,
    ma.fields.Boolean,
    ma.fields.List,
    ma.fields.Dict,
    ma.fields.Nested,
    ma.fields.Raw,
)  # EntityBinding.store: find the row by id


@dataclass
class EntityBinding:
    """An entity's rules plus its table and marshmallow schema.

    The schema validates whole records (per-field messages) and converts between the JSON
    values that sync carries and the table's columns."""

    name: str
    fields: tuple[Field, ...]
    create_roles: frozenset[str]
    delete_roles: frozenset[str]
    model: type
    schema: Schema
    buckets: Callable[[Mapping[str, Any]], list[str]]
    blob_fields: tuple[str, ...] = ()  # fields holding photo hashes (a hash or a list of them)
    review: Callable[[Review], Rejection | None] | None = None  # domain rules after the merge (§7.5)

    def blob_refs(self, values: Mapping[str, Any]) -> set[str]:
        refs: set[str] = set()
        for name in self.blob_fields:
            value = values.get(name)
            # As sent: anything but a hash or a list of them names no photo (the schema refuses it).
            items = value if isinstance(value, list) else [value]
            refs |= {item for item in items if isinstance(item, str) and item}
        return refs

    @cached_property
    def _converters(self) -> dict[str, ma.fields.Field]:
        """The schema fields whose column value differs from the JSON value (a date, a time):
        store() converts only these. The values were validated whole just before (validate()),
        so loading every field through the schema again would only repeat that work."""
        return {name: field for name, field in self.schema.fields.items() if not isinstance(field, _JSON_AS_IS)}

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def _insert_defaults(self) -> dict[str, Any]:
        """The Python-side column defaults the ORM applies when a new row's attribute is None
        (it leaves the column out of its INSERT); JSON columns keep None, stored as JSON null."""
        return {
            column.name: column.default
            for column in self.model.__table__.columns
            if column.default is not None
            and (column.default.is_scalar or column.default.is_callable)
            and not column.type.should_evaluate_none
        }

    def entity(self) -> Entity:
        return Entity(
            self.name, self.fields, self.create_roles, self.delete_roles, self.buckets, self.validate, self.review
        )

    def validate(self, values: Mapping[str, Any], op: str) -> dict[str, list[str]]:
        errors = self.schema.validate(dict(values))
        return {name: flat_messages(messages) for name, messages in errors.items()}

    def load(self, record_id: str) -> Record | None:
        row = db.session.get(self.model, record_id)
        return None if row is None else self.record_of(row)

    def load_rows(self, record_ids) -> dict:
        """The table rows of these ids that exist, in one query (a push batch's records)."""
        ids = list(record_ids)
        if not ids:
            return {}
        return {row.id: row for row in db.session.scalars(select(self.model).where(self.model.id.in_(ids)))}

    def record_of(self, row) -> Record:
        values = self.schema.dump(row)
        return Record(
            self.name,
            row.id,
            {k: values[k] for k in self.field_names if k in values and values[k] is not None},
            dict(row.field_versions or {}),
            row.version,
            row.deleted,
            dict(row.field_writers or {}),
        )

    def store(self, record: Record, row=LOOKUP):
        """Write a record into its row (given, None for a new one, or looked up); returns the row."""
        if row is LOOKUP:
            row = db.session.get(self.model, record.id)
        new = row is None
        if new:
            row = self.model(id=record.id)
            db.session.add(row)
        for name, value in self.columns(record).items():
            setattr(row, name, value)
        if self.blob_fields:
            _store_blob_refs(self.name, record.id, self.live_blob_refs(record), new)
        return row

    def columns(self, record: Record) -> dict[str, Any]:
        """The record as its row's column values, but the id."""
        converters, values = self._converters, record.values
        row = {}
        for name in self.field_names:
            value = values.get(name)
            row[name] = converters[name].deserialize(value) if value is not None and name in converters else value
        row.update(
            version=record.version,
            field_versions=dict(record.field_versions),
            field_writers=dict(record.field_writers),
            deleted=record.deleted,
        )
        return row

    def new_row(self, record: Record) -> dict[str, Any]:
        """A new record's row for a Core INSERT, as the ORM would write it (store())."""
        row = {"id": record.id, **self.columns(record)}
        for name, default in self._insert_defaults.items():
            if row.get(name) is None:
                row[name] = default.arg(None) if default.is_callable else default.arg
        return row

    def live_blob_refs(self, record: Record) -> set[str]:
        """The photos a stored record refers to (a deleted one: none)."""
        return set() if record.deleted else self.blob_refs(record.values)


def _store_blob_refs(entity: str, record_id: str, refs: set[str], new: bool) -> None:
    if not new:
        db.session.execute(delete(SyncBlobRef).where(SyncBlobRef.entity == entity, SyncBlobRef.record_id == record_id))
    db.session.add_all(SyncBlobRef(sha256=sha, entity=entity, record_id=record_id) for sha in sorted(refs))


def flat_messages(messages) -> list[str]:
    """marshmallow's messages of a field (nested ones too) as one list."""
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in flat_messages(value)]
    return [str(m) for m in messages]


_REGISTRY: dict[str, EntityBinding] = {}


def register(binding: EntityBinding) -> EntityBinding:
    _REGISTRY[binding.name] = binding
    return binding


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def bindings() -> dict[str, EntityBinding]:
    return dict(_REGISTRY)
