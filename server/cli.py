"""The `redgrid` command's own subcommands: init, demo, add-unit, create-user, serve, sync-poke,
sync-restored, purge; the parts add theirs (create_app), Flask its own (e.g. `redgrid db`);
server/console.py runs it."""

import getpass
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy import func, select

from server import serving
from server.admin.schemas import UserCreateSchema
from server.auth import service
from server.auth.models import ROLE_SCOPES, ROLES, RoleAssignment
from server.blobs.service import purge_stale_uploads
from server.core import periodic, pokes
from server.core.clock import utcnow
from server.demo import DEMO_ACCOUNTS, load_demo
from server.errors import DomainError
from server.extensions import db, socketio
from server.i18n import translate_field_message
from server.org.editing import create_first_unit
from server.org.models import ORG_KINDS, OrgUnit
from server.sync.service import new_epoch, purge


def register_cli(app: Flask, part_commands=()) -> None:
    """The app's own commands and those the parts bring (create_app)."""
    for command in (
        init_command,
        demo_command,
        add_unit_command,
        create_user_command,
        serve_command,
        sync_poke_command,
        sync_restored_command,
        purge_command,
        *part_commands,
    ):
        app.cli.add_command(command)


@click.command("init")
@with_appcontext
def init_command():
    """Create the instance folder and its secrets (session key, VAPID key pair), and migrate the
    database to the latest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo(f"instance: {current_app.instance_path}")
    click.echo(f"database: {_safe_url(current_app.config['SQLALCHEMY_DATABASE_URI'])} (migrated)")
    click.echo(f"VAPID public key (Web Push): {current_app.config['VAPID_PUBLIC_KEY']}")


@click.command("demo")
@click.option(
    "--households",
    type=click.IntRange(min=1500),
    default=None,
    help="Scale the city to exactly N households (default 4000).",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed; same seed, same city.")
@click.option("--reset", is_flag=True, help="Delete all data first (asks no question).")
@with_appcontext
def demo_command(households, seed, reset):
    """Load the demo city (Xuchang-like) and one account per role; print the accounts."""
    if reset:
        _delete_all_data()
    if db.session.scalar(select(func.count()).select_from(OrgUnit)):
        click.echo("The database already holds data; the demo city is not loaded again (use --reset).")
    else:
        summary = load_demo(households=households, seed=seed)
        for table, count in summary.get("counts", {}).items():
            click.echo(f"  {table}: {count}")
    click.echo("\nDemo accounts / 演示账号 (phone · password · role · scope):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account['phone']}  {account['password']:<12} {account['role']:<15} {account['scope']}")


def _delete_all_data():
    """Back to an empty schema: downgrade to base and upgrade again (both dialects, triggers too)."""
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    upgrade()


@click.command("add-unit")
@click.option("--kind", type=click.Choice(ORG_KINDS), required=True, help="city, district, street, community, grid …")
@click.option("--name", required=True, help="Its name, e.g. 许昌市.")
@click.option("--parent-id", type=int, default=None, help="The unit above it (none for the city).")
@click.option("--code", default=None, help="An administrative code (optional, unique).")
@with_appcontext
def add_unit_command(kind, name, parent_id, code):
    """Add an org unit: the city, and the first units below it before any admin exists (admins add
    the rest in the console, #/admin/org). Prints the new unit's id."""
    name = name.strip()
    if not name or len(name) > 64 or "\x00" in name:
        raise click.UsageError("--name: 1 to 64 characters")
    try:
        unit = create_first_unit(kind, name, parent_id, code or None)
    except DomainError as exc:
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in (exc.fields or {}).items())
        raise click.ClickException(fields or exc.message) from exc
    click.echo(f"created {kind} {unit.id} ({name}) at {unit.path}")


