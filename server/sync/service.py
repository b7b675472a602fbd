"""Push, pull and conflict resolution for signed-in users (PROTOCOL.md §5–§7). Routes call
these; the engine in sync/ decides, SqlStore stores, authz supplies the scopes."""

import dataclasses
import re
import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from server import authz
from server.audit.service import record as audit
from server.auth.models import ROLES, User
from server.auth.service import display_names
from server.core import pokes
from server.core.clock import utcnow
from server.core.fields import compact_json
from server.core.pages import paginate
from server.errors import Conflict as ConflictError
from server.errors import DomainError, Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _, rejection_message, translate_field_message
from server.sync.actors import actor_for
from server.sync.models import SyncBlobRef, SyncConflict, SyncLogData, SyncLogEntry, SyncMutation, SyncState
from server.sync.registry import bindings
from server.sync.store import SqlStore
from server.sync.wire import parse_mutation
from server.sync.writer import new_engine, push_through
from sync import (
    PROTOCOL_VERSION,
    Actor,
    CursorExpired,
    CursorInvalid,
    Mutation,
    MutationResult,
    PullPage,
    UnsupportedProtocol,
    check_protocol,
)


class CursorGone(DomainError):
    status = 410
    code = "cursor_expired"


def _check_protocol(version: str) -> None:
    try:
        check_protocol(version)
    except UnsupportedProtocol as exc:
        message = _("sync.unsupported_protocol", supported=", ".join(exc.details["supported"]))
        raise DomainError(message, {"protocol": [message]}, code="unsupported_protocol") from exc


def push(user: User, protocol: str, client_id: str, raw_mutations: list, values_checked: bool = False) -> dict:
    """Apply a batch of mutations in one transaction; poke the touched buckets after commit.

    The envelope (protocol, client id, a list of 1–500 mutations) was checked by the schema; a
    malformed mutation inside it is refused on its own (`bad_mutation`, §6.1) and the others go on.
    values_checked: the edge found every value of the body storable (parse_mutation)."""
    _check_protocol(protocol)
    parsed = [parse_mutation(raw, values_checked) for raw in raw_mutations]
    mutations = [m for m in parsed if isinstance(m, Mutation)]
    _check_blobs(user, mutations)
    applied: list[MutationResult] = []
    if mutations:
        engine, store = new_engine()
        applied = push_through(engine, store, actor_for(user), client_id, mutations, values_checked)
        pokes.after_commit(store.touched)
        db.session.commit()
    answers = iter(applied)
    results = [next(answers) if isinstance(m, Mutation) else m for m in parsed]
    return {"protocol": PROTOCOL_VERSION, "results": [_localized(r.to_wire()) for r in results]}


SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _check_blobs(user: User, mutations: list[Mutation]) -> None:
    """Photos are uploaded before the records that refer to them (PROTOCOL.md §10). A batch
    naming a photo the user cannot read (not uploaded yet, or someone else's) is refused whole
    and nothing is stored, so the client can upload and send the same batch again. A value that
    is no SHA-256 names no photo: the entity's schema refuses that mutation alone (`invalid`)."""
    registered = bindings()
    wanted = set()
    for mutation in mutations:
        binding = registered.get(mutation.entity)
        if binding is not None and binding.blob_fields:
            wanted |= {sha for sha in binding.blob_refs(mutation.fields) if SHA256.fullmatch(sha)}
    missing = sorted(sha for sha in wanted if not authz.can(user, "blob.read", sha))
    if missing:
        raise ConflictError(_("sync.missing_blobs"), {"blobs": missing}, code="missing_blobs")


def can_see_a_referencing_record(user: User, sha256: str) -> bool:
    """Blob reader check: the user may see a record that refers to this photo."""
    buckets = list(actor_for(user).buckets)
    found = db.session.scalar(
        select(SyncBlobRef.sha256)
        .join(
            SyncLogEntry,
            (SyncLogEntry.entity == SyncBlobRef.entity) & (SyncLogEntry.record_id == SyncBlobRef.record_id),
        )
        .where(SyncBlobRef.sha256 == sha256, SyncLogEntry.op == "put", SyncLogEntry.bucket.in_(buckets))
        .limit(1)
    )
    return found is not None


def _localized(result: dict) -> dict:
    """Rejection messages in the reader's language (the stored result keeps the code)."""
    error = result.get("error")
    if error:
        error = dict(error)
        error["message"] = rejection_message(result.get("entity"), error["code"])
        error["fields"] = {k: [translate_field_message(m) for m in v] for k, v in error["fields"].items()}
        result = dict(result, error=error)
    return result


