"""Serves the PWA at / with strict security headers, the plain sign-in form's POST /signin, and
the /healthz probe.

The PWA is sent as `pwa/build.mjs` built it into pwa/dist/ (bundled, minified), never from its
sources. Text files are sent as their .br or .gz twin made at build time when the browser takes
that encoding: no compression per request. Chunks whose name carries a content hash are cached
for a year; everything else is revalidated (ETag) on every request.

The page itself (index.html) is filled in per request (issue 15, the first open on a bad
network): the session's CSRF token (a <meta> the app reads, so signing in needs no round trip
for it, and the hidden field of the sign-in form written into the page, which works as a plain
form post before any script has arrived), the sign-in form left out when the session is live
(the app opens into home without a flash of it), and the error of a plain sign-in that failed.
It is never cached by HTTP (the service worker keeps its own copy for offline opens).
"""

import mimetypes
import re
from pathlib import Path

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, send_from_directory, session
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from markupsafe import escape
from sqlalchemy import text
from werkzeug.security import safe_join
from wtforms import ValidationError

from server.auth import service as auth_service
from server.auth.schemas import LoginSchema
from server.errors import DomainError
from server.extensions import csrf, db, limiter
from server.i18n import _

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa" / "dist"
ASSET_DIRS = ("js", "css", "icons", "i18n")
ROOT_FILES = ("sw.js", "manifest.webmanifest", "favicon.ico", "robots.txt", "third-party-licenses.txt")
# Built twins, best first: the browser's Accept-Encoding decides.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
HASHED = re.compile(r"^chunks/[\w.-]+-[A-Z0-9]{8}\.js$")
NOT_BUILT = "The PWA is not built: run `cd pwa && npm ci && npm run build` (README).\n"

# No inline script or style anywhere in the PWA, so the policy can stay this strict. {tiles}: the
# tile server's origin when maps are configured (REDGRID_TILE_URL), else nothing.
CSP_TEMPLATE = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:{tiles}",
        "connect-src 'self' ws: wss:",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CSP = CSP_TEMPLATE.format(tiles="")


def tile_origin(url: str | None) -> str | None:
    """The origin the tiles come from, for the CSP: {s} (a, b, c subdomains) becomes *."""
    if not url:
        return None
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].split("?", 1)[0]
    return f"{scheme}://{host.replace('{s}', '*')}"


def content_security_policy() -> str:
    """The policy, with the tile server's origin among the image sources when there is one."""
    origin = tile_origin(current_app.config.get("TILE_URL"))
    return CSP_TEMPLATE.format(tiles=f" {origin}" if origin else "")


def register_web(app: Flask) -> None:
    app.add_url_rule("/", "pwa_index", pwa_index)
    app.add_url_rule(
        "/signin",
        "signin_form",
        limiter.limit(_login_limit)(limiter.limit(_login_limit, key_func=_form_phone_key)(signin_form)),
        methods=["POST"],
    )
    root_files = ",".join(f'"{n}"' for n in ROOT_FILES)
    app.add_url_rule(f"/<any({root_files}):name>", "pwa_root_file", pwa_root_file)
    app.add_url_rule(f"/<any({','.join(ASSET_DIRS)}):folder>/<path:filename>", "pwa_asset", pwa_asset)
    app.add_url_rule("/healthz", "healthz", healthz)
    csrf.exempt(healthz)
    csrf.exempt(signin_form)  # checked by the view itself: a stale page gets words, not a JSON error
    limiter.exempt(healthz)
    app.after_request(security_headers)


def _send(folder: Path, filename: str, immutable: bool = False):
    if not PWA_DIR.is_dir():
        return NOT_BUILT, 503, {"Content-Type": "text/plain; charset=utf-8"}
    path = safe_join(str(folder), filename)
    if path is None:
        abort(404)
    accepted = request.accept_encodings
    for encoding, suffix in ENCODINGS:
        if accepted[encoding] and Path(path + suffix).is_file():
            # The type of what was compressed, not of a .br/.gz file.
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            response = send_from_directory(folder, filename + suffix, max_age=0, mimetype=mimetype)
            response.headers["Content-Encoding"] = encoding
            break
    else:
        response = send_from_directory(folder, filename, max_age=0)
    response.vary.add("Accept-Encoding")
    # Revalidate every time (ETag makes it cheap); offline copies live in the service worker.
    # A chunk named by its content's hash never changes: a year, and no revalidation.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable" if immutable else "no-cache"
    return response