@click.command("create-user")
@click.option("--phone", required=True, help="Mainland mobile number, the login.")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", default=None, help="Password (asked when omitted).")
@click.option("--role", type=click.Choice(ROLES), default=None, help="Give this role ...")
@click.option(
    "--scope-id", type=int, default=None, help="... with this scope id (org unit, compound, company or household)."
)
@click.option("--locale", type=click.Choice(["zh-CN", "en"]), default="zh-CN")
@with_appcontext
def create_user_command(phone, display_name, password, role, scope_id, locale):
    """Add an account, optionally with one role (e.g. the first city admin)."""
    from marshmallow import ValidationError

    if password is None:
        password = getpass.getpass("Password: ")
    if (role is None) != (scope_id is None):
        raise click.UsageError("--role and --scope-id go together")
    try:
        UserCreateSchema(exclude=["roles"]).load(
            {"phone": phone, "display_name": display_name, "password": password, "locale": locale}
        )
        user = service.create_user(phone, display_name, password, locale)
        if role:
            db.session.add(RoleAssignment(user_id=user.id, role=role, **{f"{ROLE_SCOPES[role]}_id": scope_id}))
        db.session.commit()
    except ValidationError as exc:  # e.g. "password: 该密码过于常见…", in REDGRID_LOCALE
        problems = [
            f"{name}: {translate_field_message(m)}" for name, messages in exc.messages.items() for m in messages
        ]
        raise click.ClickException("; ".join(problems)) from exc
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created user {user.id} ({phone}){' as ' + role + '@' + str(scope_id) if role else ''}")


@click.command("serve")
@click.option("--host", default=lambda: os.environ.get("REDGRID_HOST", "127.0.0.1"), show_default="127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("REDGRID_PORT", "5000")), show_default="5000")
@click.option(
    "--threads",
    type=click.IntRange(2, 2000),
    default=lambda: int(os.environ.get("REDGRID_THREADS", "100")),
    show_default="100",
    help="Requests and Socket.IO connections served at once.",
)
@click.option(
    "--graceful-seconds",
    type=click.IntRange(1, 600),
    default=lambda: int(os.environ.get("REDGRID_GRACEFUL_SECONDS", "20")),
    show_default="20",
    help="On SIGTERM, how long requests in flight may take to finish.",
)
@click.option("--dev", is_flag=True, help="Werkzeug's development server instead (debugging only).")
@click.pass_context
def serve_command(ctx, host, port, threads, graceful_seconds, dev):
    """Run the embedded server: gunicorn, one process with threads (server/serving.py), escalating
    overdue rectification orders and releasing scheduled alerts on their schedules. For the scaled
    setup run several gunicorn processes and `redgrid worker --periodic` (compose.yaml)."""
    info = ctx.ensure_object(ScriptInfo)
    click.echo(f"Redgrid on http://{host}:{port}/  (Ctrl+C stops)")
    sys.stdout.flush()
    if not dev:
        # The app is made in gunicorn's worker process, after its fork (server/serving.py).
        serving.serve(_app_factory(info), host, port, threads, graceful_seconds)
        return
    app = info.load_app()
    periodic.start_all(app)
    # socketio.run() calls app.run(), which Flask ignores inside a CLI command unless told this
    # is the one meant to serve. Werkzeug with threads serves Socket.IO's websockets through
    # simple-websocket.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False, log_output=False)


def _app_factory(info: ScriptInfo):
    """A new app as the command line makes it: `redgrid`'s own factory (server/console.py), or
    the one --app names."""
    return info.create_app or info.load_app


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command("sync-poke")
@click.argument("buckets", nargs=-1, required=True)
@with_appcontext
def sync_poke_command(buckets):
    """Tell online clients of these buckets (e.g. grid:12) to pull now, e.g. after a bulk import."""
    pokes.notify(buckets)
    click.echo(f"poked {len(buckets)} bucket(s)")


@click.command("sync-restored")
@with_appcontext
def sync_restored_command():
    """Run once after restoring a backup, before the server takes requests: a new sync epoch."""
    click.echo(f"sync epoch is now {new_epoch()}: phones pull again and their old bases conflict")


@click.command("purge")
@with_appcontext
def purge_command():
    """Housekeeping, run daily (cron): old tombstones, old push results, stale partial uploads."""
    config, now = current_app.config, utcnow()
    result = purge(now, config["SYNC_TOMBSTONE_DAYS"], config["SYNC_RESULT_DAYS"])
    uploads = purge_stale_uploads(now)
    click.echo(
        f"purged {result['tombstones']} tombstone(s) through seq {result['purged_through']}, "
        f"{result['results']} stored push result(s), {uploads} stale upload(s)"
    )
