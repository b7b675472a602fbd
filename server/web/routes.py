"""Serves the PWA at / with strict security headers, and the /healthz probe.

The PWA is sent as `pwa/build.mjs` built it into pwa/dist/ (bundled, minified), never from its
sources. Text files are sent as their .br or .gz twin made at build time when the browser takes
that encoding: no compression per request. Chunks whose name carries a content hash are cached
for a year; everything else is revalidated (ETag) on every request.
"""

import mimetypes
import re
from pathlib import Path

from flask import Flask, abort, current_app, jsonify, request, send_from_directory
from sqlalchemy import text
from werkzeug.security import safe_join

from server.extensions import csrf, db, limiter

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa" / "dist"
ASSET_DIRS = ("js", "css", "icons", "i18n")
ROOT_FILES = ("sw.js", "manifest.webmanifest", "favicon.ico", "robots.txt", "third-party-licenses.txt")
# Built twins, best first: the browser's Accept-Encoding decides.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
HASHED = re.compile(r"^chunks/[\w.-]+-[A-Z0-9]{8}\.js$")
NOT_BUILT = "The PWA is not built: run `cd pwa && npm ci && npm run build` (README).\n"

# No inline script or style anywhere in the PWA, so the policy can stay this strict.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
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


def register_web(app: Flask) -> None:
    app.add_url_rule("/", "pwa_index", pwa_index)
    root_files = ",".join(f'"{n}"' for n in ROOT_FILES)
    app.add_url_rule(f"/<any({root_files}):name>", "pwa_root_file", pwa_root_file)
    app.add_url_rule(f"/<any({','.join(ASSET_DIRS)}):folder>/<path:filename>", "pwa_asset", pwa_asset)
    app.add_url_rule("/healthz", "healthz", healthz)
    csrf.exempt(healthz)
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


def pwa_index():
    """The app shell."""
    return _send(PWA_DIR, "index.html")


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
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
    return response
