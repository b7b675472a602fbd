"""Pull cursors (PROTOCOL.md §5.2): opaque to clients, a versioned token here. A cursor holds
the server's epoch, the highest purged tombstone when it was issued (§5.5), and, per bucket,
the sequence number the client has seen up to."""

import base64
import json

from sync._errors import CursorInvalid

CURSOR_VERSION = 1
SEQ_MAX = 2**63 - 1


def encode_cursor(epoch: str, positions: dict[str, int], purge_mark: int = 0) -> str:
    payload = {"v": CURSOR_VERSION, "e": epoch, "p": purge_mark, "b": dict(sorted(positions.items()))}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_count(value) -> bool:
    # bool is an int subclass: refused on purpose; seqs are 64-bit (a bigger one names nothing)
    return type(value) is int and 0 <= value <= SEQ_MAX


def decode_cursor(token: str | None) -> tuple[str | None, dict[str, int], int]:
    """(epoch, {bucket: seq}, purge mark); an empty or missing cursor is the start."""
    if not token:
        return None, {}, 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or type(payload.get("v")) is not int or payload["v"] != CURSOR_VERSION:
            raise ValueError("version")
        if not isinstance(payload.get("e"), str) or not _is_count(payload.get("p", 0)):
            raise ValueError("epoch or purge mark")
        positions = payload["b"]
        if not isinstance(positions, dict) or not all(
            isinstance(b, str) and _is_count(s) for b, s in positions.items()
        ):
            raise ValueError("positions")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise CursorInvalid("this cursor was not issued by this server") from exc
    return payload["e"], positions, payload.get("p", 0)
