"""What pwa/build.mjs wrote into pwa/dist/, for tests of the shell and the service worker."""

import json
import re

from server.web.routes import PWA_DIR


def shell_lists() -> dict[str, list[str]]:
    """SHELL_FILES (precached at install) and LAZY_FILES (the admin's chunks) of dist/sw.js."""
    source = (PWA_DIR / "sw.js").read_text(encoding="utf-8")
    return {
        name: json.loads(re.search(rf"const {name} = (\[[^;]*\]);", source).group(1))
        for name in ("SHELL_FILES", "LAZY_FILES")
    }
