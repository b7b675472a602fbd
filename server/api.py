"""The JSON API convention: flask-smorest blueprints, one error shape, OpenAPI at /api/openapi.json."""

import functools
import json
import math
import time

import marshmallow as ma
from flask import Response, current_app, jsonify
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from server.core.edge import Schema
from server.errors import DomainError
from server.i18n import CATALOG, _, locale_without_database, text_in, translate_field_message

STATUS_CODES = {
    400: ("bad_request", "error.bad_request"),
    401: ("unauthorized", "error.unauthorized"),
    403: ("forbidden", "error.forbidden"),
    404: ("not_found", "error.not_found"),
    405: ("method_not_allowed", "error.method_not_allowed"),
    409: ("conflict", "error.conflict"),
    413: ("too_large", "error.too_large"),
    422: ("validation", "error.validation"),
    500: ("internal", "error.internal"),
}


# Every error code the REST API answers with (besides the refusals of records, the catalog's
# "sync.rejected.<code>", which writes through the sync engine share): one list, shown in the
# OpenAPI's info (a table in `description`, the codes in `x-error-codes`). A test checks that
# every code the server can give is here or in sync/PROTOCOL.md.
ERROR_CODES = {
    "bad_request": (400, "the request is malformed"),
    "csrf": (400, "the X-CSRFToken header is missing or stale: fetch GET /api/csrf and retry once (sign-in too)"),
    "invalid_json": (400, "the body is not JSON, or nested deeper than 32"),
    "unsupported_protocol": (400, "the sync protocol version is not spoken here (PROTOCOL.md §3)"),
    "cursor_invalid": (400, "the sync cursor was not issued by this server (§5.5)"),
    "bad_range": (400, "Content-Range is malformed or does not match the body (photo upload)"),
    "unauthorized": (401, "not signed in, or the session ended"),
    "invalid_credentials": (401, "wrong phone number or password"),
    "inactive": (401, "the account is disabled"),
    "forbidden": (403, "your role may never do this"),
    "managed_elsewhere": (
        403,
        (
            "the account holds roles outside your jurisdiction: its password, "
            "name, language and state are not yours to change"
        ),
    ),
    "not_found": (404, "no such record, or outside your scope (the two are not told apart)"),
    "method_not_allowed": (405, "the path does not take this method"),
    "conflict": (409, "the request conflicts with what is stored"),
    "duplicate_role": (409, "the user holds this role with this scope already"),
    "self_admin": (409, "you cannot revoke your own admin role"),
    "same_resident": (422, "a resident entry cannot be merged with itself"),
    "already_merged": (409, "one of the two resident entries was merged into another already"),
    "phone_taken": (409, "the phone number is registered already"),
    "endpoint_taken": (409, "the push endpoint belongs to another account: moving it needs its auth secret"),
    "missing_blobs": (409, "photos the batch names are not uploaded yet: upload them, then resend (§6.2)"),
    "already_resolved": (409, "the sync conflict was resolved already"),
    "record_gone": (409, "the record was deleted: this value cannot be taken"),
    "wrong_offset": (409, "the upload continues at another byte (Upload-Offset)"),
    "wrong_total": (409, "the upload in progress has another total size"),
    "cursor_expired": (410, "the sync cursor predates purged data: pull again from the start (§5.5)"),
    "too_large": (413, "the request or the photo is too large"),
    "too_many_pixels": (413, "the photo has too many pixels"),
    "unsupported_type": (415, "only JPEG, PNG and WebP photos are taken"),
    "storage_full": (
        507,
        "the server's disk is full: nothing was kept; keep the photo and upload again after Retry-After",
    ),
    "validation": (422, "some fields are invalid: `fields` says which, in the user's language"),
    "bad_mutation": (422, "a sync mutation is malformed (§6.1)"),
    "hash_mismatch": (422, "the bytes do not match the SHA-256 of the path: upload again from 0"),
    "bad_image": (422, "the photo is damaged or incomplete"),
    "target_missing": (422, "the task's target does not exist or is outside your scope"),
    "target_no_grid": (422, "the task's target lies in no grid"),
    "report_converted": (422, "the field report became a task already"),
    "compound_missing": (422, "the compound does not exist or is outside your scope"),
    "not_steward_of_compound": (422, "the steward is not a red steward of the compound"),
    "plan_exists": (422, "the compound has an active plan for this template already"),
    "draw_too_many": (422, "the spot check asks for more compounds than there are"),
    "template_unknown": (422, "no inspection template with this code"),
    "template_unpublished": (422, "the inspection template is not published"),
    "template_code_taken": (422, "an inspection template has this code already"),
    "template_not_draft": (422, "only a draft inspection template can change"),
    "template_frozen": (422, "the inspection template is in use: edit a new version"),
    "template_retired": (422, "the inspection template is retired"),
    "round_exists": (422, "the community has an open evaluation round for that year already"),
    "no_subjects": (422, "no unit or member reports to the community: there is nobody to evaluate"),
    "round_closed": (422, "the evaluation round is closed already"),
    # Joining a household (PROTOCOL.md §19)
    "grid_workers_only": (403, "only grid workers hold invitation keys"),
    "deciders_only": (403, "only grid workers and admins handle join requests"),
    "already_bound": (409, "the account belongs to a household already: leave it first"),
    "request_pending": (409, "the account has a join request waiting already"),
    "request_decided": (409, "the join request was approved, rejected or withdrawn already"),
    "wrong_password": (422, "the current password is wrong"),
    # Forgot password without SMS (PROTOCOL.md §19.5)
    "reset_code_invalid": (422, "wrong password reset code or number, or the code met 5 wrong tries"),
    "reset_code_expired": (422, "the password reset code is past its 30 minutes"),
    "reset_code_used": (422, "the password reset code was used, or a newer one replaced it"),
    "invite_invalid": (422, "not an invitation, or not signed by the current key of a grid worker of the household"),
    "invite_expired": (422, "the invitation is past its hour (72 h)"),
    "invite_used": (422, "the invitation was redeemed already"),
    "no_compound": (422, "no such compound"),
    "household_not_yours": (422, "the household is not in your directory"),
    "household_elsewhere": (422, "the household is not in the compound the join request names"),
    "code_unknown": (422, "双报到: no such report code (§17.4)"),
    "code_expired": (422, "双报到: the report code has expired"),
    "code_used_up": (422, "双报到: the report code was used as often as it may be"),
    "code_revoked": (422, "双报到: the community revoked the report code (or its unit left)"),
    "already_reported": (422, "双报到: you reported to this community already"),
    "unit_required": (422, "双报到: a unit code needs the unit's details"),
    "unit_code_names_unit": (422, "双报到: a unit code names no unit"),
    "unit_not_in_community": (422, "双报到: the unit reports to another community"),
    "grid_not_in_community": (422, "双报到: a grid is not the community's"),
    "secretary_only": (403, "双报到: only the unit's secretary (or an admin) may do this"),
    "last_secretary": (422, "双报到: a unit keeps at least one secretary"),
    "period_order": (422, "the end date is before the start date"),
    "period_too_long": (422, "双报告: a report covers at most 366 days"),
    "report_subject": (422, "双报告: name one member or one unit"),
    "export_too_large": (422, "an export has more rows than EXPORT_MAX_ROWS (100,000): narrow the filters (§24)"),
    # Matching (PROTOCOL.md §21)
    "need_matched": (409, "供需对接: the need has a service project already"),
    "need_not_open": (422, "供需对接: not an open need of the community"),
    "resource_not_in_community": (422, "供需对接: not a resource of an active unit of the community"),
    # Bulk import (PROTOCOL.md §23)
    "import_unreadable": (422, "import: the file is neither a workbook nor text in UTF-8 or GB18030"),
    "import_too_many_rows": (422, "import: more than 100,000 data rows"),
    "import_empty": (422, "import: the file has no data rows"),
    "import_has_errors": (422, "import: rows have errors (the preview lists them); nothing was written"),
    "import_conflict": (409, "import: the data changed while importing; preview again"),
    # Managing the org tree and places (PROTOCOL.md §25)
    "outside_jurisdiction": (403, "org: the unit or place is outside your jurisdiction (or is its top)"),
    "company_spans": (403, "org: the company manages compounds outside your jurisdiction"),
    "wrong_parent_kind": (
        422,
        "org: the parent is not of the kind just above (city, district, street, community, grid)",
    ),
    "unit_merged": (422, "org: the grid was merged into another"),
    "merge_grids_only": (422, "org: only a grid merges, into a grid of the same community"),
    "merge_self": (422, "org: a grid cannot merge into itself"),
    "code_taken": (422, "org: another unit has this code"),
    "name_taken": (422, "org: a unit of this name is under the same parent"),
    "covered_elsewhere": (422, "org: another grid covers the place: send move=true to move it"),
    "already_covered": (422, "org: the grid covers the place already"),
    "place_outside_community": (422, "org: a grid covers only places of its own community"),
    "compound_not_empty": (422, "org: the compound has buildings"),
    "building_not_empty": (422, "org: the building has households"),
    "household_not_empty": (422, "org: residents are registered in the household"),
    "household_has_accounts": (422, "org: accounts hold the resident role on the household"),
    "building_name_taken": (422, "org: the compound has a building of this name"),
    "household_taken": (422, "org: the building has this unit and room"),
    "company_in_use": (422, "org: the company manages compounds"),
    "company_name_taken": (422, "org: a company has this name"),
    "credit_code_taken": (422, "org: a company has this unified social credit code"),
    "compound_covered": (422, "org: a grid covers the compound: take it out before changing its community"),
    "community_required": (422, "org: no such community in your jurisdiction"),
    "term_order": (422, "org: the committee's term ends before it was established"),
    "place_in_use": (422, "org: tasks, needs or other records name the place"),
    "throttled": (429, "too many requests: wait the seconds of the Retry-After header"),
    "internal": (500, "the server failed; try again later"),
    "database_unavailable": (
        503,
        "the database cannot be reached now (a restart, a lost connection): nothing was done; retry after Retry-After",
    ),
    "server_busy": (
        503,
        "every database connection of the server is busy (overload): nothing was done; retry after Retry-After",
    ),
    "error": (0, "any other HTTP error status"),
}