# What the page's placeholders are (pwa/index.html): filled in, or left out, per request.
CSRF_META = '<meta name="csrf-token" content="">'
CSRF_FIELD = '<input type="hidden" name="csrf_token" value="">'
SIGNIN_BLOCK = re.compile(r"<!-- signin:start -->.*?<!-- signin:end -->", re.S)
SIGNIN_ERROR = '<p class="alert" role="alert" data-testid="signin-error" id="signin-error"></p>'
SIGNIN_ERRORS = {  # ?signin_error=<code> after a plain sign-in failed: the catalog's words
    "invalid_credentials": "auth.invalid_credentials",
    "inactive": "auth.inactive",
    "validation": "auth.invalid_credentials",
    "csrf": "error.csrf",
}
_page: dict = {}


def _index_source() -> str | None:
    path = PWA_DIR / "index.html"
    if not path.is_file():
        return None
    stamp = path.stat().st_mtime_ns
    if _page.get("stamp") != stamp:
        _page.update(stamp=stamp, text=path.read_text(encoding="utf-8"))
    return _page["text"]


def pwa_index():
    """The app shell, filled in for this request (see the module's docstring)."""
    page = _index_source()
    if page is None:
        return NOT_BUILT, 503, {"Content-Type": "text/plain; charset=utf-8"}
    token = str(escape(generate_csrf()))
    page = page.replace(CSRF_META, CSRF_META.replace('content=""', f'content="{token}"'))
    if current_user.is_authenticated:
        page = SIGNIN_BLOCK.sub("", page)  # the app opens into home: no form to flash first
    else:
        page = page.replace(CSRF_FIELD, CSRF_FIELD.replace('value=""', f'value="{token}"'))
        key = SIGNIN_ERRORS.get(request.args.get("signin_error", ""))
        if key:
            page = page.replace(SIGNIN_ERROR, SIGNIN_ERROR.replace("></p>", f">{escape(_(key))}</p>"))
    response = Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # a token and the session's state: never cached
    response.vary.add("Cookie")
    return response


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _form_phone_key() -> str:
    return f"login-phone:{request.form.get('phone', '')[:32]}"


def signin_form():
    """The sign-in form of index.html posted as a plain form (the app's scripts not there yet):
    the same checks as POST /api/auth/login, then back to the app — signed in, or with the error
    in the page (?signin_error=<code>)."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:  # a page kept too long: back to a fresh one, in words
        return redirect("/?signin_error=csrf", code=303)
    data = {"phone": request.form.get("phone", ""), "password": request.form.get("password", "")}
    errors = LoginSchema().validate(data)
    if errors:
        return redirect("/?signin_error=validation", code=303)
    credentials = LoginSchema().load(data)
    try:
        user = auth_service.sign_in(
            credentials["phone"], credentials["password"], request.remote_addr, request.user_agent.string
        )
    except DomainError as err:
        return redirect(f"/?signin_error={err.code}", code=303)
    session.permanent = True
    login_user(user)
    return redirect("/", code=303)


def pwa_root_file(name: str):
    """sw.js (scope /), the web app manifest and other root files."""
    response = _send(PWA_DIR, name)
    if name == "manifest.webmanifest":
        response.mimetype = "application/manifest+json"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response


def pwa_asset(folder: str, filename: str):
    """Static files of the PWA (bundled modules and their source maps, styles, icons, catalogs)."""
    if filename.endswith((".br", ".gz")):
        abort(404)  # sent only as the encoding of the file they compress
    return _send(PWA_DIR / folder, filename, immutable=folder == "js" and bool(HASHED.match(filename)))


def healthz():
    """Health check: the process answers and the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  any database failure means unhealthy
        return jsonify({"status": "error", "database": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"})


# Behind TLS (secure cookies on), browsers must never try plain http for a year: a session
# cookie stripped of Secure by a downgrade would otherwise travel in clear (RFC 6797).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response):
    """Headers on every response: no caching of personal data, CSP, and HSTS behind TLS."""
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")  # personal data: never in shared caches
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    return response
