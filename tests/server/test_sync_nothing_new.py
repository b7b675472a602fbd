"""A pull with nothing new (PROTOCOL.md §5.3.1, issue 17): answered from the high-water mark
without reading the change log, and never hiding a change another app instance committed."""

import pytest

from tests.conftest import app_on, executed_statements
from tests.factories import rid
from tests.server.test_sync_api import create, pull, push, signed_in


@pytest.fixture
def other_app(app, tmp_path):
    """A second app instance on the same database, as another process of the deployment would be."""
    with app.app_context():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    second = app_on(url, tmp_path / "instance-2")
    second.test_client_class = app.test_client_class
    yield second
    from server.extensions import db

    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def caught_up(auth) -> str:
    """The cursor of a client that pulled everything."""
    cursor = None
    while True:
        page = pull(auth, cursor).get_json()
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor


def log_reads(app, fn) -> list[str]:
    return [s for s in executed_statements(app, fn) if "FROM sync_log" in s]


def test_nothing_new_is_answered_without_reading_the_change_log(app, world, notes_in_grids):
    worker = signed_in(app, "13800000003")
    push(worker, create(rid("n1"), world.g1, title="入户走访"))
    cursor = caught_up(worker)
    answers = []
    reads = log_reads(app, lambda: answers.append(pull(worker, cursor)))
    page = answers[0].get_json()
    assert answers[0].status_code == 200
    assert page["changes"] == [] and page["has_more"] is False
    assert page["cursor"] == cursor, "nothing new: the same cursor comes back"
    assert reads == []


def test_a_change_committed_by_another_app_instance_is_never_hidden(app, other_app, world, notes_in_grids):
    phone = signed_in(app, "13800000003")
    push(phone, create(rid("n1"), world.g1, title="第一条"))
    cursor = caught_up(phone)
    assert pull(phone, cursor).get_json()["changes"] == []  # this instance has answered "nothing new"

    # The same worker on another device, served by the other instance, and a worker of another grid.
    push(signed_in(other_app, "13800000003"), create(rid("n2"), world.g1, title="第二条"))
    push(signed_in(other_app, "13800000004"), create(rid("n3"), world.g2, title="别的网格"))

    page = pull(phone, cursor).get_json()
    assert [c["id"] for c in page["changes"]] == [rid("n2")]
    assert page["cursor"] != cursor
    # Caught up again: the next pull costs no read of the log, and finds nothing.
    again = []
    assert log_reads(app, lambda: again.append(pull(phone, page["cursor"]).get_json())) == []
    assert again[0]["changes"] == [] and again[0]["cursor"] == page["cursor"]


def test_a_change_in_another_bucket_moves_the_cursor_and_nothing_else(app, other_app, world, notes_in_grids):
    phone = signed_in(app, "13800000003")
    cursor = caught_up(phone)
    push(signed_in(other_app, "13800000004"), create(rid("n1"), world.g2, title="别的网格"))
    page = pull(phone, cursor).get_json()
    assert page["changes"] == []
    assert page["cursor"] != cursor, "the quiet buckets move on to the new high-water mark (§5.2)"
    assert pull(phone, page["cursor"]).get_json()["cursor"] == page["cursor"]
