"""Domain errors raised by services; the API turns them into the one error shape.

{"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}
"""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None, code: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}  # extra response headers, e.g. Upload-Offset
        if code:
            self.code = code


class Invalid(DomainError):
    """The input is well-formed but breaks a rule (HTTP 422)."""

    status = 422
    code = "validation"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    """The caller's role may never do this (HTTP 403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Missing, or outside the caller's scope: we do not reveal which (HTTP 404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class StorageFull(DomainError):
    """The server's disk cannot take it now; nothing was kept. The client keeps its copy and
    tries again later (HTTP 507, with Retry-After)."""

    status = 507
    code = "storage_full"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_type"