def pull(user: User, protocol: str, cursor: str | None, limit: int) -> PullPage:
    """Changes in the user's buckets since the cursor (one page; page_json() writes it)."""
    _check_protocol(protocol)
    engine, _store = new_engine()
    try:
        page = engine.pull(actor_for(user), cursor, limit)
    except CursorInvalid as exc:
        raise DomainError(
            _("sync.cursor_invalid"), {"cursor": [_("sync.cursor_invalid")]}, code="cursor_invalid"
        ) from exc
    except CursorExpired as exc:
        raise CursorGone(_("sync.cursor_expired"), {"cursor": [_("sync.cursor_expired")]}) from exc
    db.session.commit()  # the first pull ever creates the sync_state row
    return page


def first_page_json(user: User, protocol: str, limit: int, page_format: int = 1) -> str | None:
    """The first pull page (cursor null) as page_json() writes it, for a sign-in that asked for
    it (§5.2.1); None when the protocol is not the server's (the phone pulls on its own)."""
    try:
        return page_json(pull(user, protocol, None, limit), page_format)
    except DomainError:
        return None


def page_json(page: PullPage, page_format: int = 1) -> str:
    """A pull page as compact UTF-8 JSON, the same as json.dumps(page.to_wire(page_format)); in
    format 1 with each change's data spliced in as the text the store read (§5.2's shape, checked
    by a test). Format 2 (§5.2.2) reads each data to send its values without their keys."""
    dumps = compact_json
    if page_format == 2:
        return dumps(page.to_wire(2))
    head = dataclasses.replace(page, changes=[]).to_wire()
    head.pop("changes")
    names: dict[str, str] = {}  # buckets, entities and ops repeat: each is encoded once

    def name(value: str) -> str:
        encoded = names.get(value)
        if encoded is None:
            encoded = names[value] = dumps(value)
        return encoded

    changes = ",".join(
        f'{{"bucket":{name(c.bucket)},"entity":{name(c.entity)},"id":{dumps(c.record_id)},"op":{name(c.op)},"version":{int(c.version)},'
        f'"data":{"null" if c.data is None else c.data if isinstance(c.data, str) else dumps(c.data)}}}'
        for c in page.changes
    )
    return f'{{"changes":[{changes}],{dumps(head)[1:]}'


# --- conflicts (§7.3) -------------------------------------------------------------------------


def _conflict_visibility(user: User, actor: Actor):
    """A user sees the conflicts of their own edits; an admin those of records in their buckets."""
    admin_buckets = [b for b, roles in actor.buckets.items() if "admin" in roles]
    return or_(
        SyncConflict.user_id == user.id,
        *[SyncConflict.buckets.contains(f",{b},", autoescape=True) for b in admin_buckets],
    )


