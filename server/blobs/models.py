"""Photos stored by content hash, who may read them, and uploads still in progress."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.extensions import db


class Blob(db.Model):
    """A complete photo. The id is the SHA-256 the client computed over what it uploaded, so
    records can name the photo before it reaches the server; the file we keep is a re-encode
    without metadata, whose own hash is `stored_sha256` (the ETag)."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    stored_sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(32))  # of the stored file: image/jpeg, image/png, image/webp
    size: Mapped[int]  # bytes of the stored file
    width: Mapped[int]  # upright, after the EXIF orientation was applied
    height: Mapped[int]
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlobHolder(db.Model):
    """A user who uploaded these exact bytes (hash verified): the first uploader and anyone who
    uploaded the same photo again. Holders may read the blob (authz.can "blob.read")."""

    __tablename__ = "blob_holders"

    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BlobUpload(db.Model):
    """A chunked upload in progress: `offset` bytes of `total` are in the part file
    <BLOB_DIR>/uploads/<sha256>-<uploader_id>.part. Gone once complete, failed or stale."""

    __tablename__ = "blob_uploads"
    __table_args__ = (UniqueConstraint("sha256", "uploader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))  # not a foreign key: no blob exists yet
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    total: Mapped[int]
    offset: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
