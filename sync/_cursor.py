"""Pull cursors (PROTOCOL.md §5.2): opaque to clients, a versioned token here. A cursor holds
the server's epoch and, per bucket, the sequence number the client has seen up to."""
import base64
import json

from sync._errors import CursorInvalid

CURSOR_VERSION = 1


def encode_cursor(epoch: str, positions: dict[str, int]) -> str:
    payload = {"v": CURSOR_VERSION, "e": epoch, "b": dict(sorted(positions.items()))}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str | None) -> tuple[str | None, dict[str, int]]:
    """(epoch, {bucket: seq}); an empty or missing cursor is the start: (None, {})."""
    if not token:
        return None, {}
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
        if payload.get("v") != CURSOR_VERSION or not isinstance(payload.get("e"), str):
            raise ValueError("version")
        positions = payload["b"]
        if not isinstance(positions, dict) or not all(
            isinstance(b, str) and isinstance(s, int) and not isinstance(s, bool) and s >= 0 for b, s in positions.items()
        ):
            raise ValueError("positions")
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise CursorInvalid("this cursor was not issued by this server") from exc
    return payload["e"], positions
