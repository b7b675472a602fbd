"""Photos: content-addressed, idempotent, resumable uploads that keep no metadata, and reads
only for those who uploaded them (or whom a registered check lets in)."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import func, select

from server import authz
from server.blobs import service
from server.blobs.models import Blob, BlobHolder, BlobUpload
from server.core.clock import utcnow
from server.extensions import db
from tests.conftest import AuthActions
from tests.factories import PASSWORD, user

WORKER_A = "13800000003"
STEWARD = "13800000005"
RED, BLUE = (255, 0, 0), (0, 0, 255)
GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


# --- images made here, with the metadata a phone writes --------------------------------------


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "HUAWEI"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (34.0, 1.0, 2.0), 3: "E", 4: (113.0, 49.0, 5.0)})
    return exif


def _red_left_blue_right(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def sideways_jpeg() -> bytes:
    """200×100 as the sensor saw it (red left, blue right), with Orientation 6: shown rotated
    90° clockwise, that is 100×200 with red on top. Plus GPS, a maker, a comment and XMP."""
    out = io.BytesIO()
    _red_left_blue_right(200, 100).save(
        out,
        "JPEG",
        quality=95,
        exif=_exif(orientation=6),
        comment=b"secret note",
        xmp=b"<x:xmpmeta>at home</x:xmpmeta>",
    )
    return out.getvalue()


def png(width: int = 60, height: int = 40) -> bytes:
    """Half-transparent RGBA with EXIF (GPS) and a text chunk."""
    info = PngInfo()
    info.add_text("Comment", "secret note")
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, "PNG", exif=_exif(), pnginfo=info)
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    _red_left_blue_right(80, 40).save(out, "WEBP", quality=90, exif=_exif())
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def worker(world, auth):
    auth.login(WORKER_A, PASSWORD)
    return auth


@pytest.fixture
def steward(world, app):
    other = AuthActions(app.test_client())
    other.login(STEWARD, PASSWORD)
    return other


def put(client: AuthActions, data: bytes, digest: str | None = None, content_type: str | None = None, **headers):
    return client.send(
        "PUT", f"/api/blobs/{digest or sha(data)}", data=data, content_type=content_type, headers=headers
    )


def put_range(client: AuthActions, data: bytes, start: int, end: int, digest: str | None = None):
    """Send bytes [start, end) of `data` as one chunk."""
    return put(
        client, data[start:end], digest or sha(data), **{"Content-Range": f"bytes {start}-{end - 1}/{len(data)}"}
    )


def get(client: AuthActions, url: str, **kwargs):
    """GET, with the response read and its file closed (send_file keeps one open otherwise)."""
    return client.client.get(url, buffered=True, **kwargs)


def head(client: AuthActions, url: str):
    return client.client.head(url, buffered=True)


def blob_dir(app) -> Path:
    return Path(app.instance_path) / "blobs"


def stored_files(app) -> list[str]:
    root = blob_dir(app)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def scalar(app, statement):
    """Read in an app context of its own: a test-wide one would also share Flask-Login's `g`,
    so the second signed-in client would be served as the first."""
    with app.app_context():
        return db.session.scalar(statement)


def scalars(app, statement) -> list:
    with app.app_context():
        return list(db.session.scalars(statement))


def count(app, model) -> int:
    return scalar(app, select(func.count()).select_from(model))


def error(response) -> dict:
    return response.get_json()["error"]


# --- uploading and cleaning --------------------------------------------------------------------


def test_jpeg_is_stored_upright_without_exif_gps_comment_or_xmp(worker, app, world):
    data = sideways_jpeg()
    assert all(secret in data for secret in (b"Exif", b"HUAWEI", b"secret note", b"at home"))
    assert opened(data).getexif().get_ifd(GPS_IFD)[1] == "N"
    response = put(worker, data, content_type="image/jpeg")
    assert response.status_code == 201, response.get_json()
    meta = response.get_json()
    assert {k: meta[k] for k in ("sha256", "mime", "width", "height", "url", "thumb_url")} == {
        "sha256": sha(data),
        "mime": "image/jpeg",
        "width": 100,
        "height": 200,
        "url": f"/api/blobs/{sha(data)}",
        "thumb_url": f"/api/blobs/{sha(data)}/thumb",
    }

    got = get(worker, f"/api/blobs/{sha(data)}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert got.headers["ETag"] == f'"{meta["stored_sha256"]}"'
    assert meta["stored_sha256"] == sha(got.data) != sha(data) and meta["size"] == len(got.data)
    for secret in (b"Exif", b"HUAWEI", b"secret note", b"at home", b"xmpmeta"):
        assert secret not in got.data
    image = opened(got.data)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment"} & set(image.info)
    assert image.size == (100, 200)  # upright: the sideways sensor image turned 90° clockwise
    assert close_to(image.getpixel((50, 20)), RED) and close_to(image.getpixel((50, 180)), BLUE)
    assert ImageOps.exif_transpose(image).size == (100, 200)  # and no orientation left to apply
    thumb = get(worker, f"/api/blobs/{sha(data)}/thumb")
    for secret in (b"Exif", b"HUAWEI", b"secret note", b"at home"):
        assert secret not in thumb.data
    small = opened(thumb.data)
    assert small.size == (100, 200) and close_to(small.getpixel((50, 20)), RED)  # small already: not enlarged

    row = scalar(app, select(Blob).where(Blob.sha256 == sha(data)))
    assert (row.mime, row.width, row.height, row.size, row.uploader_id) == (
        "image/jpeg",
        100,
        200,
        len(got.data),
        world.worker_a,
    )
    assert sorted(stored_files(app)) == [
        f"{sha(data)[:2]}/{sha(data)[2:4]}/{sha(data)}",
        f"{sha(data)[:2]}/{sha(data)[2:4]}/{sha(data)}.thumb",
    ]


def test_thumbnail_is_a_jpeg_of_at_most_320_px(worker):
    data = png(width=1200, height=800)
    assert put(worker, data).status_code == 201
    thumb = get(worker, f"/api/blobs/{sha(data)}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    image = opened(thumb.data)
    assert image.format == "JPEG" and image.size == (320, 213)
    # Half-transparent blue is flattened onto white, not onto black.
    assert close_to(image.getpixel((160, 100)), (127, 127, 255))
    assert b"secret note" not in thumb.data and not image.getexif()


def test_png_declared_as_jpeg_is_detected_and_kept_as_png(worker):
    data = png()
    response = put(worker, data, content_type="image/jpeg")
    assert response.status_code == 201
    assert response.get_json()["mime"] == "image/png"
    got = get(worker, f"/api/blobs/{sha(data)}")
    assert got.mimetype == "image/png"
    image = opened(got.data)
    assert image.format == "PNG" and image.size == (60, 40)
    assert image.getpixel((5, 5)) == (0, 0, 255, 128)  # lossless, alpha kept
    assert "Comment" not in image.info and "exif" not in image.info and b"secret note" not in got.data


def test_webp_keeps_its_format_and_loses_its_exif(worker):
    data = webp()
    response = put(worker, data, content_type="application/octet-stream")
    assert response.status_code == 201
    assert (response.get_json()["mime"], response.get_json()["width"]) == ("image/webp", 80)
    got = get(worker, f"/api/blobs/{sha(data)}")
    image = opened(got.data)
    assert got.mimetype == "image/webp" and image.format == "WEBP"
    assert "exif" not in image.info and b"HUAWEI" not in got.data
    assert close_to(image.getpixel((10, 20)), RED) and close_to(image.getpixel((70, 20)), BLUE)


def test_wrong_hash_is_422_and_nothing_is_stored(worker, app):
    data = sideways_jpeg()
    response = put(worker, data, digest=sha(b"something else"))
    assert response.status_code == 422
    assert error(response)["code"] == "hash_mismatch"
    assert error(response)["message"] == "收到的内容与 SHA-256 不符，请重新上传。"
    assert count(app, Blob) == 0 and stored_files(app) == []


@pytest.mark.parametrize("data", [b"just some text, not a photo\n", gif()], ids=["text", "gif"])
def test_anything_but_jpeg_png_or_webp_is_415(worker, app, data):
    response = put(worker, data, content_type="image/jpeg")
    assert response.status_code == 415
    assert error(response)["code"] == "unsupported_type"
    assert error(response)["message"] == "只支持 JPEG、PNG 和 WebP 图片。"
    assert count(app, Blob) == 0 and stored_files(app) == []


def test_over_the_size_limit_is_413_before_anything_is_stored(worker, app):
    app.config["BLOB_MAX_BYTES"] = 1024
    data = sideways_jpeg()
    assert len(data) > 1024
    whole = put(worker, data)
    assert whole.status_code == 413 and error(whole)["code"] == "too_large"
    assert error(whole)["message"] == "图片过大，不能超过 0.000976562 MiB。"
    chunk = put_range(worker, data, 0, 512)  # TOTAL says too much: refused before the first chunk
    assert chunk.status_code == 413 and error(chunk)["code"] == "too_large"
    assert count(app, Blob) == 0 and count(app, BlobUpload) == 0 and stored_files(app) == []


def test_too_many_pixels_is_413(worker, app):
    app.config["BLOB_MAX_PIXELS"] = 1000
    response = put(worker, png(width=60, height=40))
    assert response.status_code == 413
    assert error(response)["code"] == "too_many_pixels"
    assert error(response)["message"] == "图片尺寸过大，不能超过 0.001 百万像素。"
    assert count(app, Blob) == 0 and stored_files(app) == []


def pixel_bomb(width: int, height: int) -> bytes:
    """A PNG that says it is width × height pixels in a few dozen bytes (its pixels never come)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [12_000, 100_000], ids=["past-pillows-warning", "past-pillows-error"])
