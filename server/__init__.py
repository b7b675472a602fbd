"""Redgrid (红格) server: create_app() assembles the Flask app from small register_* steps.

How the server is built, lowest layer first. A module imports only from its own package and
from lower layers; inside the core, identity, sync and assembly layers packages may import each other;
domains never import each other. Nothing imports in circles, and nothing imports inside a
function to get round a circle. tests/server/test_imports.py reads every import and holds the
code to this.

  core      server.core (edge, clock, fields, pages, after_commit, pokes, periodic, parts, observability),
            extensions, errors, api, i18n — what every part uses and no part owns
  identity  auth, org, audit, authz — who and where: accounts and sessions, the org tree and
            its places, the audit log, scopes ("may this user see / do this")
  sync      sync (the engine's server side: actors, review helpers, writer, pull and push),
            blobs (photos), realtime (Socket.IO rooms)
  push      Web Push to devices
  notices   the one notification service: notify(), the synced inbox, deliveries, fan-out
  ledger    the service record: the hours each person served and what for (activities, wishes),
            credited by the domains, read by reports and the December evaluation; and the
            vocabularies the domains share (ledger/vocab.py: skills, weekly times)
  domains   tasks, inspections, alerts, wishes, join, members, activities, evaluation, admin, imports, reports,
            web — the features; a domain reaches another only through the notification service below it (the
            monthly report, reports, prints the sections the others bring: Part.monthly, core/monthly.py;
            so do the dashboards: Part.dashboard, core/dashboard.py)
  assembly  this module (create_app), config, cli, console, serving (`redgrid serve`), demo, client_constants (the
            limits and vocabularies the PWA reads, exported to pwa/generated/constants.json)

A part plugs in at assembly, not by being imported: its package has a part.py declaring what
it brings (server/core/parts.py: blueprints, catalogs, synced entities, visibility, actions,
photo readers, fan-out and periodic jobs, commands, init), and PARTS below lists it. A new
domain, say residents, is a package beside tasks with models, schemas, service, routes,
messages and a part.py holding PART = Part("residents", blueprints=(routes.blp,),
catalogs=(messages.entries,), …); adding "residents" to PARTS plugs it in.
"""

import importlib
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server import authz, extensions, i18n
from server.cli import register_cli
from server.config import Config, TestConfig
from server.core import dashboard, monthly, regrid, residents
from server.core.after_commit import register_after_commit
from server.core.edge import register_edge
from server.core.observability import register_observability
from server.core.parts import Part
from server.core.periodic import register_periodic_jobs
from server.ledger import lists, roster
from server.notices import fanout
from server.sync import registry

__all__ = ["create_app", "Config", "TestConfig", "PARTS"]

# The parts of Redgrid, in the order their blueprints are registered (and so listed in the OpenAPI);
# their layers are the docstring's. Each is a package with a part.py (server/core/parts.py).
PARTS = (
    "auth",
    "org",
    "audit",
    "admin",
    "blobs",
    "sync",
    "realtime",
    "push",
    "notices",
    "ledger",
    "tasks",
    "inspections",
    "alerts",
    "wishes",
    "join",
    "members",
    "evaluation",
    "activities",
    "imports",
    "reports",
    "web",
)


def create_app(config=None) -> Flask:
    """Build the app. `config`: a Config class, a dict of overrides, or None for the environment."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config)
    register_edge(app)  # before any route: URL integers and JSON bodies are bounded (server/core/edge.py)
    register_extensions(app)
    parts = load_parts()
    register_catalogs(parts)
    register_authz(parts)
    register_sync_entities(parts)
    register_jobs(app, parts)
    register_blueprints(app, parts)
    register_commands(app, parts)
    register_rosters(parts)
    register_observability(
        app, [read for part in parts for read in part.metrics], [read for part in parts for read in part.readiness]
    )
    for part in parts:
        if part.init is not None:
            part.init(app)
    return app


def load_parts() -> list[Part]:
    return [importlib.import_module(f"server.{name}.part").PART for name in PARTS]


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
    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(Path(__file__).resolve().parent.parent / "migrations")
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.login.init_app(app)
    extensions.api.init_app(app)
    extensions.compress.init_app(app)  # pulls of thousands of records travel gzip'd to slow phones
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    register_after_commit()


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


def register_catalogs(parts) -> None:
    for part in parts:
        for entries in part.catalogs:
            i18n.register_catalog(entries)


def register_authz(parts) -> None:
    """Each part's rows (who sees a task, an inspection …), actions and photo readers."""
    for part in parts:
        for model, visible in part.visibility.items():
            authz.register_visibility(model, visible)
        for name, check in part.actions.items():
            authz.register_action(name, check)
        for reader in part.blob_readers:
            authz.register_blob_reader(reader)


def register_sync_entities(parts) -> None:
    for part in parts:
        for binding in part.sync_entities:
            registry.register(binding)


def register_jobs(app: Flask, parts) -> None:
    """Fan-out jobs by name (any process may run them: RQ carries names) and periodic jobs."""
    for part in parts:
        fanout.register_jobs(part.jobs)
    register_periodic_jobs(app, [job for part in parts for job in part.periodic])


def register_blueprints(app: Flask, parts) -> None:
    for part in parts:
        for blp in part.blueprints:
            extensions.api.register_blueprint(blp)
        for pages in part.pages:
            app.register_blueprint(pages)


def register_rosters(parts) -> None:
    """Who serves each community (units and members), for the December evaluation; each
    community's open needs, for matching (供需对接); the sections of the monthly report and of the
    dashboards (core/monthly.py, core/dashboard.py)."""
    for part in parts:
        if part.roster is not None:
            roster.register(part.roster)
        if part.open_needs is not None:
            lists.register(part.open_needs)
        for section in part.monthly:
            monthly.register(section)
        for hook in part.regrid:
            regrid.register(hook)
        for section in part.dashboard:
            dashboard.register(section)
        if part.resident_merge is not None:  # one record per person: references follow a merge
            residents.register(part.name, part.resident_merge)


def register_commands(app: Flask, parts) -> None:
    register_cli(app, [command for part in parts for command in part.commands])
