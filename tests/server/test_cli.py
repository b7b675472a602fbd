"""The `redgrid` command line: init, create-user, serve."""

import json
import urllib.request

from sqlalchemy import inspect, select

from server import create_app
from server.auth.models import RoleAssignment, User
from server.extensions import db as _db
from tests.processes import REDGRID, free_port, process_env, serving


def test_init_migrates_an_empty_database(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3"})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "(migrated)" in result.output
    with app.app_context():
        assert set(_db.metadata.tables) <= set(inspect(_db.engine).get_table_names())
        _db.engine.dispose()


def test_create_user_adds_an_account_with_a_role(app, world, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--phone",
            "13912340000",
            "--name",
            "赵六",
            "--password",
            "longenough1",
            "--role",
            "grid_worker",
            "--scope-id",
            str(world.g1),
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.phone == "13912340000"))
    assert user.display_name == "赵六" and user.password_hash.startswith("$argon2id$")
    assert [
        (r.role, r.org_unit_id)
        for r in db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id))
    ] == [("grid_worker", world.g1)]


def test_create_user_refuses_bad_input_with_a_message(app, world, db):
    runner = app.test_cli_runner()
    bad_phone = runner.invoke(args=["create-user", "--phone", "123", "--name", "x", "--password", "longenough1"])
    assert bad_phone.exit_code != 0 and "phone" in bad_phone.output
    taken = runner.invoke(args=["create-user", "--phone", "13800000003", "--name", "x", "--password", "longenough1"])
    assert taken.exit_code != 0 and "该手机号已注册" in taken.output
    common = runner.invoke(args=["create-user", "--phone", "13912340001", "--name", "x", "--password", "password123"])
    assert common.exit_code != 0 and "password: 该密码过于常见" in common.output


def test_serve_answers_http(app, world):
    """`redgrid serve` really serves (a CLI command must not hand over to app.run, which Flask ignores)."""
    port = free_port()
    env = process_env(app.config["SQLALCHEMY_DATABASE_URI"])
    with serving([*REDGRID, "serve", "--port", str(port)], env, port) as base:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "ok", "database": "ok"}
