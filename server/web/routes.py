"""Serves the PWA at / with strict security headers, and the /healthz probe."""
from pathlib import Path

from flask import Flask, abort, jsonify, request, send_from_directory
from sqlalchemy import text

from server.extensions import csrf, db, limiter

PWA_DIR = Path(__file__).resolve().parent.parent.parent / "pwa"
ASSET_DIRS = ("js", "css", "icons", "i18n", "vendor")
ROOT_FILES = ("sw.js", "manifest.webmanifest", "favicon.ico", "robots.txt")

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
    app.add_url_rule("/<any(%s):name>" % ",".join(f'"{n}"' for n in ROOT_FILES), "pwa_root_file", pwa_root_file)
    app.add_url_rule("/<any(%s):folder>/<path:filename>" % ",".join(ASSET_DIRS), "pwa_asset", pwa_asset)
    app.add_url_rule("/healthz", "healthz", healthz)
    csrf.exempt(healthz)
    limiter.exempt(healthz)
    app.after_request(security_headers)


def _send(folder: Path, filename: str):
    response = send_from_directory(folder, filename, max_age=0)
    # Revalidate every time (ETag makes it cheap); offline copies live in the service worker.
    response.headers["Cache-Control"] = "no-cache"
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
    """Static files of the PWA (modules, styles, icons, catalogs, npm-built vendor code)."""
    if filename.endswith((".map",)) and folder != "vendor":
        abort(404)
    return _send(PWA_DIR / folder, filename)


def healthz():
    """Health check: the process answers and the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  any database failure means unhealthy
        return jsonify({"status": "error", "database": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"})


def security_headers(response):
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")  # personal data: never in shared caches
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Permissions-Policy", "geolocation=(self), camera=(self), microphone=()"
    )
    return response
