"""The server's catalog is whole in both languages: every message a server part makes (refusals,
notices written in each recipient's language at send time) has an English text, in English, with
the same placeholders as the Chinese one; every literal key the server code asks for exists."""

import pathlib
import re

from server.i18n import CATALOG, LOCALES

HAN = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
PLACEHOLDER = re.compile(r"\{(\w+)")
SERVER = pathlib.Path(__file__).resolve().parents[2] / "server"
# text_in(locale, "key" …) and _("key" …): the keys written out in full (f-string keys are
# checked through the catalog's own completeness above).
# A key that ends in "." is a prefix the code completes ("report.category." + kind).
ASKED = re.compile(r"""(?:\btext_in\([^,()]+,\s*|\b_\()\s*["']([a-z][\w.-]*[\w-])["']""")


def test_every_server_message_has_an_english_text_and_a_chinese_one(app):
    chinese, english = CATALOG["zh-CN"], CATALOG["en"]
    assert set(LOCALES) == {"zh-CN", "en"}
    assert sorted(set(chinese) - set(english)) == [], "keys without an English text"
    assert sorted(set(english) - set(chinese)) == [], "keys without a Chinese text"
    assert [key for key, text in english.items() if not text.strip()] == []


def test_the_english_texts_are_english_with_the_chinese_placeholders(app):
    chinese, english = CATALOG["zh-CN"], CATALOG["en"]
    assert [key for key, text in english.items() if HAN.search(text)] == [], "Chinese inside English texts"
    mismatched = [
        key for key in chinese if set(PLACEHOLDER.findall(chinese[key])) != set(PLACEHOLDER.findall(english[key]))
    ]
    assert mismatched == []


def test_every_key_the_server_asks_for_is_in_the_catalog(app):
    asked = {
        (path.relative_to(SERVER.parent).as_posix(), key)
        for path in SERVER.rglob("*.py")
        for key in ASKED.findall(path.read_text(encoding="utf-8"))
    }
    assert len(asked) > 100  # the pattern does find them
    assert sorted((where, key) for where, key in asked if key not in CATALOG["zh-CN"]) == []