def error_codes_info() -> dict:
    """The OpenAPI info's part about errors: the shape, the table of codes, the codes as a list."""
    rows = [f"| {status or ''} | `{code}` | {meaning} |" for code, (status, meaning) in ERROR_CODES.items()]
    refusals = refusal_texts()
    rows += [f"| 422 | `{code}` | {text} |" for code, text in refusals.items()]
    description = "\n".join(
        [
            'Every error answers `{"error": {"code", "message", "fields"}}`: `code` for programs, `message` for a',
            "person in the user's language, `fields` a message list per field. State-changing requests, sign-in",
            "included, need the `X-CSRFToken` header (GET /api/csrf). Instants are UTC with milliseconds and `Z`.",
            "",
            "| HTTP | code | meaning |",
            "|---|---|---|",
            *rows,
        ]
    )
    return {"description": description, "x-error-codes": [*ERROR_CODES, *refusals]}


def refusal_texts() -> dict[str, str]:
    """The codes a record's refusal can carry (a rejected mutation, a REST write through the
    engine), each with its English text: catalog keys `sync.rejected.<code>` and, in an entity's
    own words, `sync.rejected.<entity>.<code>` (the first entity's text stands for the code)."""
    texts: dict[str, str] = {}
    for key, text in sorted(CATALOG["en"].items()):
        if key.startswith("sync.rejected."):
            code = key.rsplit(".", 1)[-1]
            if key.count(".") == 2 or code not in texts:
                texts[code] = text
    return dict(sorted(texts.items()))


