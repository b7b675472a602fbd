"""Shared fixtures: a migrated database per test (SQLite or PostgreSQL, by DATABASE_URL),
the app, a test client and an `auth` helper that signs in through the API like the PWA; the
worlds and entities that both the server's tests and the browser's use (`iw`, `notes_in_grids`).
The fixtures of one layer only are in its own conftest.py (tests/server, tests/e2e, tests/sync).

DATABASE_URL unset → SQLite files under pytest's tmp dir. DATABASE_URL set to a PostgreSQL
server URL → a fresh database `redgrid_test_<pid>` is created for the run and dropped after.
Under CI=true a PostgreSQL URL that does not answer is an error, never a skip.
"""

import contextvars
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import create_app
from server.extensions import db as _db
from server.sync.buckets import by_grid_field
from tests.factories import build_world
from tests.sync.notes import note_binding, registered_notes

TEST_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A migrated template database for the whole run."""
    if _is_postgres(TEST_DATABASE_URL):
        server_url = make_url(TEST_DATABASE_URL)
        name = f"redgrid_test_{os.getpid()}"
        admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:  # fails loudly when PostgreSQL is down
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server_url.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        template = tmp_path_factory.mktemp("db") / "template.sqlite3"
        _migrate(f"sqlite:///{template}")
        yield f"sqlite:///{template}"


@contextmanager
def fresh_database(database_url: str, directory: Path, suffix: str, migrated: bool = True):
    """A database of its own beside the test database (dropped afterwards), empty or migrated."""
    if _is_postgres(database_url):
        server_url = make_url(database_url)
        name = f"{server_url.database}_{suffix}"
        admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server_url.set(database=name).render_as_string(hide_password=False)
    else:
        admin, url = None, f"sqlite:///{directory / f'{suffix}.sqlite3'}"
    if migrated:
        _migrate(url)
    try:
        yield url
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Every request gets its own app context (fresh `g`, its own database session), as in
    production, even while the test holds an app context open for the `db` fixture."""

    def open(self, *args, **kwargs):
        context = contextvars.copy_context()

        def run():
            _cv_app.set(None)
            return super(IsolatedClient, self).open(*args, **kwargs)

        response = context.run(run)
        for name, value in response.headers.items():
            # What a production server sends (gunicorn answers 500 instead, werkzeug lets it by).
            assert value.isascii() and value.isprintable(), f"{name} is no valid header value: {value!r}"
        return response


def app_on(url: str, instance_path: Path):
    """The app as the tests run it, on the database at `url`."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_STORAGE_URI": "memory://",
            # Embedded mode: emits reach the in-process test clients directly. The Redis
            # (several processes) setup has tests of its own that start real processes.
            "REDIS_URL": None,
        }
    )
    app.instance_path = str(instance_path)
    return app


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh app on an empty, migrated database."""
    if _is_postgres(database_url):
        url = database_url
    else:
        # Copying the migrated template is much faster than migrating per test.
        copy = tmp_path / "redgrid.sqlite3"
        shutil.copyfile(make_url(database_url).database, copy)
        url = f"sqlite:///{copy}"
    app = app_on(url, tmp_path / "instance")
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        _db.session.remove()
        if _is_postgres(url):
            _truncate_all()
        _db.engine.dispose()


def _truncate_all() -> None:
    """Empty every table for the next test. A browser test's server may still be finishing a
    request (e.g. a Socket.IO reconnect) whose locks collide with TRUNCATE; it ends within
    moments, so wait and try again, and end stragglers only as a last resort."""
    import time

    from sqlalchemy.exc import OperationalError

    tables = ", ".join(t.name for t in _db.metadata.sorted_tables)
    for attempt in range(10):
        try:
            with _db.engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return
        except OperationalError:
            if attempt >= 3:
                with _db.engine.begin() as conn:
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    )
            time.sleep(0.2)
    raise RuntimeError("could not empty the test database")


@pytest.fixture
def db(app):
    """The database session inside an app context (for setting up and checking rows)."""
    with app.app_context():
        yield _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app):
    """A small city with one account per role (see tests/factories.py)."""
    with app.app_context():
        return build_world()


@pytest.fixture
def iw(app, world):
    """The world with an inspection template and the people of the inspection tests
    (tests/server/inspections_support.py)."""
    from tests.server.inspections_support import inspection_world  # it imports this module (AuthActions)

    with app.app_context():
        return inspection_world(world)


@pytest.fixture
def notes_in_grids(app):
    """The test note entity (tests/sync/notes.py), placed in its grid's bucket and the org buckets
    above it, its photos synced blobs."""
    with registered_notes(app, note_binding(buckets=by_grid_field("grid_id"), blob_fields=("photos",))) as note:
        yield note


class AuthActions:
    """Signs in through the API like the PWA: fetch a CSRF token, then POST /api/auth/login."""

    def __init__(self, client):
        self.client = client
        self.csrf = None

    def token(self) -> str:
        if self.csrf is None:
            self.csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        return self.csrf

    def login(self, phone: str, password: str = "password123", **headers):
        response = self.client.post(
            "/api/auth/login",
            json={"phone": phone, "password": password},
            headers={"X-CSRFToken": self.token(), **headers},
        )
        if response.status_code == 200:
            self.csrf = response.get_json()["csrf_token"]
        return response

    def logout(self):
        return self.client.post("/api/auth/logout", headers={"X-CSRFToken": self.token()})

    def send(self, method: str, url: str, **kwargs):
        headers = {"X-CSRFToken": self.token(), **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)


def count_statements(app, fn) -> int:
    """How many SQL statements the app's engine runs during fn() (queries per response must
    not grow with the rows it holds)."""
    return len(executed_statements(app, fn))


def executed_statements(app, fn) -> list[str]:
    """The SQL statements the app's engine runs during fn(), in order."""
    from sqlalchemy import event

    with app.app_context():
        engine = _db.engine
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def pytest_collection_modifyitems(config, items):
    """Browser tests last: they are the slowest and need the other layers working."""
    items.sort(key=lambda item: "e2e" in Path(str(item.fspath)).parts)


@pytest.fixture
def standin():
    """The local push service (tests/support/push_service.py): checks VAPID, decrypts every push."""
    from tests.support.push_service import PushServiceStandIn

    with PushServiceStandIn() as service:
        yield service
