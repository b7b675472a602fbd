"""Photos by content hash: idempotent, resumable uploads; private, immutable downloads.

The HTTP contract (all endpoints need a signed-in user; PUT needs X-CSRFToken like every write):

PUT /api/blobs/<sha256>     sha256: 64 lowercase hex digits, the client's hash of the bytes it sends.
    Whole body, or a chunk with "Content-Range: bytes START-END/TOTAL" (END inclusive) that must
    start at the current offset. The declared Content-Type is ignored.
    201 + blob JSON    stored (the last chunk, or a whole body).
    200 + blob JSON    already stored and readable by you: nothing is read or stored again.
    202 + {sha256, offset, total}, header Upload-Offset: a chunk was kept; send the next one.
    409 wrong_offset   the chunk does not start at the offset: header Upload-Offset and
                       error.fields.offset say where to continue. 409 wrong_total: TOTAL differs
                       from the upload in progress.
    413 too_large      over BLOB_MAX_BYTES (Content-Length or TOTAL: refused before reading), or
                       too_many_pixels (over BLOB_MAX_PIXELS).
    415 unsupported_type  not JPEG, PNG or WebP by magic bytes.
    422 hash_mismatch, bad_image   the upload in progress is discarded; start again at 0.
    400 bad_range      malformed Content-Range, or a body whose length does not match it.
    507 storage_full   the server's disk is full: nothing kept (no file, the offset unchanged);
                       keep the photo, try again after Retry-After (seconds).
HEAD /api/blobs/<sha256>    200 with Content-Type and Content-Length when you may read it;
    404 otherwise. No 308: when you have an upload of it in progress, the 404 carries
    "Upload-Offset: N" (bytes received), so you resume with a chunk starting at N.
GET /api/blobs/<sha256>     the cleaned image (EXIF/GPS/XMP stripped, upright, ICC kept);
    ETag is stored_sha256, Cache-Control: private, max-age=31536000, immutable.
GET /api/blobs/<sha256>/thumb   a JPEG of at most 320 px on the long side, cached the same way.

Readers are the users who uploaded the bytes and those a check registered with
authz.register_blob_reader lets in; to everyone else a blob is 404, as if it did not exist.
"""

from flask import jsonify, request, send_file
from flask_login import current_user, login_required
from werkzeug.http import parse_content_range_header

from server.api import ErrorSchema
from server.blobs import service
from server.blobs.schemas import BlobSchema, UploadProgressSchema, upload_progress_schema
from server.core.edge import Blueprint
from server.errors import DomainError, NotFound
from server.i18n import _

blp = Blueprint("blobs", __name__, url_prefix="/api/blobs", description="Photos by content hash")

IMMUTABLE = "private, max-age=31536000, immutable"
BINARY_BODY = {
    "required": True,
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}
IMAGE_SCHEMA = {"type": "string", "format": "binary"}


@blp.route("/<sha256>", methods=["PUT"])
@login_required
@blp.doc(requestBody=BINARY_BODY)
@blp.response(201, BlobSchema, description="Stored")
@blp.alt_response(200, schema=BlobSchema, description="Already stored", success=True)
@blp.alt_response(202, schema=UploadProgressSchema, description="Chunk kept; continue at offset", success=True)
@blp.alt_response(
    507,
    schema=ErrorSchema,
    description="`storage_full`: the server's disk is full; nothing kept. Upload again after `Retry-After` seconds",
)
def upload(sha256):
    """Upload a photo whole, or a chunk of it with Content-Range.

    `sha256`: 64 lowercase hex digits, the hash of the whole photo. The body is the bytes
    (`application/octet-stream`; the declared type is ignored): the whole photo, or a chunk with
    `Content-Range: bytes START-END/TOTAL` (END inclusive) starting at the offset received so far
    (`HEAD` tells it). 201: stored; 200: already stored, nothing read; 202: chunk kept, continue at
    `Upload-Offset`. 400 `bad_range`: a malformed range, or a body not matching it. 409
    `wrong_offset` (header `Upload-Offset` and `error.fields.offset` say where to continue),
    `wrong_total`: TOTAL differs from the upload in progress. 413 `too_large` (refused before the
    body is read), `too_many_pixels`. 415 `unsupported_type`: not JPEG, PNG or WebP by magic bytes.
    422 `hash_mismatch`, `bad_image`: the upload in progress is discarded; start again at 0.
    507 `storage_full`: the server's disk is full and nothing was kept (the offset is unchanged):
    keep the photo and send it again after `Retry-After` seconds. The stored image has no
    metadata (EXIF, GPS, XMP; the ICC profile is kept). PROTOCOL.md §10."""
    chunk = _content_range()
    plan = service.plan_upload(current_user, sha256, chunk, request.content_length)
    if plan.existing is not None:
        return plan.existing, 200
    received = service.receive(current_user, plan, _read_body(plan.read_limit))
    if received.blob is None:
        response = jsonify(
            upload_progress_schema.dump({"sha256": sha256, "offset": received.offset, "total": received.total})
        )
        response.status_code = 202
        response.headers["Upload-Offset"] = str(received.offset)
        return response
    return received.blob, 201 if received.created else 200


@blp.route("/<sha256>", methods=["GET", "HEAD"])
@login_required
@blp.response(200, IMAGE_SCHEMA, content_type="image/*", description="The cleaned image (HEAD: its headers only)")
def image(sha256):
    """The photo without metadata; HEAD asks whether the server has it for you.

    404 when you may not read it (or its file is gone); while you upload it, the 404 carries
    `Upload-Offset: N`, the bytes received: resume with a chunk starting at N (PROTOCOL.md §10)."""
    blob = service.readable_blob(current_user, sha256)
    return _send(service.image_file(blob), blob.mime, blob.stored_sha256)


@blp.route("/<sha256>/thumb", methods=["GET"])
@login_required
@blp.response(200, IMAGE_SCHEMA, content_type="image/jpeg", description="JPEG thumbnail, at most 320 px")
def thumb(sha256):
    """A JPEG thumbnail of the photo, at most 320 px on the long side."""
    blob = service.readable_blob(current_user, sha256)
    return _send(service.thumb_file(blob), "image/jpeg", f"{blob.stored_sha256}-thumb")


def _send(path, mimetype: str, etag: str):
    try:
        response = send_file(path, mimetype=mimetype, etag=etag, conditional=True, max_age=None)
    except FileNotFoundError:  # gone since service.image_file looked
        raise NotFound(_("error.not_found")) from None
    response.headers["Cache-Control"] = IMMUTABLE  # the content of a hash never changes
    return response


def _content_range() -> service.Chunk | None:
    value = request.headers.get("Content-Range")
    if value is None:
        return None
    parsed = parse_content_range_header(value)
    if parsed is None or parsed.units != "bytes" or parsed.start is None or parsed.length is None:
        raise DomainError(_("blob.bad_range"), code="bad_range")
    return service.Chunk(parsed.start, parsed.stop, parsed.length)


def _read_body(limit: int) -> bytes:
    """At most `limit` bytes of the body (the service decides what is too much)."""
    parts, size = [], 0
    while size < limit:
        piece = request.stream.read(min(1 << 16, limit - size))
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)
