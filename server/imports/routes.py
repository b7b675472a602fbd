"""Bulk import of households, residents and users (admins, inside their jurisdiction)."""

import io

from flask import request, send_file
from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.core.xlsx import XLSX
from server.imports import service
from server.imports.schemas import ImportFileSchema, ImportPreviewSchema, ImportResultSchema, TemplateArgsSchema

blp = Blueprint("imports", __name__, url_prefix="/api/admin/imports", description="Bulk import (admins)")

BINARY = {"type": "string", "format": "binary"}
KIND = "<any(households, residents, users):kind>"


def _upload(files):
    """The file's name and bytes (the request's size is bounded before the form is parsed)."""
    upload = files["file"]
    return upload.filename or "", upload.read(service.MAX_BYTES + 1)


def bound_uploads(app) -> None:
    """Bound the body of an import before anything reads it: the CSRF check (an app-wide hook run
    before the blueprint's) parses a multipart form to look for its token there, so the limit is
    set by a hook placed first; beyond it, 413 too_large before the file is read."""

    def bound():
        if request.path.startswith(blp.url_prefix + "/"):
            request.max_content_length = service.MAX_BYTES + 64 * 1024  # the form's own bytes besides the file

    app.before_request_funcs.setdefault(None, []).insert(0, bound)


@blp.route(f"/{KIND}/template", methods=["GET"])
@login_required
@blp.arguments(TemplateArgsSchema, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "The template: a workbook (format=xlsx) or UTF-8 text with a BOM (format=csv)",
            "content": {XLSX: {"schema": BINARY}, "text/csv": {"schema": BINARY}},
        }
    }
)
def template(args, kind):
    """The template of an import: the header row in your language and one example row
    (`format`: xlsx, the default, or csv in UTF-8 with a BOM). Admins only (403)."""
    body, mimetype, name = service.template(current_user, kind, args["format"])
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    # send_file names it as RFC 6266 wants: filename*=UTF-8''… beside an ASCII fallback (a raw
    # Chinese name is no valid header value: gunicorn refused the answer with a 500).
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route(f"/{KIND}/preview", methods=["POST"])
@login_required
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportPreviewSchema)
@blp.alt_response(413, schema=ErrorSchema, description="`too_large`: over 16 MiB")
@blp.alt_response(415, schema=ErrorSchema, description="`unsupported_type`: neither .xlsx nor .csv")
def preview(files, kind):
    """Read a file and say what importing it would do, row by row; nothing is written.

    `kind`: households, residents or users (PROTOCOL.md §23). Each row is checked as the commit
    would; `errors` lists each wrong cell with its row, column, code and a message in your
    language; `counts` says how many rows would create, update or leave unchanged a record.
    Rows outside your jurisdiction are errors (`outside_jurisdiction`). Admins only (403).
    413 `too_large`, 415 `unsupported_type`, 422 `import_unreadable`, `import_too_many_rows`,
    `import_empty`."""
    return service.preview(current_user, kind, *_upload(files))


@blp.route(f"/{KIND}/commit", methods=["POST"])
@login_required
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`import_conflict`: the data changed meanwhile; preview again")
@blp.alt_response(413, schema=ErrorSchema, description="`too_large`: over 16 MiB")
@blp.alt_response(415, schema=ErrorSchema, description="`unsupported_type`: neither .xlsx nor .csv")
def commit(files, kind):
    """Import a file: every row in one transaction, or nothing.

    Send the file the preview read. It is checked again; any row error answers 422
    `import_has_errors` and nothing is written. Rows are matched by natural keys, so the same
    file twice changes nothing the second time (counts: all unchanged). Audited (import.commit,
    and user.create and role.grant for accounts); phones keeping a changed grid directory are
    poked. Admins only (403). 409 `import_conflict`, 413 `too_large`, 415 `unsupported_type`,
    422 `import_unreadable`, `import_too_many_rows`, `import_empty`, `import_has_errors`."""
    return service.commit(current_user, kind, *_upload(files))
