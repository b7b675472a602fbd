"""The simulated people of bench/load/field_day.py, for locust (run there as `python -m locust -f
this --headless`; locust monkey-patches the process with gevent, so everything here must be
gevent-friendly: requests, and python-socketio's synchronous Client, whose threads become
greenlets and whose WebSocket transport, websocket-client, uses the patched socket module).

Read from the JSON file named by LOAD_CONFIG: accounts, the marker of the run's descriptions,
the timings, the photos' sizes, and where to write the ledger (what each worker sent and was told
`applied`) when the run stops.

GridWorker — a grid worker's offline day, compressed:
  sign in (asking for the first pull page in the sign-in, PROTOCOL §5.2.1) and pull to the end;
  then, in a loop: work offline (no connection: locust's wait time), come back online, open the
  Socket.IO connection, upload the photos taken (HEAD, then PUT whole or in 256 KiB chunks, as
  pwa/js/photos.js), push the batch of new field reports naming them (retried unchanged on a
  network error, 5xx or 429, as the outbox does, §6.4), pull, and stay online for a while pulling
  whenever poked (`sync:poke`, or an `alert`; pokes arriving during a pull make one more pull).
Admin — the city's admin dispatching tasks to the load's grid workers and publishing alerts to
  their grids (only grid workers), which the fan-out delivers through the workers and Socket.IO.
"""

import hashlib
import io
import itertools
import json
import os
import random
import struct
import time
import uuid

import gevent
import gevent.event
import socketio
from locust import HttpUser, between, events, task
from locust.exception import StopUser

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
PROTOCOL = "redgrid-sync/1"
CHUNK = 256 * 1024
ACCOUNTS = itertools.count()
STOPPING = gevent.event.Event()
LEDGER = {"sent": {}, "acked": {}, "refused": [], "socket_errors": 0, "pokes": 0, "poke_pulls": 0}
CATEGORIES = ("sanitation", "safety", "facility", "dispute", "illegal_building", "hardship", "other")
WHERE = ("3单元楼道堆放杂物", "小区东门路灯不亮", "2号楼外墙瓷砖脱落", "地下车库积水", "电动车楼道充电")


def _photo_pool() -> list[bytes]:
    """A few JPEGs of a phone's size (some over one chunk), made once; each photo taken is one of
    them with a comment segment of its own, so every photo has its own SHA-256."""
    from PIL import Image

    pool = []
    for width, height in CONFIG["photo_sizes"]:
        size = (width, height)
        bands = (
            Image.linear_gradient("L").resize(size),
            Image.effect_noise(size, 12),
            Image.radial_gradient("L").resize(size),
        )
        out = io.BytesIO()
        Image.merge("RGB", bands).save(out, "JPEG", quality=85)
        pool.append(out.getvalue())
    return pool


PHOTOS = _photo_pool()


