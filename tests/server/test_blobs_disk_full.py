"""A full photo disk (issue 18's fault): uploads are refused with a clear error (507
`storage_full`, Retry-After, in the user's language), nothing is half-written — no file of the
photo, no thumbnail without its image, a chunked upload's offset where it was — and once space is
freed the same upload goes through. The disk is a real small tmpfs (mounting needs root, as the
test machines run)."""

import io
import os
import random
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from server.blobs.models import Blob, BlobUpload
from tests.server.test_blobs import head, put, put_range, sha, worker  # noqa: F401  the fixture

DISK_BYTES = 2 * 1024 * 1024


@pytest.fixture
def small_disk(app, tmp_path):
    mount = tmp_path / "blobs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a small tmpfs for the photo folder (needs root): {done.stderr.strip()}")
    app.config["BLOB_DIR"] = str(mount)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def noisy_jpeg(seed: int, side: int = 400) -> bytes:
    """A photo that does not compress much (~150 KB), as a camera's would not."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), bytes(rng.getrandbits(8) for _ in range(side * side * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk but `leave` bytes."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, free - leave))
    return filler


def files_of(disk: Path, digest: str) -> list[str]:
    return sorted(str(p.relative_to(disk)) for p in disk.rglob("*") if p.is_file() and digest in p.name)


def test_a_whole_upload_on_a_full_disk_is_507_and_leaves_nothing(small_disk, worker, app, db):  # noqa: F811
    photo = noisy_jpeg(1)
    digest = sha(photo)
    filler = fill(small_disk, leave=40 * 1024)

    answer = put(worker, photo)
    assert answer.status_code == 507, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "storage_full" and "存储空间已满" in error["message"]
    assert answer.headers["Retry-After"] == "300"
    assert files_of(small_disk, digest) == [] and not list(small_disk.rglob("*.tmp"))
    assert db.session.get(Blob, digest) is None
    assert head(worker, f"/api/blobs/{digest}").status_code == 404

    filler.unlink()  # space again: the same upload goes through
    assert put(worker, photo).status_code == 201
    folder = f"{digest[:2]}/{digest[2:4]}"
    assert files_of(small_disk, digest) == [f"{folder}/{digest}", f"{folder}/{digest}.thumb"]


def test_a_chunk_on_a_full_disk_keeps_the_offset_and_the_upload_resumes(small_disk, worker, app, db):  # noqa: F811
    photo = noisy_jpeg(2)
    digest = sha(photo)
    half = len(photo) // 2
    assert put_range(worker, photo, 0, half).status_code == 202
    filler = fill(small_disk, leave=16 * 1024)

    refused = put_range(worker, photo, half, len(photo))
    assert refused.status_code == 507 and refused.get_json()["error"]["code"] == "storage_full"
    resume = head(worker, f"/api/blobs/{digest}")
    assert resume.status_code == 404 and resume.headers["Upload-Offset"] == str(half)  # where it was
    upload = db.session.scalar(select(BlobUpload).where(BlobUpload.sha256 == digest))
    db.session.refresh(upload)
    assert upload.offset == half
    assert db.session.get(Blob, digest) is None

    filler.unlink()
    assert put_range(worker, photo, half, len(photo)).status_code == 201
    assert db.session.get(Blob, digest) is not None
