"""Redgrid (红格) server: create_app() assembles the Flask app from small register_* steps."""
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.config import Config, TestConfig
from server.core.edge import register_edge

__all__ = ["create_app", "Config", "TestConfig"]


def create_app(config=None) -> Flask:
    """Build the app. `config`: a Config class, a dict of overrides, or None for the environment."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config)
    register_edge(app)  # before any route: URL integers and JSON bodies are bounded (server/core/edge.py)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def load_config(app: Flask, config) -> None:
    overrides = {}
    if isinstance(config, dict):
        overrides, config = config, (TestConfig if config.get("TESTING") else Config)
    app.config.from_object((config or Config)(app.instance_path))
    app.config.update(overrides)
    if "DATABASE_URL" in overrides:
        app.config["SQLALCHEMY_DATABASE_URI"] = overrides["DATABASE_URL"]
    if app.config["PROXY_FIX"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_extensions(app: Flask) -> None:
    from server.extensions import api, compress, csrf, db, limiter, login, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login.init_app(app)
    api.init_app(app)
    compress.init_app(app)  # pulls of thousands of records travel gzip'd to slow phones
    from server.auth import loader  # noqa: F401  (registers the Flask-Login callbacks)
    from server.realtime import init_realtime

    init_realtime(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL (readers never block the writer), foreign keys on, wait instead of failing,
    and every commit on disk before it is answered."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Writers wait for each other (the sync engine serializes pushes on one row): 24 phones
        # pushing at once, each commit an fsync (synchronous=FULL), can queue past 5 s on a slow
        # disk; a push that waits is better than one answered 500.
        cursor.execute("PRAGMA busy_timeout=20000")
        # FULL, not NORMAL: with NORMAL a commit may be undone by a power cut, and a phone that
        # was told "applied" has already dropped the edit from its outbox (PROTOCOL.md §6.4).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from server.admin.routes import blp as admin_blp
    from server.alerts.routes import blp as alerts_blp
    from server.audit.routes import blp as audit_blp
    from server.auth.routes import blp as auth_blp
    from server.blobs.routes import blp as blobs_blp
    from server.extensions import api
    from server.inspections.management import blp as inspection_management_blp
    from server.inspections.management import pages as inspection_pages
    from server.inspections.routes import blp as inspections_blp
    from server.org.routes import blp as org_blp
    from server.push.routes import blp as push_blp
    from server.sync.routes import blp as sync_blp
    from server.tasks.routes import blp as tasks_blp
    from server.web.routes import register_web

    for blp in (auth_blp, org_blp, admin_blp, audit_blp, blobs_blp, sync_blp, tasks_blp, inspections_blp, inspection_management_blp, push_blp, alerts_blp):
        api.register_blueprint(blp)
    app.register_blueprint(inspection_pages)
    register_web(app)


def register_commands(app: Flask) -> None:
    from server.cli import register_cli

    register_cli(app)
