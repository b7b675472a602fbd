"""Throw-away databases for the benchmarks: SQLite files in a temporary folder, or fresh
PostgreSQL databases on a server, removed afterwards."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_sqlite(prefix: str, names=("bench",), keep: bool = False):
    """Yields (folder, [sqlite URL per name]); the folder goes unless `keep`."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder, [f"sqlite:///{folder / f'{name}.sqlite3'}" for name in names]
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def scratch_postgres(server_url: str, prefix: str, names=("",)):
    """Yields (admin connection, [database name], [URL]) for new databases, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(server_url)
    databases = [f"{prefix}_{os.getpid()}" + (f"_{name}" if name else "") for name in names]
    admin = psycopg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        dbname=server.database or "postgres",
        autocommit=True,
    )
    try:
        for database in databases:
            admin.execute(f'CREATE DATABASE "{database}"')
        yield admin, databases, [server.set(database=d).render_as_string(hide_password=False) for d in databases]
    finally:
        for database in databases:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()


def migrated_app(url: str):
    """The app on a database at `url`, migrated to the newest revision (no Redis, limits in memory)."""
    from flask_migrate import upgrade

    from server import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
    return app
