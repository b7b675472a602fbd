"""Fixtures of the server's tests, each defined once (the app, the database, `world` and
`notes_in_grids` are in tests/conftest.py, which the browser tests share). The data they
build is described in the support modules they call."""
import pytest

from server.demo import load_demo
from server.extensions import db
from tests.conftest import app_on, fresh_database

# --- the demo city ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(database_url, tmp_path_factory, request):
    """The default demo city (server/demo) loaded once per test module, in a database of its own:
    (the app, load_demo()'s summary).

    Trap: once per module, not per session. The modules sign in (sessions, last_sign_in_at) and
    test_demo.py compares the city with a fresh load of the same seed, so no module may see
    another's changes."""
    name = f"demo_{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}"
    with fresh_database(database_url, tmp_path_factory.mktemp(name), name) as url:
        app = app_on(url, tmp_path_factory.mktemp(f"{name}_instance"))
        with app.app_context():
            summary = load_demo()
            db.session.remove()
        yield app, summary
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def demo(demo_app):
    """The demo city's summary, with its app's context open for the whole module: the read-only
    tests query db.session directly."""
    app, summary = demo_app
    with app.app_context():
        yield summary
