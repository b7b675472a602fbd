"""pwa/generated/constants.json is what server/client_constants.py gathers today: the PWA reads its
limits and vocabularies from it (pwa/tests/constants.test.mjs checks that it does)."""

import json
import runpy
import uuid
from pathlib import Path

from server.client_constants import client_constants

ROOT = Path(__file__).resolve().parents[2]
EXPORT = runpy.run_path(str(ROOT / "scripts" / "export_constants.py"))
STALE = "pwa/generated/constants.json is stale: run `python scripts/export_constants.py` and commit it"


def test_the_committed_constants_are_the_servers():
    committed = EXPORT["OUTPUT"].read_text(encoding="utf-8")
    assert json.loads(committed) == client_constants(), STALE
    assert committed == EXPORT["render"](), STALE + " (written by hand?)"


def test_the_limits_are_numbers_and_the_vocabularies_lists_of_codes():
    for domain, values in client_constants().items():
        for name, value in values.items() if isinstance(values, dict) else [(domain, values)]:
            if name.endswith("_MAX") or name.startswith("MAX_"):
                assert type(value) is int and value > 0, name
            elif name.endswith("_MIN"):
                assert type(value) in (int, float) and value > 0, name
            elif name.endswith("_NAMESPACE"):  # a UUIDv5 namespace both sides derive ids in
                assert str(uuid.UUID(value)) == value, name
            elif name == "WORDS":  # catalog entries by language: the same keys, a word for every code
                keys = {f"vocab.skill.{c}" for c in values["SKILLS"]} | {f"vocab.slot.{c}" for c in values["SLOTS"]}
                assert {locale: set(words) for locale, words in value.items()} == {"zh-CN": keys, "en": keys}
                assert all(text for words in value.values() for text in words.values())
            elif value and all(isinstance(row, list) for row in value):  # a table: (code, number) pairs
                assert all(len(row) == 2 and {type(cell) for cell in row} == {str, int} for row in value), name
                assert len({next(c for c in row if isinstance(c, str)) for row in value}) == len(value), name
            else:
                assert value and all(isinstance(code, str) and code.isidentifier() for code in value), name
                assert len(set(value)) == len(value), name
