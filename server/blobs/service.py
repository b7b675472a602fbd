"""Receiving, checking, storing and finding photos. This module owns the blob files and the
transactions; the HTTP contract is in routes.py.

Files under BLOB_DIR (unset: <instance folder>/blobs), sharded by the first hex digits:

    ab/cd/<sha256>                   the cleaned image (sha256: the client's hash, the blob id)
    ab/cd/<sha256>.thumb             its JPEG thumbnail
    uploads/<sha256>-<user id>.part  a chunked upload in progress

Finished files are written to a temporary name beside their place, fsynced and moved there with
os.replace, so a reader never sees half a file. Rows are committed after their files are in place.
"""

import errno
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from server import authz
from server.blobs import images
from server.blobs.models import Blob, BlobHolder, BlobUpload
from server.core.clock import utcnow
from server.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotFound,
    StorageFull,
    TooLarge,
    UnsupportedMediaType,
)
from server.extensions import db
from server.i18n import _

SHA256 = re.compile(r"[0-9a-f]{64}")
STORAGE_FULL_RETRY_SECONDS = 300  # a full disk is not freed in seconds
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chunk:
    """One part of a resumable upload: bytes [start, end) of `total` (end is exclusive)."""

    start: int
    end: int
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class UploadPlan:
    """What to do with a PUT, decided before its body is read."""

    sha256: str
    chunk: Chunk | None  # None: the body is the whole blob
    existing: Blob | None  # complete and readable by the caller: answer 200, read nothing
    read_limit: int  # read at most this many bytes of the body


@dataclass(frozen=True)
class Received:
    blob: Blob | None  # None: more chunks to come
    created: bool
    offset: int
    total: int


# --- uploading ---------------------------------------------------------------------------


def plan_upload(user, sha256: str, chunk: Chunk | None, content_length: int | None) -> UploadPlan:
    """Check a PUT before reading its body: the id, the caller's role, idempotency, size, offset."""
    if not SHA256.fullmatch(sha256):
        raise Invalid(_("blob.bad_sha256"), fields={"sha256": [_("blob.bad_sha256")]})
    authz.require(user, "blob.upload")
    existing = db.session.get(Blob, sha256)
    if existing is not None and authz.can(user, "blob.read", sha256):
        return UploadPlan(sha256, chunk, existing, 0)
    # Someone who may not read an existing blob uploads it like a new one: answering 200 without
    # the bytes would tell them it exists. The hash check then proves they hold it.
    size = chunk.total if chunk else content_length
    if size is not None and size > _max_bytes():
        raise _too_large()
    if chunk is None:
        return UploadPlan(sha256, None, None, _max_bytes() + 1)
    if content_length is not None and content_length != chunk.length:
        raise _bad_range()
    _check_position(_upload_of(user, sha256), chunk)
    return UploadPlan(sha256, chunk, None, chunk.length + 1)


def receive(user, plan: UploadPlan, data: bytes) -> Received:
    """Take the body of a planned PUT: a whole blob, or one chunk (completing the blob when last).
    A full disk refuses it (507 `storage_full`, Retry-After) with nothing kept: no file of the
    photo in place, the upload's offset where it was (PROTOCOL §10)."""
    try:
        if plan.chunk is None:
            if len(data) > _max_bytes():
                raise _too_large()
            return _complete(user, plan.sha256, data)
        return _receive_chunk(user, plan.sha256, plan.chunk, data)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        db.session.rollback()
        log.error("blob storage full: %s refused (%s)", plan.sha256, exc)
        raise StorageFull(_("blob.storage_full"), headers={"Retry-After": str(STORAGE_FULL_RETRY_SECONDS)}) from None


