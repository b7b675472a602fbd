"""The app factory, its configuration and what every response carries."""

import os

import pytest
from sqlalchemy import text

from server import create_app
from server.extensions import db as _db
from tests.pwa_build import shell_lists


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/wal.sqlite3"})
    with app.app_context():
        assert _db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert _db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        _db.session.remove()
        _db.engine.dispose()


def test_foreign_keys_are_enforced(db):
    from sqlalchemy.exc import IntegrityError

    from server.org.models import Building

    db.session.add(Building(compound_id=424242, name="1号楼"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/a.sqlite3")
    first = create_app()
    key_file = os.path.join(first.instance_path, "secret_key")
    monkeypatch.chdir(tmp_path)
    assert len(first.config["SECRET_KEY"]) >= 32
    assert os.stat(key_file).st_mode & 0o077 == 0, "the key file is readable by its owner only"
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_database_url_defaults_to_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/redgrid.sqlite3"
    assert app.config["REDIS_URL"] in (None, os.environ.get("REDIS_URL"))


def test_locale_setting_picks_the_default_language(world, app, client):
    app.config["REDGRID_LOCALE"] = "en"
    response = client.get("/api/me")  # no Accept-Language: the deployment's language
    assert response.get_json()["error"]["message"] == "Please sign in first."
    assert (
        client.get("/api/me", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_json()["error"]["message"]
        == "请先登录。"
    )


def test_healthz_checks_the_database(app, client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    broken = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"


def test_every_response_carries_a_strict_content_security_policy(client):
    for url in ("/", "/api/csrf", "/healthz"):
        with client.get(url) as response:
            csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp


def test_pwa_shell_is_served_at_the_root(client):
    with client.get("/") as index:
        assert index.status_code == 200 and b'lang="zh-CN"' in index.data
        assert b"<script>" not in index.data, "no inline scripts"
    with client.get("/sw.js") as sw:
        assert sw.headers["Cache-Control"] == "no-cache"
        assert sw.mimetype in ("text/javascript", "application/javascript")
    with client.get("/manifest.webmanifest") as manifest:
        assert manifest.mimetype == "application/manifest+json"
        assert manifest.get_json()["display"] == "standalone"
    with client.get("/js/../../server/config.py") as escape:
        assert escape.status_code == 404


def test_the_built_shell_is_sent_precompressed_as_the_browser_accepts(client):
    lists = shell_lists()
    chunk = next(url for url in lists["SHELL_FILES"] if url.startswith("/js/chunks/"))
    with client.get("/js/app.js") as plain:
        body = plain.data
        assert plain.headers.get("Content-Encoding") is None and b"import" in body
        assert plain.headers["Cache-Control"] == "no-cache" and "Accept-Encoding" in plain.headers["Vary"]
    with client.get("/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"}) as br:
        import brotli

        assert br.headers["Content-Encoding"] == "br" and br.mimetype == "text/javascript"
        assert brotli.decompress(br.data) == body and len(br.data) < len(body) / 2
    with client.get("/js/app.js", headers={"Accept-Encoding": "gzip"}) as gz:
        import gzip

        assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == body
    with client.get(chunk, headers={"Accept-Encoding": "gzip"}) as hashed:
        assert hashed.status_code == 200 and "immutable" in hashed.headers["Cache-Control"]
    with client.get("/js/app.js.br") as twin:
        assert twin.status_code == 404, "a compressed twin is only ever an encoding"
    with client.get("/i18n/en.json", headers={"Accept-Encoding": "br"}) as catalog:
        assert catalog.mimetype == "application/json" and catalog.headers["Content-Encoding"] == "br"


def test_the_service_worker_precaches_the_shell_and_not_the_admin_screens():
    lists = shell_lists()
    shell, lazy = lists["SHELL_FILES"], lists["LAZY_FILES"]
    for url in ("/", "/js/app.js", "/css/app.css", "/i18n/en.json", "/manifest.webmanifest", "/icons/favicon-32.png"):
        assert url in shell
    assert lazy and not set(lazy) & set(shell)
    # The manifest's icons are fetched by the browser when installing; no page needs them offline.
    assert "/icons/icon-512.png" not in shell and "/icons/icon-maskable-512.png" not in shell
    assert any("admin-tasks" in url for url in lazy) and not any("admin-tasks" in url for url in shell)


def test_hsts_is_sent_on_every_response_when_cookies_are_secure(app, client):
    for url in ("/api/csrf", "/healthz", "/api/no-such-route", "/api/me"):
        assert "Strict-Transport-Security" not in client.get(url).headers, url  # plain http: a browser would ignore it
    app.config["SESSION_COOKIE_SECURE"] = True
    for url in ("/api/csrf", "/healthz", "/api/no-such-route", "/api/me"):
        hsts = client.get(url, base_url="https://localhost").headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=") and int(hsts.split(";")[0].split("=")[1]) >= 31536000, url
