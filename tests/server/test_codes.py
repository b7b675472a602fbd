"""Typed and signed codes (server/core/codes.py, PROTOCOL.md §15.1) against the vectors the PWA's
half is held to (tests/vectors/codes.json, pwa/tests/codes.test.mjs)."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from server.core import codes

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "codes.json").read_text())


@pytest.mark.parametrize("case", VECTORS["mac"], ids=lambda c: c["message"] or "empty")
def test_mac_vectors(case):
    assert codes.mac(case["key"], case["message"], case["length"]) == case["mac"]
    assert codes.verify(case["key"], case["message"], case["mac"].lower(), case["length"])
    assert not codes.verify(case["key"], case["message"] + "x", case["mac"], case["length"])


@pytest.mark.parametrize("case", VECTORS["base32"], ids=lambda c: c["hex"] or "empty")
def test_base32_vectors(case):
    assert codes.base32(bytes.fromhex(case["hex"])) == case["base32"]


def test_base32_is_the_bits_five_at_a_time():
    # 0b11111 00000 11111 0(0000): independent of the implementation's arithmetic
    assert codes.base32(bytes([0b11111000, 0b00111110])) == "Z0Z0"


def test_mac_is_hmac_sha256():
    key = codes.new_key()
    digest = hmac.new(codes._key_bytes(key), "活动:1".encode(), hashlib.sha256).digest()
    assert codes.mac(key, "活动:1", 52) == codes.base32(digest)


@pytest.mark.parametrize("case", VECTORS["normalise"], ids=lambda c: c["typed"])
def test_normalise_vectors(case):
    assert codes.normalise(case["typed"]) == case["normal"]


@pytest.mark.parametrize("case", VECTORS["window"], ids=lambda c: str(c["ms"]))
def test_window_vectors(case):
    instant = datetime.fromtimestamp(case["ms"] / 1000, UTC)
    assert codes.window(instant, case["seconds"]) == case["window"]


def test_keys_and_random_codes():
    keys = {codes.new_key() for _ in range(50)}
    assert len(keys) == 50 and all(len(codes._key_bytes(k)) == 32 for k in keys)
    code = codes.random_code(8)
    assert len(code) == 8 and set(code) <= set(codes.ALPHABET)
    assert codes.grouped("ABCDEFGHJK") == "ABCD-EFGH-JK"


def test_verify_refuses_what_is_not_a_code():
    key = codes.new_key()
    assert not codes.verify(key, "m", None)
    assert not codes.verify(key, "m", "")
    assert not codes.verify(codes.new_key(), "m", codes.mac(key, "m"))
