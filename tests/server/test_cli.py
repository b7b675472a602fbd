"""The `redgrid` command line: init, create-user, serve."""

import json
import urllib.request

from sqlalchemy import inspect, select

from server import create_app
from server.audit.models import AuditEntry
from server.auth.models import RoleAssignment, User
from server.extensions import db as _db
from server.org.models import OrgUnit
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


def test_add_unit_builds_the_first_units_of_an_empty_database(tmp_path):
    """A street office starts from nothing: the city, its district and the street come from the
    command line (no admin is above the city), each under a parent of the kind just above it."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0

    def add(*args):
        return runner.invoke(args=["add-unit", *args])

    city = add("--kind", "city", "--name", "许昌市")
    assert city.exit_code == 0, city.output
    with app.app_context():
        city_id = _db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == "许昌市"))
    district = add("--kind", "district", "--name", "魏都区", "--parent-id", str(city_id))
    assert district.exit_code == 0, district.output
    skipped = add("--kind", "community", "--name", "新兴社区", "--parent-id", str(city_id))
    assert skipped.exit_code != 0 and "社区" in skipped.output and "区" in skipped.output
    second_city = add("--kind", "district", "--name", "魏都区", "--parent-id", str(city_id))
    assert second_city.exit_code != 0  # the name is taken under that parent
    orphan = add("--kind", "street", "--name", "新兴街道")
    assert orphan.exit_code != 0
    with app.app_context():
        units = _db.session.execute(select(OrgUnit.kind, OrgUnit.path, OrgUnit.depth).order_by(OrgUnit.id)).all()
        assert [(k, d) for k, _p, d in units] == [("city", 0), ("district", 1)]
        assert units[1].path == f"/{city_id}/{units[1].path.strip('/').split('/')[1]}/"
        assert _db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "org.create")) == "org.create"
        _db.engine.dispose()