def _receive_chunk(user, sha256: str, chunk: Chunk, data: bytes) -> Received:
    if len(data) != chunk.length:
        raise _bad_range()
    # The row lock (PostgreSQL) serializes chunks of one upload; on SQLite a race of the same
    # user's chunks can only garble the part file, which the final hash check then rejects.
    upload = db.session.scalar(_upload_query(user, sha256).with_for_update())
    if upload is None:
        upload = BlobUpload(sha256=sha256, uploader_id=user.id, total=chunk.total, offset=0)
        db.session.add(upload)
        try:
            db.session.flush()
        except IntegrityError:  # a parallel first chunk of the same upload came first
            db.session.rollback()
            _check_position(_upload_of(user, sha256), chunk)
            raise Conflict(_("error.conflict")) from None
    _check_position(upload, chunk)
    part = _part_path(sha256, user.id)
    _write_at(part, chunk.start, data)
    upload.offset = chunk.end
    upload.updated_at = utcnow()
    if upload.offset < upload.total:
        db.session.commit()
        return Received(None, False, upload.offset, upload.total)
    user_id = user.id
    try:
        return _complete(user, sha256, part.read_bytes())
    except DomainError:
        db.session.rollback()
        _discard_upload(sha256, user_id)  # the bytes are final and wrong: start again from 0
        raise


