"""The demo's records are made as people made them: mutations pushed through the sync engine by
each person (their actor: their buckets and roles), each at its moment (the rules' clock set to
it, server/core/clock.py), with the follow-ups the rules ask for (a wish's card, an
inspection's orders, the notices) — so phones pull them and every record carries its history.
One random.Random per part of the demo: the same seed makes the same records."""

import hashlib
import io
import random
import uuid
from datetime import UTC, datetime

from PIL import Image

from server.auth.models import RoleAssignment, User
from server.blobs import service as blobs
from server.blobs.models import Blob, BlobHolder
from server.core import clock
from server.demo.accounts import DEMO_CREATED_AT
from server.extensions import db
from server.org.models import Resident
from server.sync.actors import actor_for, server_account
from server.sync.writer import new_engine, push_through, server_values
from sync import Actor, Mutation


class DemoPusher:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = datetime.now(UTC).replace(second=0, microsecond=0)
        self.engine, self.store = new_engine()

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def push(
        self,
        who: User | Actor,
        at: datetime,
        entity: str,
        record_id: str,
        op: str,
        fields: dict,
        base=None,
        extra=None,
        client: str | None = None,
    ) -> dict:
        """One mutation by `who` (an account, or its actor) at the moment `at`; returns the record
        after it. A refusal is a bug of the demo: RuntimeError."""
        actor = who if isinstance(who, Actor) else actor_for(who)
        mutation = Mutation(self.new_id(), entity, record_id, op, fields, base)
        with clock.at(at), server_values(extra or {}):
            (result,) = push_through(
                self.engine, self.store, actor, client or f"demo-phone-{actor.user_id}", [mutation]
            )
        if result.status == "rejected":
            raise RuntimeError(f"demo {entity} {op} refused: {result.error}")
        return result.record

    def photo(self, user: User, code: str, salt: str, size=(320, 240)) -> str:
        """A small JPEG (a colour of its own) stored as a blob held by `user`; its SHA-256."""
        tone = int(hashlib.sha256(f"{code}:{salt}".encode()).hexdigest()[:6], 16)
        out = io.BytesIO()
        Image.new("RGB", size, (tone >> 16 & 255, tone >> 8 & 255, tone & 255)).save(out, "JPEG", quality=80)
        data = out.getvalue()
        sha = hashlib.sha256(data).hexdigest()
        if db.session.get(Blob, sha) is None:
            blobs._store(user, sha, data)  # the upload's storing step, without its commit: the demo is one transaction
        if db.session.get(BlobHolder, (sha, user.id)) is None:
            db.session.add(BlobHolder(sha256=sha, user_id=user.id))
        db.session.flush()
        return sha


def account(phone: str) -> User:
    return db.session.scalars(db.select(User).where(User.phone == phone)).one()


def background_account(phone: str, name: str, role: str, **scope) -> User:
    """A person of the demo who cannot sign in (no password), with one role: a resident who posts
    a wish or files a need, a helper of another community."""
    person = User(phone=phone, display_name=name, password_hash="!", created_at=DEMO_CREATED_AT)
    db.session.add(person)
    db.session.flush()
    db.session.add(
        RoleAssignment(
            user_id=person.id, role=role, granted_by_id=server_account().id, granted_at=DEMO_CREATED_AT, **scope
        )
    )
    db.session.flush()
    return person


def resident_account(phone: str, household_id: int) -> User:
    """The first person of a household in the register, as a background resident account of it."""
    name = db.session.scalar(
        db.select(Resident.name).where(Resident.household_id == household_id).order_by(Resident.id).limit(1)
    )
    return background_account(phone, name or "居民", "resident", household_id=household_id)
