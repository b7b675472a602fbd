"""One time format everywhere: every instant the API answers is UTC with milliseconds and "Z"
(server/core/instants.py iso(), as a phone's toISOString writes it), from any database."""

import hashlib
import io
import re
from datetime import date, datetime, timedelta, timezone

import marshmallow as ma
from marshmallow import class_registry
from PIL import Image

from server.core.edge import Schema
from server.core.instants import UtcDateTime
from tests.factories import PASSWORD

CANONICAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_every_instant_field_of_the_server_writes_the_one_format(app):
    """A plain DateTime writes "2026-12-06T14:09:26.916789" from SQLite (no offset: a phone reads
    it 8 hours off) and "+00:00" with microseconds from PostgreSQL."""
    plain = []
    for name, classes in class_registry._registry.items():
        if "." in name and name.startswith("server.") and issubclass(classes[0], Schema):
            for field_name, field in classes[0]().fields.items():
                inner = field.inner if isinstance(field, ma.fields.List) else field
                if isinstance(inner, ma.fields.DateTime) and not isinstance(inner, UtcDateTime) and not field.load_only:
                    plain.append(f"{name}.{field_name}")
    assert sorted(plain) == []


def test_instants_in_json_answers_are_written_canonically(app):
    moment = datetime(2026, 12, 6, 9, 2, 3, 456789, tzinfo=timezone(timedelta(hours=8)))
    with app.app_context():
        assert app.json.dumps({"at": moment, "naive": datetime(2026, 12, 6, 1, 2, 3), "on": date(2026, 12, 6)}) == (
            '{"at": "2026-12-06T01:02:03.456Z", "naive": "2026-12-06T01:02:03.000Z", "on": "2026-12-06"}'
        )


def test_a_stored_photo_answers_its_time_canonically(world, auth):
    auth.login("13800000003", PASSWORD)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 30)).save(out, "JPEG")
    data = out.getvalue()
    response = auth.send(
        "PUT", f"/api/blobs/{hashlib.sha256(data).hexdigest()}", data=data, content_type="application/octet-stream"
    )
    assert response.status_code == 201, response.get_json()
    assert CANONICAL.match(response.get_json()["created_at"]), response.get_json()["created_at"]