def _complete(user, sha256: str, data: bytes) -> Received:
    """All bytes are here: verify, clean and store them (or find them stored already)."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Invalid(_("blob.hash_mismatch"), code="hash_mismatch")
    existing = db.session.get(Blob, sha256)
    if existing is not None:
        return _finish(user, existing, created=False)
    blob = _store(user, sha256, data)
    try:
        return _finish(user, blob, created=True)
    except IntegrityError:  # a parallel upload of the same photo committed first
        db.session.rollback()
        stored = db.session.get(Blob, sha256)
        if stored is None:
            raise
        return _finish(user, stored, created=False)


def _store(user, sha256: str, data: bytes) -> Blob:
    """Clean the image, write its files and add (not commit) its row."""
    try:
        clean = images.clean(data, current_app.config["BLOB_MAX_PIXELS"])
    except images.UnsupportedType:
        raise UnsupportedMediaType(_("blob.unsupported_type")) from None
    except images.TooManyPixels:
        megapixels = f"{current_app.config['BLOB_MAX_PIXELS'] / 1_000_000:g}"
        raise TooLarge(_("blob.too_many_pixels", megapixels=megapixels), code="too_many_pixels") from None
    except images.BadImage:
        raise Invalid(_("blob.bad_image"), code="bad_image") from None
    _write_atomic(_thumb_path(sha256), clean.thumb)
    try:
        _write_atomic(_blob_path(sha256), clean.data)  # last: once the image is there, so is its thumb
    except OSError:
        _thumb_path(sha256).unlink(missing_ok=True)  # no thumb of a photo that is not there
        raise
    blob = Blob(
        sha256=sha256,
        stored_sha256=hashlib.sha256(clean.data).hexdigest(),
        mime=clean.mime,
        size=len(clean.data),
        width=clean.width,
        height=clean.height,
        uploader_id=user.id,
    )
    db.session.add(blob)
    return blob


def _finish(user, blob: Blob, created: bool) -> Received:
    """Make the caller a holder, drop their upload in progress, commit."""
    user_id = user.id
    if db.session.get(BlobHolder, (blob.sha256, user_id)) is None:
        db.session.add(BlobHolder(sha256=blob.sha256, user_id=user_id))
    db.session.execute(delete(BlobUpload).where(BlobUpload.sha256 == blob.sha256, BlobUpload.uploader_id == user_id))
    db.session.commit()
    _part_path(blob.sha256, user_id).unlink(missing_ok=True)
    return Received(blob, created, blob.size, blob.size)


def _check_position(upload: BlobUpload | None, chunk: Chunk) -> None:
    """Chunks come in order: each starts where the bytes received so far end."""
    offset = upload.offset if upload else 0
    if upload is not None and upload.total != chunk.total:
        raise Conflict(
            _("blob.wrong_total", total=upload.total),
            fields={"offset": offset, "total": upload.total},
            code="wrong_total",
            headers={"Upload-Offset": str(offset)},
        )
    if chunk.start != offset:
        raise Conflict(
            _("blob.wrong_offset", offset=offset),
            fields={"offset": offset},
            code="wrong_offset",
            headers={"Upload-Offset": str(offset)},
        )


def _discard_upload(sha256: str, user_id: int) -> None:
    db.session.execute(delete(BlobUpload).where(BlobUpload.sha256 == sha256, BlobUpload.uploader_id == user_id))
    db.session.commit()
    _part_path(sha256, user_id).unlink(missing_ok=True)


def purge_stale_uploads(now: datetime | None = None) -> int:
    """Delete uploads in progress with no chunk for BLOB_PARTIAL_TTL_HOURS, and stray part files."""
    cutoff = (now or utcnow()) - timedelta(hours=current_app.config["BLOB_PARTIAL_TTL_HOURS"])
    # One DELETE re-checks updated_at under the row lock: a chunk arriving meanwhile saves its upload.
    stale = db.session.execute(
        delete(BlobUpload).where(BlobUpload.updated_at < cutoff).returning(BlobUpload.sha256, BlobUpload.uploader_id)
    ).all()
    db.session.commit()
    for sha256, user_id in stale:
        _part_path(sha256, user_id).unlink(missing_ok=True)
    live = {
        _part_path(sha, uid).name for sha, uid in db.session.execute(select(BlobUpload.sha256, BlobUpload.uploader_id))
    }
    uploads = _root() / "uploads"
    strays = [p for p in uploads.glob("*.part") if p.name not in live] if uploads.is_dir() else []
    for path in strays:  # written, but their row never committed (a crash between the two)
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
    return len(stale)


# --- reading -----------------------------------------------------------------------------


def readable_blob(user, sha256: str) -> Blob:
    """The blob if the caller may read it; else 404, with Upload-Offset when they are uploading it."""
    blob = db.session.get(Blob, sha256) if SHA256.fullmatch(sha256) else None
    if blob is not None and authz.can(user, "blob.read", sha256):
        return blob
    upload = _upload_of(user, sha256) if SHA256.fullmatch(sha256) else None
    headers = {"Upload-Offset": str(upload.offset)} if upload else None
    raise NotFound(_("error.not_found"), headers=headers)


def image_file(blob: Blob) -> Path:
    """Where the cleaned image of `blob` is; 404 when its file is gone (a lost disk, a partial restore)."""
    return _existing(_blob_path(blob.sha256))


def thumb_file(blob: Blob) -> Path:
    """Where the JPEG thumbnail of `blob` is; 404 when its file is gone."""
    return _existing(_thumb_path(blob.sha256))


def _existing(path: Path) -> Path:
    if not path.is_file():
        current_app.logger.error("blob file missing: %s", path)
        raise NotFound(_("error.not_found"))
    return path


# --- files -------------------------------------------------------------------------------


def _root() -> Path:
    return Path(current_app.config["BLOB_DIR"] or Path(current_app.instance_path) / "blobs")


def _blob_path(sha256: str) -> Path:
    return _root() / sha256[:2] / sha256[2:4] / sha256


def _thumb_path(sha256: str) -> Path:
    return _blob_path(sha256).with_name(f"{sha256}.thumb")


def _part_path(sha256: str, user_id: int) -> Path:
    return _root() / "uploads" / f"{sha256}-{user_id}.part"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_at(path: Path, offset: int, data: bytes) -> None:
    """Write a chunk at `offset`, dropping anything after it (left by an earlier failed try)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.ftruncate(fd, offset)
        view = memoryview(data)
        while view:
            written = os.pwrite(fd, view, offset)
            view, offset = view[written:], offset + written
        os.fsync(fd)
    finally:
        os.close(fd)


# --- helpers -----------------------------------------------------------------------------


def _upload_query(user, sha256: str):
    return select(BlobUpload).where(BlobUpload.sha256 == sha256, BlobUpload.uploader_id == user.id)


def _upload_of(user, sha256: str) -> BlobUpload | None:
    return db.session.scalar(_upload_query(user, sha256))


def _max_bytes() -> int:
    return current_app.config["BLOB_MAX_BYTES"]


def _too_large() -> TooLarge:
    return TooLarge(_("blob.too_large", mib=f"{_max_bytes() / (1 << 20):g}"))


def _bad_range() -> DomainError:
    return DomainError(_("blob.bad_range"), code="bad_range")
