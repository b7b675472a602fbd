"""Shapes of bulk import (PROTOCOL.md §23)."""

import marshmallow as ma
from marshmallow import validate

from server.core.edge import Schema


class ImportFileSchema(Schema):
    file = ma.fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": ".xlsx (first sheet), or .csv in UTF-8 (with or without BOM) or GB18030; at most 16 MiB "
            "and 100,000 rows; the first row names the columns (the template's headers, in Chinese or English)",
        },
    )


class TemplateArgsSchema(Schema):
    format = ma.fields.String(load_default="xlsx", validate=validate.OneOf(("xlsx", "csv")))


class RowErrorSchema(Schema):
    row = ma.fields.Integer(metadata={"description": "the row's number in the file (the header is row 1)"})
    column = ma.fields.String(metadata={"description": "the column's header as the file writes it"})
    code = ma.fields.String(metadata={"description": "PROTOCOL.md §23.3"})
    message = ma.fields.String(metadata={"description": "in the user's language"})


class ColumnSchema(Schema):
    key = ma.fields.String()
    label = ma.fields.String()


class SampleRowSchema(Schema):
    row = ma.fields.Integer()
    action = ma.fields.String(validate=validate.OneOf(("create", "update", "unchanged", "error")))
    cells = ma.fields.List(ma.fields.String(), metadata={"description": "in the order of `columns`"})


class ImportCountsSchema(Schema):
    create = ma.fields.Integer()
    update = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    error = ma.fields.Integer(metadata={"description": "rows with at least one error"})


class ImportResultSchema(Schema):
    kind = ma.fields.String()
    rows = ma.fields.Integer(metadata={"description": "data rows read (blank rows are skipped)"})
    counts = ma.fields.Nested(ImportCountsSchema)
    households_created = ma.fields.Integer(metadata={"description": "residents: households the rows create too"})
    accounts_created = ma.fields.Integer(metadata={"description": "users: new accounts"})


class ImportPreviewSchema(ImportResultSchema):
    format = ma.fields.String(validate=validate.OneOf(("xlsx", "csv")))
    columns = ma.fields.List(ma.fields.Nested(ColumnSchema))
    errors = ma.fields.List(ma.fields.Nested(RowErrorSchema), metadata={"description": "the first 500, by row"})
    errors_total = ma.fields.Integer()
    sample = ma.fields.List(ma.fields.Nested(SampleRowSchema), metadata={"description": "the first 200 rows"})
    committable = ma.fields.Boolean(metadata={"description": "no error: a commit of the same file would write it"})
