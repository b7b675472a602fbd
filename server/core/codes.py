"""Short codes people type or scan (PROTOCOL.md §15.1): random ones the server issues, and signed
ones a phone makes offline with a key the server gave it — an organiser's check-in code that
changes every 30 s, a grid worker's household invitation — which the server checks when they
sync. One alphabet for both (Crockford's base32: no I, L, O or U to misread), and one reading of
what was typed (case, spaces, dashes and the look-alikes folded). pwa/js/codes.js is the same
in the browser; tests/vectors/codes.json holds both to the same answers."""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
KEY_BYTES = 32
MAC_LENGTH = 10  # 50 bits: guessing one is a million million tries, and the server counts tries
WINDOW_SECONDS = 30


def new_key() -> str:
    """A fresh signing key, as the phone receives it: 32 random bytes, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).rstrip(b"=").decode()


def _key_bytes(key: str) -> bytes:
    return base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))


def base32(data: bytes) -> str:
    """The bits of `data`, most significant first, five at a time (the last group padded with 0)."""
    bits = int.from_bytes(data, "big")
    count = len(data) * 8
    groups = -(-count // 5)
    bits <<= groups * 5 - count
    return "".join(ALPHABET[(bits >> (5 * (groups - 1 - i))) & 31] for i in range(groups))


def mac(key: str, message: str, length: int = MAC_LENGTH) -> str:
    """HMAC-SHA256 of the message (UTF-8) under the key, as `length` base32 characters."""
    digest = hmac.new(_key_bytes(key), message.encode(), hashlib.sha256).digest()
    return base32(digest)[:length]


def normalise(typed: str) -> str:
    """What was typed or scanned, as the alphabet: upper case, no spaces or dashes, O → 0, I and L → 1."""
    return "".join(ch for ch in typed.upper().translate(_LOOK_ALIKES) if ch not in " -_\t")


def verify(key: str, message: str, code: str, length: int = MAC_LENGTH) -> bool:
    """Whether `code` is the message's MAC under the key (compared in constant time)."""
    return isinstance(code, str) and hmac.compare_digest(mac(key, message, length), normalise(code))


def random_code(length: int = 8) -> str:
    """A code the server issues and stores (a report-to code, a one-time password code)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def window(instant: datetime, seconds: int = WINDOW_SECONDS) -> int:
    """The number of the time window an instant falls in (whole `seconds` since 1970, UTC)."""
    return int(instant.timestamp() // seconds)


def grouped(code: str, size: int = 4) -> str:
    """A code as people read it aloud: ABCD-EFGH-JK."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))