def list_conflicts(user: User, status: str = "open", entity=None, record_id=None, page=1, per_page=50) -> dict:
    query = select(SyncConflict).where(_conflict_visibility(user, actor_for(user))).order_by(SyncConflict.id.desc())
    if status == "open":
        query = query.where(SyncConflict.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(SyncConflict.resolved_at.is_not(None))
    if entity:
        query = query.where(SyncConflict.entity == entity)
    if record_id:
        query = query.where(SyncConflict.record_id == record_id)
    result = paginate(query, page, per_page)
    result["items"] = _conflict_views(result["items"])
    return result


# Fields whose values are user ids: a conflict over one is between two people (a task's
# assignee; the other user fields are the server's own and never conflict).
USER_FIELDS = frozenset({"assignee_id"})


def _conflict_views(conflicts: list[SyncConflict]) -> list[dict]:
    """Conflict records with the names of the people they mention, one query for them all."""
    views = [_conflict_view(c) for c in conflicts]
    users = display_names(i for view in views for i in (view["user_id"], view["resolved_by_id"], *_user_values(view)))
    for view in views:
        view["user_name"] = users.get(view["user_id"])
        view["resolved_by_name"] = users.get(view["resolved_by_id"])
        view["value_names"] = {str(i): users[i] for i in _user_values(view) if i in users}
    return views


def _user_values(view: dict) -> tuple:
    if view["field"] not in USER_FIELDS:
        return ()
    return view["server_value"], view["client_value"], view["current_value"]


def _conflict_view(conflict: SyncConflict) -> dict:
    binding = bindings().get(conflict.entity)
    current = binding.load(conflict.record_id) if binding else None
    return {
        **{
            c: getattr(conflict, c)
            for c in (
                "id",
                "entity",
                "record_id",
                "field",
                "base_version",
                "server_value",
                "client_value",
                "winner",
                "rule",
                "mutation_id",
                "user_id",
                "created_at",
                "resolved_at",
                "resolved_by_id",
                "resolution",
            )
        },
        "losing_value": conflict.client_value if conflict.winner == "server" else conflict.server_value,
        "current_value": None if current is None else current.values.get(conflict.field),
        "current_version": None if current is None else current.version,
    }


def resolve_conflict(user: User, conflict_id: int, resolution: str) -> dict:
    """Keep the record as it is, or write the losing value into it (a new version)."""
    actor = actor_for(user)
    conflict = db.session.scalar(
        select(SyncConflict).where(SyncConflict.id == conflict_id, _conflict_visibility(user, actor))
    )
    if conflict is None:
        raise NotFound(_("error.not_found"))
    admin_buckets = {b for b, roles in actor.buckets.items() if "admin" in roles}
    if not admin_buckets & set(filter(None, conflict.buckets.split(","))):
        raise Forbidden(_("sync.resolve_admin_only"))
    if conflict.resolved_at is not None:
        raise ConflictError(_("sync.already_resolved"), code="already_resolved")
    touched = _write_losing_value(user, conflict) if resolution == "use_losing" else set()
    conflict.resolved_at, conflict.resolved_by_id, conflict.resolution = utcnow(), user.id, resolution
    audit(
        "sync.conflict_resolved",
        actor=user,
        conflict_id=conflict.id,
        entity=conflict.entity,
        record_id=conflict.record_id,
        field=conflict.field,
        resolution=resolution,
    )
    pokes.after_commit(touched)
    db.session.commit()
    return _conflict_views([conflict])[0]


def _write_losing_value(user: User, conflict: SyncConflict) -> set[str]:
    """Through the engine, as a resolver holding every role in the record's buckets: the admin's
    decision may set a field their own role could not edit (§7.3)."""
    engine, store = new_engine()
    current = store.get_record(conflict.entity, conflict.record_id)
    if current is None or current.deleted:
        raise ConflictError(_("sync.record_gone"), code="record_gone")
    losing = conflict.client_value if conflict.winner == "server" else conflict.server_value
    buckets = set(filter(None, conflict.buckets.split(",")))
    resolver = Actor(user.id, {b: frozenset(ROLES) for b in buckets})
    mutation = Mutation(
        f"resolve-{conflict.id}-{uuid.uuid4().hex[:8]}",
        conflict.entity,
        conflict.record_id,
        "update",
        {conflict.field: losing},
        current.version,
    )
    (result,) = engine.push(resolver, f"resolver:{user.id}", [mutation])
    if result.status == "rejected":
        raise Invalid(
            rejection_message(conflict.entity, result.error["code"]),
            {k: [translate_field_message(m) for m in v] for k, v in result.error["fields"].items()},
        )
    return store.touched


# --- housekeeping (§5.5) ----------------------------------------------------------------------


def new_epoch() -> str:
    """After a restore from backup: the restored data gets an epoch of its own, so that cursors
    and mutation bases of the lost history are told apart from the seqs handed out again (§5.5)."""
    SqlStore(bindings()).epoch()  # the sync_state row, made if missing
    epoch = uuid.uuid4().hex
    db.session.execute(update(SyncState).where(SyncState.id == 1).values(epoch=epoch))
    db.session.commit()
    return epoch


def purge(now: datetime, tombstone_days: int, result_days: int) -> dict:
    """Forget tombstones and stored mutation results older than the given ages."""
    cutoff = now - timedelta(days=tombstone_days)
    doomed = select(SyncLogEntry.seq).where(SyncLogEntry.op == "delete", SyncLogEntry.committed_at < cutoff)
    highest = db.session.scalar(select(func.max(doomed.subquery().c.seq)))
    tombstones = db.session.execute(
        delete(SyncLogEntry).where(SyncLogEntry.op == "delete", SyncLogEntry.committed_at < cutoff)
    ).rowcount
    # The emptied data row of a record whose last tombstone went: nothing of it is left in the log.
    logged = select(SyncLogEntry.seq).where(
        SyncLogEntry.entity == SyncLogData.entity, SyncLogEntry.record_id == SyncLogData.record_id
    )
    db.session.execute(delete(SyncLogData).where(SyncLogData.data.is_(None), ~logged.exists()))
    if highest is not None:
        db.session.execute(
            update(SyncState)
            .where(SyncState.id == 1, SyncState.purged_through < highest)
            .values(purged_through=highest)
        )
    results = db.session.execute(
        delete(SyncMutation).where(SyncMutation.created_at < now - timedelta(days=result_days))
    ).rowcount
    db.session.commit()
    return {"tombstones": tombstones, "purged_through": highest, "results": results}
