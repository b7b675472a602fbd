"""Maps where there is a tile server (issue 15 item 8), in real Chromium at 360 px against a
local tile stand-in (a tiny HTTP server answering every /{z}/{x}/{y}.png with a 256×256 PNG and
counting what it was asked): a task shows its compound on a map drawn from the stand-in's tiles,
我的位置 gives the distance from a granted, fixed GPS fix (and never asks on opening), the map
view lists the grid's open tasks by compound, the household's resident is one tap from a call
(full number, online, audited), offline the map says so. With REDGRID_TILE_URL unset: no map, no
link, and Leaflet is never requested. Screenshots go to /tmp/redgrid-shots/maps-*."""

import io
import math
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from server.audit.models import AuditEntry
from server.org.models import Compound, Resident
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESK, PHONE, XUCHANG, wait_until
from tests.e2e.test_admin_ui import field_report
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import assign
from tests.server.test_sync_api import signed_in

SHOTS = Path("/tmp/redgrid-shots")
SYNCED = "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')"
DIRECTORY_STORED = "import('/js/db.js').then((db) => db.listDirectories()).then((list) => list.length)"
HEXI = (34.0321, 113.8456)  # 河西小区
WENFENG = (34.0405, 113.8590)  # 文峰苑
LEAFLET_LOADED = "performance.getEntriesByType('resource').some((e) => /map-leaflet|map\\.css/.test(e.name))"


def _tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (222, 232, 214)).save(buffer, "PNG")
    return buffer.getvalue()


class TileStandIn:
    """A tile server on 127.0.0.1: a PNG for every /<z>/<x>/<y>.png, 404 otherwise; counts the tiles sent."""

    def __init__(self):
        png = _tile_png()
        stand_in = self
        self.tiles = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802  (http.server's name)
                parts = self.path.strip("/").split("/")
                if len(parts) == 3 and parts[2].endswith(".png") and all(p.split(".")[0].isdigit() for p in parts):
                    stand_in.tiles.append(self.path)
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(png)))
                    self.end_headers()
                    self.wfile.write(png)
                else:
                    self.send_error(404)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/{{z}}/{{x}}/{{y}}.png"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def tiles():
    with TileStandIn() as stand_in:
        yield stand_in