class ErrorBodySchema(Schema):
    code = ma.fields.String(required=True, metadata={"description": "machine-readable error code"})
    message = ma.fields.String(required=True, metadata={"description": "message for a person, localized"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={"description": "per-field messages: {field: [message, ...]}, nested for nested input"},
    )


class ErrorSchema(Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


def error_response(status: int, code: str, message: str, fields: dict | None = None, headers=None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _translate(messages):
    """Translate marshmallow/webargs messages, keeping their nesting."""
    if isinstance(messages, dict):
        return {str(key): _translate(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_translate(m) for m in messages]
    return translate_field_message(str(messages))


def _fields_from_webargs(data) -> tuple[dict, bool]:
    """Flatten webargs' {"json": {...}, "query": {...}} into one fields dict."""
    fields, invalid_json = {}, False
    for location, messages in (data or {}).get("messages", {}).items():
        if isinstance(messages, dict):
            fields.update(_translate(messages))
        else:  # e.g. {"json": ["Invalid JSON body."]}
            invalid_json = invalid_json or location == "json"
            fields.setdefault("_schema", []).extend(_translate(messages))
    return fields, invalid_json


# The error answers an operation may give, by what the operation is (server/core/edge.py's
# Blueprint notes it): documented on each, so that an answer outside its list is a bug.
_CSRF = "`csrf`: the X-CSRFToken header (from GET /api/csrf, or the sign-in answer) is missing or stale"
COMMON_ERRORS = (
    (
        "changes",
        400,
        f"`bad_request` (as for a read, below); {_CSRF}; `invalid_json`: the body is not JSON, or nested too deeply",
    ),
    (
        "reads",
        400,
        "`bad_request`: a request that cannot be read (malformed HTTP; behind the proxy, also a NUL in the path"
        " or a URI or header beyond its buffers: PROTOCOL.md §9)",
    ),
    ("changes", 422, "`validation` (and the domain's codes): the input breaks a rule; `fields` says where"),
    ("signed_in", 401, "`unauthorized`: sign in first (POST /api/auth/login)"),
    ("signed_in", 403, "`forbidden` (and the domain's codes): your role may never do this"),
    (
        "names_a_record",
        404,
        "`not_found`: a record the request names does not exist, or is outside your scope (the two are not told apart)",
    ),
    ("throttled", 429, "`throttled`: too many requests; the Retry-After header says how many seconds to wait"),
    (
        "changes",
        503,
        "`database_unavailable`: the database cannot be reached now; `server_busy`: every database connection"
        " is busy (overload). Nothing was done in either case. Retry after Retry-After seconds",
    ),
)


def document_errors(doc, doc_info, *, api, method, **kwargs):
    """A flask-smorest doc callback: add the common error answers to an operation's responses
    (a route's own @blp.alt_response for the same status wins)."""
    facts = dict(doc_info.get("edge") or {})
    facts["changes"] = method in ("post", "put", "patch", "delete")
    facts["reads"] = not facts["changes"]
    # A record is named by the path, or by an id in the query or the body (a scope filter).
    facts["names_a_record"] = facts.get("signed_in") and (
        facts.get("names_a_record") or bool(doc_info.get("arguments"))
    )
    responses = doc_info.setdefault("response", {}).setdefault("responses", {})
    for fact, status, description in COMMON_ERRORS:
        if facts.get(fact) and status not in responses and str(status) not in responses:
            responses[status] = [{"description": description, "schema": api.ERROR_SCHEMA, "content_type": None}]
    return doc


class RedgridApi(Api):
    """flask-smorest's Api with Redgrid's error shape; each operation documents the error
    statuses it can answer (no catch-all `default`)."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def __init__(self, app=None, *, spec_kwargs=None, **kwargs):
        super().__init__(app, spec_kwargs={"info": error_codes_info(), **(spec_kwargs or {})}, **kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        if document_errors not in blp._prepare_doc_cbks:
            blp._prepare_doc_cbks.insert(0, document_errors)
        super().register_blueprint(blp, parameters=parameters, **options)

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, _never_failing(self.handle_http_exception))
        self._app.register_error_handler(DomainError, _never_failing(self.handle_domain_error))
        for lost in (OperationalError, InterfaceError):
            self._app.register_error_handler(lost, _never_failing(self.handle_database_unavailable))
        self._app.register_error_handler(PoolTimeout, _never_failing(self.handle_server_busy))

    def handle_database_unavailable(self, error):
        """The database did not answer (PostgreSQL restarting, a connection cut, SQLite busy past
        its timeout): the transaction is gone, nothing was committed. 503 with Retry-After, never
        a 500: the phone keeps its outbox and sends the same batch again (PROTOCOL.md §9)."""
        current_app.logger.warning("database unavailable: %s", str(error).splitlines()[0][:300])
        message = text_in(
            locale_without_database(), "error.database_unavailable"
        )  # no query: the user may not be loaded
        session = current_app.extensions["sqlalchemy"].session  # server.extensions imports this module
        try:
            session.rollback()
        except Exception:  # noqa: BLE001  the connection is gone; the pool drops it
            session.close()
        headers = {"Retry-After": str(DATABASE_RETRY_SECONDS)}
        return error_response(503, "database_unavailable", message, None, headers)

    def handle_server_busy(self, _error):
        """No database connection came free within the pool's timeout (REDGRID_DB_POOL_TIMEOUT):
        the process is overloaded. Nothing was done (no connection, no query); 503 server_busy
        with Retry-After, so that phones back off instead of adding to the queue."""
        current_app.logger.warning("server busy: no database connection free within the pool's timeout")
        message = text_in(locale_without_database(), "error.server_busy")
        headers = {"Retry-After": str(BUSY_RETRY_SECONDS)}
        return error_response(503, "server_busy", message, None, headers)

    def handle_domain_error(self, error: DomainError):
        return error_response(error.status, error.code, error.message, error.fields, error.headers)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        code, key = STATUS_CODES.get(status, ("error", "error.bad_request"))
        message = _(key)
        data = getattr(error, "data", None) or {}
        fields, invalid_json = _fields_from_webargs(data)
        headers = dict(data.get("headers") or {})
        if isinstance(error, CSRFError):
            code, message = "csrf", _("error.csrf")
        elif status == 429:
            seconds = _retry_after_seconds(error)
            code, message = "throttled", _(_throttled_key(error), seconds=seconds)
            headers["Retry-After"] = str(seconds)
        elif invalid_json:
            code, message = "invalid_json", _("error.invalid_json")
        if status == 500:
            fields = {}  # never leak internals
        return error_response(status, code, message, fields, headers)


def _never_failing(handler):
    """An error handler that cannot itself fail into Flask's HTML page: whatever goes wrong while
    it answers (a message that will not translate, a value that will not serialize), the client
    still gets the error shape, as a 500."""

    @functools.wraps(handler)
    def guarded(error):
        try:
            return handler(error)
        except Exception:
            current_app.logger.exception("the error handler failed while answering %r", error)
            try:
                message = _("error.internal")
            except Exception:
                message = CATALOG_FALLBACK_INTERNAL
            body = {"error": {"code": "internal", "message": message, "fields": {}}}
            return Response(json.dumps(body, ensure_ascii=False), status=500, mimetype="application/json")

    return guarded


DATABASE_RETRY_SECONDS = 5  # a PostgreSQL restart takes a few seconds
BUSY_RETRY_SECONDS = 10  # an overloaded process: the phones' own backoff spreads them out after it
CATALOG_FALLBACK_INTERNAL = "服务器出错了，请稍后再试。"  # when even the catalog fails


def _throttled_key(error) -> str:
    """The catalog key of a 429's message: the exceeded limit's own (limiter.limit(error_message=
    "…")), else the sign-in one."""
    return getattr(getattr(error, "limit", None), "error_message", None) or "error.throttled"


def _retry_after_seconds(error) -> int:
    """Seconds until the exceeded limit's window resets."""
    for limiter in current_app.extensions.get("limiter", ()):  # Flask-Limiter keeps itself there
        current = limiter.current_limit
        if current is not None:
            return max(1, math.ceil(current.reset_at - time.time()))
    return 60


class PageArgsSchema(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


def page_of(item_schema):
    """An envelope schema {items, page, per_page, total} around `item_schema`."""
    return type(
        f"{item_schema.__name__.removesuffix('Schema')}PageSchema",
        (Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(item_schema)),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
            "total": ma.fields.Integer(),
        },
    )
