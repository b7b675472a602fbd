"""Shapes of the blob endpoints (the bodies of PUT and GET are raw image bytes)."""

import marshmallow as ma

from server.core.edge import Schema
from server.core.instants import UtcDateTime


class BlobSchema(Schema):
    sha256 = ma.fields.String(metadata={"description": "the blob id: SHA-256 of the bytes the client uploaded"})
    stored_sha256 = ma.fields.String(metadata={"description": "SHA-256 of the stored, cleaned image (its ETag)"})
    mime = ma.fields.String(metadata={"description": "image/jpeg, image/png or image/webp"})
    size = ma.fields.Integer(metadata={"description": "bytes of the stored image"})
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    created_at = UtcDateTime()
    url = ma.fields.Function(lambda blob: f"/api/blobs/{blob.sha256}")
    thumb_url = ma.fields.Function(lambda blob: f"/api/blobs/{blob.sha256}/thumb")


class UploadProgressSchema(Schema):
    sha256 = ma.fields.String()
    offset = ma.fields.Integer(metadata={"description": "bytes received so far: the next chunk starts here"})
    total = ma.fields.Integer()


blob_schema = BlobSchema()
upload_progress_schema = UploadProgressSchema()
