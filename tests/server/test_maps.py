"""Maps where there is a tile server (issue 15 item 8): REDGRID_TILE_URL reaches the phone in
/api/me and /api/session, the page's CSP lets tiles in from that origin only when it is set, and
the grid directory's compounds carry their coordinates."""

import pytest

from server import create_app
from server.config import check_tile_url
from server.org.models import Compound
from server.web.routes import tile_origin
from tests.factories import PASSWORD

WORKER_A = "13800000003"
TILES = "https://tiles.example.cn/{z}/{x}/{y}.png"


def img_src(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("img-src"))


def test_without_a_tile_server_there_is_no_map_and_no_foreign_image_source(world, auth, client):
    auth.login(WORKER_A, PASSWORD)
    assert client.get("/api/me").get_json()["map"] is None
    assert client.get("/api/session").get_json()["me"]["map"] is None
    with client.get("/") as page:
        assert img_src(page) == "img-src 'self' data: blob:"


def test_the_tile_server_reaches_the_phone_and_the_page_lets_its_images_in(app, world, auth, client):
    app.config.update(TILE_URL=TILES, TILE_ATTRIBUTION="© 测绘局")
    login = auth.login(WORKER_A, PASSWORD)
    expected = {"tile_url": TILES, "attribution": "© 测绘局"}
    assert login.get_json()["map"] == expected
    assert client.get("/api/me").get_json()["map"] == expected
    assert client.get("/api/session").get_json()["me"]["map"] == expected
    for url in ("/", "/api/me", "/js/app.js"):
        with client.get(url) as response:
            assert img_src(response) == "img-src 'self' data: blob: https://tiles.example.cn", url
            assert "tiles.example.cn" not in response.headers["Content-Security-Policy"].replace(img_src(response), "")


def test_a_signed_out_browser_is_told_nothing_of_maps(app, client):
    app.config.update(TILE_URL=TILES)
    assert client.get("/api/session").get_json() == {
        "signed_in": False,
        "me": None,
        "csrf_token": client.get("/api/session").get_json()["csrf_token"],
    }


def test_the_setting_is_checked_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tiles.sqlite3")
    monkeypatch.setenv("REDGRID_TILE_URL", "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("REDGRID_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
    app = create_app()
    assert app.config["TILE_URL"] == "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert app.config["TILE_ATTRIBUTION"] == "© OpenStreetMap contributors"
    assert tile_origin(app.config["TILE_URL"]) == "https://*.tile.example.org"
    assert tile_origin("http://127.0.0.1:8123/tiles/{z}/{x}/{y}.png") == "http://127.0.0.1:8123"
    for bad in ("ftp://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/{z}/{x}.png", "tiles/{z}/{x}/{y}"):
        with pytest.raises(ValueError):
            check_tile_url(bad)


def test_the_directory_gives_each_compound_its_coordinates(world, auth, db):
    compound = db.session.get(Compound, world.hexi_xiaoqu)
    compound.latitude, compound.longitude = 34.0321, 113.8456
    db.session.commit()
    auth.login(WORKER_A, PASSWORD)
    (entry,) = auth.client.get(f"/api/grids/{world.g1}/directory").get_json()["compounds"]
    assert (entry["id"], entry["latitude"], entry["longitude"]) == (world.hexi_xiaoqu, 34.0321, 113.8456)