def take_photo() -> bytes:
    base = random.choice(PHOTOS)
    comment = f"redgrid load {uuid.uuid4()}".encode()
    return base[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + base[2:]


@events.test_stopping.add_listener
def _stopping(**_kwargs):
    STOPPING.set()


@events.quitting.add_listener
def _write_ledger(**_kwargs):
    with open(CONFIG["ledger"], "w", encoding="utf-8") as out:
        json.dump(LEDGER, out)


class Phone(HttpUser):
    abstract = True

    def csrf_headers(self) -> dict:
        return {"X-CSRFToken": self.csrf}

    def post(self, url: str, body: dict, name: str, ok=(200,)):
        """POST with the session's token; an answer not in `ok` (or none: status 0) is a failure in the stats."""
        with self.client.post(url, json=body, headers=self.csrf_headers(), name=name, catch_response=True) as answer:
            if answer.status_code not in ok:
                answer.failure(f"HTTP {answer.status_code}: {answer.text[:200] if answer.text else answer.error}")
        return answer

    def sign_in(self, phone: str, password: str, pull: bool) -> dict:
        self.csrf = self.client.get("/api/csrf", name="csrf").json()["csrf_token"]
        body = {"phone": phone, "password": password}
        if pull:
            body["pull"] = {"protocol": PROTOCOL, "limit": 1000, "format": 2}
        with self.client.post(
            "/api/auth/login", json=body, headers=self.csrf_headers(), name="login", catch_response=True
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}: {answer.text[:200]}")
                raise StopUser()
            me = answer.json()
        self.csrf = me["csrf_token"]
        return me


class GridWorker(Phone):
    weight = 1
    wait_time = between(*CONFIG["offline_seconds"])  # working offline

    def on_start(self):
        index = next(ACCOUNTS)
        self.account = CONFIG["workers"][index % len(CONFIG["workers"])]
        self.client_id = f"load-{index}-{uuid.uuid4().hex[:8]}"
        self.signed_in = False
        self.cursor = None
        self.poked = gevent.event.Event()
        self.socket = None

    def on_stop(self):
        self.disconnect()

    @task
    def day(self):
        if not self.signed_in:  # the first task: sign in and pull everything, then go to work
            me = self.sign_in(self.account["phone"], CONFIG["password"], pull=True)
            self.signed_in = True
            page = me.get("pull")
            if page:
                self.cursor = page["cursor"]
            if not page or page["has_more"]:
                self.pull()
            return
        self.connect()
        reports = self.reports()
        photos = [photo for _, shots in reports for photo in shots]
        if not all(self.upload(photo) for photo in photos):
            return  # not this time: the photos and the batch wait on the phone (gone with the run)
        self.push([mutation for mutation, _ in reports])
        self.pull()
        until = time.monotonic() + random.uniform(*CONFIG["online_seconds"])
        while not STOPPING.is_set() and time.monotonic() < until:
            if self.poked.wait(timeout=min(1.0, until - time.monotonic())):
                self.poked.clear()
                LEDGER["poke_pulls"] += 1
                self.pull()
        self.disconnect()

    # --- the day's work ------------------------------------------------------------------

    def reports(self) -> list[tuple[dict, list[bytes]]]:
        """New field reports (1–5), each with 0–2 photos: (mutation, photo bytes)."""
        made = []
        for _ in range(random.randint(*CONFIG["reports_per_batch"])):
            shots = [take_photo() for _ in range(random.choice((0, 1, 1, 2)))]
            mutation_id = str(uuid.uuid4())
            fields = {
                "grid_id": self.account["grid_id"],
                "category": random.choice(CATEGORIES),
                "description": f"{CONFIG['marker']}-{mutation_id} {random.choice(WHERE)}",
                "location_status": "denied",
            }
            if shots:
                fields["photos"] = [hashlib.sha256(shot).hexdigest() for shot in shots]
            made.append(
                (
                    {
                        "id": mutation_id,
                        "entity": "field_report",
                        "record_id": str(uuid.uuid4()),
                        "op": "create",
                        "fields": fields,
                    },
                    shots,
                )
            )
        return made

    def upload(self, photo: bytes) -> bool:
        """HEAD, then PUT from the server's offset: whole, or in chunks (pwa/js/photos.js)."""
        url = f"/api/blobs/{hashlib.sha256(photo).hexdigest()}"
        with self.client.head(url, name="blob HEAD", catch_response=True) as head:
            if head.status_code == 200:
                return True
            if head.status_code != 404:  # 404: not there yet (Upload-Offset: what is)
                head.failure(f"HTTP {head.status_code}")
                return False
            head.success()
        offset = int(head.headers.get("Upload-Offset", 0) or 0)
        for _ in range(len(photo) // CHUNK * 3 + 6):
            whole = offset == 0 and len(photo) <= CHUNK
            end = len(photo) if whole else min(offset + CHUNK, len(photo))
            headers = {**self.csrf_headers(), "Content-Type": "image/jpeg"}
            if not whole:
                headers["Content-Range"] = f"bytes {offset}-{end - 1}/{len(photo)}"
            with self.client.put(
                url, data=photo[offset:end], headers=headers, name="blob PUT", catch_response=True
            ) as answer:
                if answer.status_code in (200, 201):
                    return True
                if answer.status_code in (202, 409) and answer.headers.get("Upload-Offset"):
                    offset = int(answer.headers["Upload-Offset"])
                    continue
                answer.failure(f"HTTP {answer.status_code}: {answer.text[:200] if answer.text else answer.error}")
                if 0 < answer.status_code < 500 and answer.status_code != 429:
                    return False  # refused for good (the PWA marks the photo refused)
            if STOPPING.is_set():
                return False
            gevent.sleep(1)
        return False

    def push(self, mutations: list[dict]) -> None:
        """The batch until it is answered (the same mutation ids), as the outbox does."""
        body = {"protocol": PROTOCOL, "client_id": self.client_id, "mutations": mutations}
        for mutation in mutations:
            LEDGER["sent"][mutation["record_id"]] = mutation["fields"]["description"]
        delay = 1.0
        while True:
            answer = self.post("/api/sync/push", body, "push")
            if answer.status_code == 200:
                break
            if 0 < answer.status_code < 500 and answer.status_code != 429:
                LEDGER["refused"].append(f"push HTTP {answer.status_code}: {answer.text[:200]}")
                return
            if STOPPING.is_set():
                return  # in flight at the end: its records, if stored, are counted as unanswered
            gevent.sleep(random.uniform(0, delay))  # full jitter
            delay = min(delay * 2, 30)
        for mutation, result in zip(mutations, answer.json()["results"], strict=True):
            if result["status"] == "applied":
                LEDGER["acked"][mutation["record_id"]] = mutation["fields"]["description"]
            else:
                LEDGER["refused"].append(f"{result['status']}: {result.get('error')}")

    def pull(self) -> None:
        """Pages until has_more is false."""
        for _ in range(100):
            body = {"protocol": PROTOCOL, "cursor": self.cursor, "limit": 500, "format": 2}
            answer = self.post("/api/sync/pull", body, "pull")
            if answer.status_code != 200:
                if answer.status_code in (400, 410):
                    self.cursor = None  # cursor_invalid / cursor_expired: start over (§5.5)
                return
            page = answer.json()
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    # --- Socket.IO -----------------------------------------------------------------------

    def connect(self) -> None:
        if self.socket is not None and self.socket.connected:
            return
        client = socketio.Client(reconnection=False)
        client.on("sync:poke", self._poke)
        client.on("alert", self._poke)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        started, failed = time.perf_counter(), None
        try:
            client.connect(self.host, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
            self.socket = client
        except Exception as exc:  # noqa: BLE001 (reported as the socket's failure)
            LEDGER["socket_errors"] += 1
            self.socket, failed = None, exc
        events.request.fire(
            request_type="WS",
            name="socket connect",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=failed,
            context={},
        )

    def disconnect(self) -> None:
        if self.socket is not None:
            try:
                self.socket.disconnect()
            except Exception:  # noqa: BLE001 (already gone)
                pass
            self.socket = None

    def _poke(self, *_args):
        LEDGER["pokes"] += 1
        self.poked.set()


class Admin(Phone):
    fixed_count = CONFIG["admins"]
    wait_time = between(*CONFIG["admin_seconds"])

    def on_start(self):
        self.sign_in(CONFIG["admin_phone"], CONFIG["admin_password"], pull=False)

    @task(4)
    def dispatch(self):
        worker = random.choice(CONFIG["workers"])
        body = {
            "type": "visit",
            "title": f"入户走访 {CONFIG['marker']}",
            "target_kind": "grid",
            "target_id": worker["grid_id"],
            "assignee_id": worker["user_id"],
            "priority": "normal",
            "checklist": [],
        }
        self.post("/api/tasks", body, "dispatch task", ok=(201,))

    @task(1)
    def alert(self):
        grid = random.choice(CONFIG["workers"])["grid_id"]
        body = {
            "title": "网格员工作提醒",
            "body": f"今日请完成辖区巡查并上报问题。{CONFIG['marker']}",
            "level": "notice",
            "category": "other",
            "targeting": {"grid_ids": [grid], "roles": ["grid_worker"]},
        }
        self.post("/api/alerts", body, "publish alert", ok=(200, 201))
