"""Who may upload and read a photo (blob): every role may upload; a blob is read by its holders
(who uploaded those bytes) and by whoever a check added with authz.register_blob_reader lets in
(the sync engine: whoever sees a record referring to it); to anyone else it is 404. Answered
through authz.can ("blob.upload", "blob.read") once create_app registered ACTIONS."""

from sqlalchemy import select

from server import authz
from server.auth.models import RoleAssignment, User
from server.blobs.models import BlobHolder
from server.extensions import db

BLOB_UPLOAD_ROLES = ("grid_worker", "red_steward", "property_staff", "resident", "volunteer", "admin")


def can_upload(user: User, _obj=None) -> bool:
    return (
        db.session.scalar(
            select(RoleAssignment.id)
            .where(RoleAssignment.user_id == user.id, RoleAssignment.role.in_(BLOB_UPLOAD_ROLES))
            .limit(1)
        )
        is not None
    )


def can_read(user: User, sha256: str) -> bool:
    """Holders (who uploaded these bytes) read a blob, and whoever a registered check lets in."""
    holder = db.session.scalar(
        select(BlobHolder.user_id).where(BlobHolder.sha256 == sha256, BlobHolder.user_id == user.id)
    )
    return holder is not None or any(check(user, sha256) for check in authz.blob_readers)


ACTIONS = {"blob.upload": can_upload, "blob.read": can_read}
