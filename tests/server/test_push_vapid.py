"""VAPID keys: made once into the instance folder (like the session key) or taken from the
environment; `redgrid init` shows the public key."""

import os
import stat

import pytest

from server import create_app
from server.config import Config
from server.push.vapid import generate_private_key, public_key_of


def test_the_key_pair_is_made_once_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("REDGRID_VAPID_PRIVATE_KEY", raising=False)
    first = Config(str(tmp_path))
    key_file = tmp_path / "vapid_private_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert Config(str(tmp_path)).VAPID_PRIVATE_KEY == first.VAPID_PRIVATE_KEY
    assert first.VAPID_PUBLIC_KEY == public_key_of(first.VAPID_PRIVATE_KEY)


def test_keys_from_the_environment_win_and_must_belong_together(tmp_path, monkeypatch):
    private = generate_private_key()
    monkeypatch.setenv("REDGRID_VAPID_PRIVATE_KEY", private)
    monkeypatch.setenv("REDGRID_VAPID_PUBLIC_KEY", public_key_of(private))
    monkeypatch.setenv("REDGRID_VAPID_SUBJECT", "mailto:ops@redgrid.example.cn")
    config = Config(str(tmp_path))
    assert (config.VAPID_PRIVATE_KEY, config.VAPID_SUBJECT) == (private, "mailto:ops@redgrid.example.cn")
    assert not (tmp_path / "vapid_private_key").exists()
    monkeypatch.setenv("REDGRID_VAPID_PUBLIC_KEY", public_key_of(generate_private_key()))
    with pytest.raises(ValueError, match="REDGRID_VAPID_PUBLIC_KEY"):
        Config(str(tmp_path))


def test_init_prints_the_vapid_public_key(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite3"})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert f"VAPID public key (Web Push): {app.config['VAPID_PUBLIC_KEY']}" in result.output
    with app.app_context():
        from server.extensions import db

        db.engine.dispose()