def test_a_pixel_bomb_is_too_many_pixels_not_a_bad_image(worker, app, side):
    """Huge dimensions in a small file: Pillow's own guard speaks before ours (it was 422 bad_image)."""
    response = put(worker, pixel_bomb(side, side))
    assert response.status_code == 413 and error(response)["code"] == "too_many_pixels"
    assert count(app, Blob) == 0 and stored_files(app) == []


def test_a_photo_whose_file_is_gone_is_404_not_500(worker, app):
    data = png()
    assert put(worker, data).status_code == 201
    for path in blob_dir(app).rglob("*"):
        if path.is_file():
            path.unlink()
    assert get(worker, f"/api/blobs/{sha(data)}").status_code == 404
    assert get(worker, f"/api/blobs/{sha(data)}/thumb").status_code == 404
    assert head(worker, f"/api/blobs/{sha(data)}").status_code == 404


def test_the_openapi_documents_head_and_describes_put(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    blob = paths["/api/blobs/{sha256}"]
    assert {"get", "head", "put"} <= set(blob)
    assert "Content-Range" in blob["put"]["description"] and "module docstring" not in blob["put"]["description"]
    assert "Upload-Offset" in blob["head"]["description"]


def test_truncated_jpeg_is_a_bad_image(worker, app):
    data = sideways_jpeg()
    half = data[: len(data) // 2]
    response = put(worker, half)  # the hash is right: of the cut bytes
    assert response.status_code == 422
    assert error(response)["code"] == "bad_image"
    assert error(response)["message"] == "图片已损坏或不完整，无法打开。"
    assert count(app, Blob) == 0 and stored_files(app) == []


def test_uploading_again_answers_200_and_stores_nothing(worker, app):
    data = sideways_jpeg()
    first = put(worker, data)
    assert first.status_code == 201
    path = blob_dir(app) / sha(data)[:2] / sha(data)[2:4] / sha(data)
    before = path.stat()

    again = put(worker, data)
    assert again.status_code == 200 and again.get_json() == first.get_json()
    # The body is not even looked at: a retry answers from the database.
    retry = put(worker, b"", digest=sha(data))
    assert retry.status_code == 200 and retry.get_json() == first.get_json()

    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # written once
    assert count(app, Blob) == 1 and count(app, BlobHolder) == 1


def test_another_user_uploading_the_same_photo_gets_200_and_may_then_read_it(worker, steward, app, world):
    data = sideways_jpeg()
    first = put(worker, data)
    path = blob_dir(app) / sha(data)[:2] / sha(data)[2:4] / sha(data)
    before = path.stat()
    assert get(steward, f"/api/blobs/{sha(data)}").status_code == 404

    second = put(steward, data)
    assert second.status_code == 200 and second.get_json() == first.get_json()
    assert get(steward, f"/api/blobs/{sha(data)}").data == get(worker, f"/api/blobs/{sha(data)}").data
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    holders = scalars(app, select(BlobHolder.user_id).order_by(BlobHolder.user_id))
    assert count(app, Blob) == 1 and holders == sorted([world.worker_a, world.steward])
    assert scalar(app, select(Blob.uploader_id)) == world.worker_a


def test_knowing_the_hash_is_not_enough_to_claim_a_photo(worker, steward, app):
    data = sideways_jpeg()
    put(worker, data)
    claim = put(steward, b"", digest=sha(data))  # no bytes: must not learn it exists, nor gain it
    assert claim.status_code == 422 and error(claim)["code"] == "hash_mismatch"
    forged = put(steward, png(), digest=sha(data))
    assert forged.status_code == 422 and error(forged)["code"] == "hash_mismatch"
    assert get(steward, f"/api/blobs/{sha(data)}").status_code == 404
    assert count(app, BlobHolder) == 1


# --- resumable uploads ---------------------------------------------------------------------------


def test_chunked_upload_resumes_from_the_offset_head_reports(worker, app):
    data = sideways_jpeg()
    digest, half = sha(data), len(data) // 2

    first = put_range(worker, data, 0, half)
    assert first.status_code == 202
    assert first.get_json() == {"sha256": digest, "offset": half, "total": len(data)}
    assert first.headers["Upload-Offset"] == str(half)
    assert scalar(app, select(BlobUpload.offset).where(BlobUpload.sha256 == digest)) == half

    resume = head(worker, f"/api/blobs/{digest}")
    assert resume.status_code == 404 and resume.headers["Upload-Offset"] == str(half)

    wrong = put_range(worker, data, half + 10, len(data))
    assert wrong.status_code == 409
    assert wrong.headers["Upload-Offset"] == str(half)
    assert error(wrong)["code"] == "wrong_offset" and error(wrong)["fields"] == {"offset": half}
    assert error(wrong)["message"] == f"上传应从第 {half} 字节继续。"
    replayed = put_range(worker, data, 0, half)  # a retried first chunk is at the wrong offset too
    assert replayed.status_code == 409 and replayed.headers["Upload-Offset"] == str(half)

    rest = put_range(worker, data, half, len(data))
    assert rest.status_code == 201, rest.get_json()
    assert (rest.get_json()["sha256"], rest.get_json()["width"], rest.get_json()["height"]) == (digest, 100, 200)
    got = get(worker, f"/api/blobs/{digest}")
    image = opened(got.data)
    assert image.size == (100, 200) and close_to(image.getpixel((50, 20)), RED) and not image.getexif()
    done = head(worker, f"/api/blobs/{digest}")
    assert done.status_code == 200 and done.mimetype == "image/jpeg"
    assert done.headers["Content-Length"] == str(len(got.data)) and "Upload-Offset" not in done.headers
    assert count(app, BlobUpload) == 0 and not list((blob_dir(app) / "uploads").glob("*"))


def test_a_chunked_upload_with_a_wrong_hash_is_discarded(worker, app):
    data = sideways_jpeg()
    half, digest = len(data) // 2, sha(b"not these bytes")
    assert put_range(worker, data, 0, half, digest).status_code == 202
    last = put_range(worker, data, half, len(data), digest)
    assert last.status_code == 422 and error(last)["code"] == "hash_mismatch"
    assert count(app, BlobUpload) == 0 and count(app, Blob) == 0 and stored_files(app) == []
    gone = head(worker, f"/api/blobs/{digest}")
    assert gone.status_code == 404 and "Upload-Offset" not in gone.headers
    assert put_range(worker, data, 0, half, digest).status_code == 202  # starts again at 0


def test_a_content_range_that_does_not_fit_the_body_is_400(worker, app):
    data = sideways_jpeg()
    mismatched = put(worker, data[:100], sha(data), **{"Content-Range": f"bytes 0-199/{len(data)}"})
    garbage = put(worker, data[:100], sha(data), **{"Content-Range": "bytes=0-99"})
    for response in (mismatched, garbage):
        assert response.status_code == 400 and error(response)["code"] == "bad_range"
        assert error(response)["message"] == "Content-Range 请求头与请求内容不符。"
    assert count(app, BlobUpload) == 0


def test_stale_partial_uploads_are_purged(worker, app, world):
    data, other = sideways_jpeg(), png()
    assert put_range(worker, data, 0, 100).status_code == 202
    assert put_range(worker, other, 0, 100).status_code == 202
    with app.app_context():
        old = db.session.scalar(select(BlobUpload).where(BlobUpload.sha256 == sha(data)))
        old.updated_at = utcnow() - timedelta(hours=30)
        db.session.commit()
    parts = blob_dir(app) / "uploads"
    stray = parts / f"{'0' * 64}-{world.worker_a}.part"  # a part file whose row never committed
    stray.write_bytes(b"x")

    now = utcnow() + timedelta(hours=1)
    with app.app_context():
        assert service.purge_stale_uploads(now) == 1
    assert scalars(app, select(BlobUpload.sha256)) == [sha(other)]
    assert sorted(p.name for p in parts.iterdir()) == [
        f"{'0' * 64}-{world.worker_a}.part",
        f"{sha(other)}-{world.worker_a}.part",
    ]
    assert head(worker, f"/api/blobs/{sha(data)}").headers.get("Upload-Offset") is None

    with app.app_context():
        assert service.purge_stale_uploads(now + timedelta(days=2)) == 1
    assert count(app, BlobUpload) == 0 and list(parts.iterdir()) == []


# --- who may read ------------------------------------------------------------------------


def test_only_the_uploader_reads_and_others_cannot_tell_it_exists(worker, steward):
    data = sideways_jpeg()
    put(worker, data)
    unknown = get(steward, f"/api/blobs/{sha(b'never uploaded')}")
    for url in (f"/api/blobs/{sha(data)}", f"/api/blobs/{sha(data)}/thumb"):
        assert get(worker, url).status_code == 200
        hidden = get(steward, url)
        assert hidden.status_code == 404 and hidden.get_json() == unknown.get_json()
        assert hidden.get_json()["error"]["code"] == "not_found"
    assert head(steward, f"/api/blobs/{sha(data)}").status_code == 404
    assert head(worker, f"/api/blobs/{sha(data)}").status_code == 200


def test_a_registered_reader_check_grants_access(worker, steward, world):
    data = sideways_jpeg()
    put(worker, data)
    calls = []

    def steward_sees_the_record(user, digest):
        calls.append((user.id, digest))
        return user.id == world.steward and digest == sha(data)

    authz.register_blob_reader(steward_sees_the_record)
    authz.register_blob_reader(steward_sees_the_record)  # once is enough
    try:
        got = get(steward, f"/api/blobs/{sha(data)}")
        assert got.status_code == 200 and got.data == get(worker, f"/api/blobs/{sha(data)}").data
        assert get(steward, f"/api/blobs/{sha(data)}/thumb").status_code == 200
        assert calls[0] == (world.steward, sha(data))
        assert put(steward, b"", digest=sha(data)).status_code == 200  # a reader's retry: nothing to send
    finally:
        authz.unregister_blob_reader(steward_sees_the_record)
    assert get(steward, f"/api/blobs/{sha(data)}").status_code == 404


def test_conditional_get_answers_304(worker):
    data = png()
    put(worker, data)
    etag = get(worker, f"/api/blobs/{sha(data)}").headers["ETag"]
    again = get(worker, f"/api/blobs/{sha(data)}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


# --- signing in, CSRF, roles ------------------------------------------------------------------


def test_anonymous_is_401(world, auth, client, app):
    data = png()
    response = auth.send("PUT", f"/api/blobs/{sha(data)}", data=data)  # CSRF token, no session
    assert response.status_code == 401 and error(response)["code"] == "unauthorized"
    assert client.get(f"/api/blobs/{sha(data)}").status_code == 401
    assert count(app, Blob) == 0


def test_put_without_csrf_token_is_rejected(worker, app):
    data = png()
    response = worker.client.put(f"/api/blobs/{sha(data)}", data=data)
    assert response.status_code == 400 and error(response)["code"] == "csrf"
    assert count(app, Blob) == 0 and stored_files(app) == []


def test_a_user_without_a_role_may_not_upload(world, app):
    with app.app_context():
        user("无角色用户", phone="13712340000")
        db.session.commit()
    nobody = AuthActions(app.test_client())
    assert nobody.login("13712340000", PASSWORD).status_code == 200
    response = put(nobody, png())
    assert response.status_code == 403 and error(response)["code"] == "forbidden"
    assert count(app, Blob) == 0


def test_malformed_ids_are_422_on_put_and_404_on_get(worker):
    response = put(worker, png(), digest="ABC")
    assert response.status_code == 422
    assert error(response)["fields"] == {"sha256": ["应为 64 位小写十六进制的 SHA-256。"]}
    assert put(worker, png(), digest=sha(png()).upper()).status_code == 422
    assert get(worker, "/api/blobs/not-a-hash").status_code == 404
