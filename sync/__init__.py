"""The Redgrid offline sync protocol (`redgrid-sync/1`, see PROTOCOL.md) as a pure library:
no I/O, no Flask, no SQLAlchemy. The server binds it to its database; the reference
MemoryStore here is what every store must behave like."""

from sync._cursor import decode_cursor, encode_cursor
from sync._engine import (
    DEFAULT_PAGE,
    MAX_BATCH,
    MAX_PAGE,
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOLS,
    Engine,
    PullPage,
    Store,
    check_protocol,
)
from sync._errors import BadMutation, CursorExpired, CursorInvalid, SyncError, UnsupportedProtocol
from sync._memory import MemoryStore
from sync._merge import Merged, Rejection, Review, merge
from sync._pages import PAGE_FORMATS, group_changes, ungroup
from sync._rules import CONFLICT_RULES, Entity, Field, template_buckets
from sync._types import Actor, Conflict, LogEntry, Mutation, MutationResult, Record

__all__ = [
    "Actor",
    "BadMutation",
    "CONFLICT_RULES",
    "Conflict",
    "CursorExpired",
    "CursorInvalid",
    "DEFAULT_PAGE",
    "Engine",
    "Entity",
    "Field",
    "LogEntry",
    "MAX_BATCH",
    "MAX_PAGE",
    "MemoryStore",
    "Merged",
    "Mutation",
    "MutationResult",
    "PAGE_FORMATS",
    "PROTOCOL_VERSION",
    "PullPage",
    "Record",
    "Rejection",
    "Review",
    "SUPPORTED_PROTOCOLS",
    "Store",
    "SyncError",
    "UnsupportedProtocol",
    "check_protocol",
    "decode_cursor",
    "encode_cursor",
    "group_changes",
    "merge",
    "template_buckets",
    "ungroup",
]
