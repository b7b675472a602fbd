"""Writes the server constants the PWA reads to pwa/generated/constants.json (committed).

Run after changing a limit or a vocabulary the PWA uses (server/client_constants.py gathers them):

    .venv/bin/python scripts/export_constants.py

tests/server/test_client_constants.py fails until the file is written again."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "pwa" / "generated" / "constants.json"

sys.path.insert(0, str(ROOT))  # this checkout's server, wherever the script is run from

from server.client_constants import client_constants  # noqa: E402 (after the path above)


def render() -> str:
    """The file's text: sorted keys, 2-space indent, a trailing newline (stable diffs)."""
    return json.dumps(client_constants(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Writes the file."""
    OUTPUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
