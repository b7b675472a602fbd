"""Errors of the sync protocol (PROTOCOL.md §9, "Error codes")."""


class SyncError(Exception):
    """Base of every error this library raises. `code` is the wire error code."""

    code = "sync_error"

    def __init__(self, message: str = "", **details):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details


class UnsupportedProtocol(SyncError):
    """The client speaks a protocol version this server does not (§3)."""

    code = "unsupported_protocol"


class CursorInvalid(SyncError):
    """The cursor is not one this server issued (§5.2)."""

    code = "cursor_invalid"


class CursorExpired(SyncError):
    """The cursor predates purged tombstones or a database reset: resync from scratch (§5.5)."""

    code = "cursor_expired"


class BadMutation(SyncError):
    """A mutation is malformed (missing id, unknown op …); the batch is refused (§6.1)."""

    code = "bad_mutation"