def _haversine(a, b) -> float:
    rad = math.radians
    s = (
        math.sin(rad(b[0] - a[0]) / 2) ** 2
        + math.cos(rad(a[0])) * math.cos(rad(b[0])) * math.sin(rad(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371008.8 * math.asin(math.sqrt(s))


def _place_compounds(db, world):
    for compound_id, (lat, lng) in ((world.hexi_xiaoqu, HEXI), (world.wenfeng_yuan, WENFENG)):
        compound = db.session.get(Compound, compound_id)
        compound.latitude, compound.longitude = lat, lng
    db.session.commit()


def _seed(app, world):
    admin = signed_in(app, "13800000002")
    now = datetime.now(UTC)
    return {
        "visit": assign(admin, "household", world.hh_hexi1[0], world.worker_a, "走访独居老人", now + timedelta(days=2)),
        "hazard": assign(
            admin,
            "building",
            world.b_hexi2,
            world.worker_a,
            "2号楼消防通道排查",
            now + timedelta(days=1),
            type="hazard",
        ),
    }


def _shoot(page, name):
    assert_accessible(page, f"map: {name}")  # every map screen passes axe, Leaflet's markup included
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top of a full-page shot
    page.screenshot(path=str(SHOTS / f"maps-{name}-360.png"), full_page=True)


def test_with_a_tile_server_a_task_shows_its_place_the_distance_and_the_grids_tasks_on_a_map(
    live_server, app, phone, phone_page, db, world, tiles
):
    app.config.update(TILE_URL=tiles.url, TILE_ATTRIBUTION="© 测试底图")
    _place_compounds(db, world)
    tasks = _seed(app, world)
    elderly = db.session.scalar(select(Resident).where(Resident.household_id == world.hh_hexi1[0]))
    page = phone_page
    # Every request for a fix is counted: opening a screen must never ask for one.
    page.add_init_script(
        "const real = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);"
        "window.__fixes = 0;"
        "navigator.geolocation.getCurrentPosition = (...args) => { window.__fixes += 1; return real(...args); };"
    )
    sign_in(page, live_server, "13800000003")
    page.locator(f'[data-testid="task-row"][data-id="{tasks["visit"]}"]').wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, f"{DIRECTORY_STORED}.then((n) => n === 1)")
    wait_until(page, SYNCED)
    assert not page.evaluate(LEAFLET_LOADED), "no map code until a map is shown"

    # The task: its compound on a map drawn from the stand-in's tiles, the box reserved beforehand.
    page.locator(f'[data-testid="task-row"][data-id="{tasks["visit"]}"]').click()
    card = page.get_by_test_id("task-map")
    card.wait_for()
    box = page.get_by_test_id("task-map-box")
    assert box.bounding_box()["height"] == 200
    wait_until(page, "document.querySelector('[data-testid=task-map-box]')?.dataset.state === 'drawn'")
    wait_until(
        page, "[...document.querySelectorAll('.leaflet-tile')].some((img) => img.complete && img.naturalWidth === 256)"
    )
    assert tiles.tiles, "tiles were fetched from the stand-in"
    assert page.locator(".map-pin").count() == 1
    assert "© 测试底图" in card.inner_text()
    assert page.get_by_test_id("task-map-distance").inner_text() == ""
    assert page.evaluate("window.__fixes") == 0, "no position asked for on opening"

    # 我的位置: the fixed fix in Xuchang, the distance by haversine in 10 m steps.
    page.get_by_test_id("task-map-locate").click()
    metres = round(_haversine((XUCHANG["latitude"], XUCHANG["longitude"]), HEXI) / 10) * 10
    wait_until(page, "document.querySelector('[data-testid=task-map-distance]').textContent.includes('米')")
    assert page.get_by_test_id("task-map-distance").inner_text() == f"距小区约 {metres} 米"
    assert page.locator("path.leaflet-interactive").count() == 1, "the worker's dot"
    _shoot(page, "task")

    # The household's resident: one tap to the full number (online, audited), then a call.
    household = page.get_by_test_id("household")
    household.get_by_test_id("phone-reveal").click()
    household.get_by_test_id("phone-full").wait_for()
    assert household.get_by_test_id("phone-full").get_attribute("href") == f"tel:{elderly.phone}"
    viewed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resident.phone_viewed")).all()
    assert [(e.actor_id, e.target_id) for e in viewed] == [(world.worker_a, elderly.id)]

    # The map view from 我的任务: one disc per compound with its count; a tap lists its tasks.
    page.get_by_test_id("back").click()
    page.get_by_test_id("tasks-map").click()
    page.get_by_test_id("task-map").wait_for()
    wait_until(page, "document.querySelector('[data-testid=task-map-box]')?.dataset.state === 'drawn'")
    pins = page.locator(".map-pin")
    assert pins.count() == 1 and pins.inner_text() == "2", "河西小区 holds both open tasks"
    buttons = page.get_by_test_id("map-compound-button")
    assert buttons.count() == 1 and "河西小区" in buttons.inner_text()
    pins.click()
    links = page.get_by_test_id("map-task")
    wait_until(page, "document.querySelectorAll('[data-testid=map-task]').length === 2")
    texts = " ".join(links.all_inner_texts())
    assert "走访独居老人" in texts and "2号楼消防通道排查" in texts
    _shoot(page, "grid")
    page.set_viewport_size(DESK)
    page.wait_for_timeout(150)
    page.screenshot(path=str(SHOTS / "maps-grid-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.locator('[data-testid="map-task"]', has_text="2号楼消防通道排查").click()
    page.get_by_test_id("task-detail").wait_for()
    assert page.get_by_test_id("task-title").inner_text() == "2号楼消防通道排查"

    # A household of the directory: its compound one tap away, not forty maps on a page.
    page.goto(f"{live_server}/#/directory")
    first = page.locator(f'[data-testid="household"][data-id="{world.hh_hexi1[0]}"]')
    first.wait_for()
    assert page.locator(".map-box").count() == 0
    first.get_by_test_id("household-map-open").click()
    wait_until(page, "document.querySelector('[data-testid=household-map-box]')?.dataset.state === 'drawn'")
    first.get_by_test_id("household-map-locate").click()
    first.get_by_text(f"距小区约 {metres} 米").wait_for()
    _shoot(page, "household")
    page.goto(f"{live_server}/#/tasks/{tasks['hazard']}")
    page.get_by_test_id("task-detail").wait_for()

    # Offline: the note in the map's place, the rest of the task as it is.
    phone.set_offline(True)
    wait_until(page, "!navigator.onLine")
    page.get_by_test_id("back").click()
    page.locator(f'[data-testid="task-row"][data-id="{tasks["visit"]}"]').click()
    page.get_by_test_id("map-offline").wait_for()
    assert page.get_by_test_id("map-offline").inner_text() == "离线时不显示地图"
    assert page.get_by_test_id("household").is_visible()
    _shoot(page, "offline")


def test_without_a_tile_server_no_map_no_link_and_no_leaflet(live_server, app, phone, phone_page, db, world):
    _place_compounds(db, world)
    tasks = _seed(app, world)
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.locator(f'[data-testid="task-row"][data-id="{tasks["visit"]}"]').wait_for()
    wait_until(page, f"{DIRECTORY_STORED}.then((n) => n === 1)")
    assert page.get_by_test_id("tasks-map").count() == 0
    page.locator(f'[data-testid="task-row"][data-id="{tasks["visit"]}"]').click()
    page.get_by_test_id("household").wait_for()
    assert page.get_by_test_id("task-map").count() == 0 and page.locator(".map-box").count() == 0
    page.goto(f"{live_server}/#/map")  # typed by hand: the list, and words instead of a map
    page.get_by_test_id("map-off").wait_for()
    assert page.locator(".map-box").count() == 0
    assert not page.evaluate(LEAFLET_LOADED), "Leaflet never requested"


def test_a_report_in_the_admins_queue_shows_its_gps_fix_on_a_map_on_a_tap(live_server, app, desk_page, world, tiles):
    app.config.update(TILE_URL=tiles.url)
    worker = signed_in(app, "13800000003")
    report = field_report(worker, world, "safety", "1号楼2单元楼道有电动车充电。", (200, 90, 40))
    page = desk_page
    admin_signs_in(page, live_server)
    page.get_by_test_id("admin-reports-open").click()
    card = page.locator(f'[data-testid=admin-report][data-id="{report}"]')
    card.wait_for()
    assert page.locator(".map-box").count() == 0 and not page.evaluate(LEAFLET_LOADED), "no map until asked"
    card.get_by_test_id("report-map-open").click()
    wait_until(page, "document.querySelector('[data-testid=report-map-box]')?.dataset.state === 'drawn'")
    assert card.locator("path.leaflet-interactive").count() == 1, "the reporter's fix"
    assert card.get_by_test_id("report-map-locate").count() == 0, "no distance from a desk"
    wait_until(page, "[...document.querySelectorAll('.leaflet-tile')].some((img) => img.complete && img.naturalWidth)")
    assert_accessible(page, "map: a report in the admin's queue")
    page.screenshot(path=str(SHOTS / "maps-report-1280.png"), full_page=True)
