"""The written contract: every error code the server can answer is in the documentation a client
reads, the OpenAPI (info: a table and `x-error-codes`, server/api.py ERROR_CODES) or
sync/PROTOCOL.md; the codes of the sync protocol are in PROTOCOL.md itself."""

import ast
import re
from pathlib import Path

from server.api import STATUS_CODES, refusal_texts
from server.errors import DomainError
from sync import SyncError

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
NEVER_ANSWERED = {"sync_error"}  # SyncError's own code: the library raises only its subclasses


def _literal_codes(folder: str) -> set[str]:
    """Codes written in the source: `code="…"` given to an error, `code = "…"` in a class or a
    handler (also `code, message = "…", …`), and `Rejection("…", …)`."""
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found.update(
                    k.value.value for k in node.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)
                )
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "Rejection" and node.args and isinstance(node.args[0], ast.Constant):
                    found.add(node.args[0].value)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == "code" and isinstance(node.value, ast.Constant):
                        found.add(node.value.value)
                    elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                        for name, value in zip(target.elts, node.value.elts):
                            if getattr(name, "id", None) == "code" and isinstance(value, ast.Constant):
                                found.add(value.value)
    return {code for code in found if isinstance(code, str) and CODE.match(code)} - NEVER_ANSWERED


def _subclass_codes(base) -> set[str]:
    stack, codes = [base], set()
    while stack:
        cls = stack.pop()
        codes.add(cls.code)
        stack.extend(cls.__subclasses__())
    return codes - NEVER_ANSWERED


def _refusal_codes() -> set[str]:
    """The refusals of records (rejections of mutations, and REST writes through the engine)."""
    return set(refusal_texts())


def _protocol_codes() -> set[str]:
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", (ROOT / "sync" / "PROTOCOL.md").read_text(encoding="utf-8")))


def _server_codes(app) -> set[str]:
    return (
        _literal_codes("server")
        | _subclass_codes(DomainError)
        | {code for code, _ in STATUS_CODES.values()}
        | _sync_codes()
    )


def _sync_codes() -> set[str]:
    return _literal_codes("sync") | _subclass_codes(SyncError) | _refusal_codes()


def test_every_error_code_is_documented(app, client):
    openapi = set(client.get("/api/openapi.json").get_json()["info"]["x-error-codes"])
    assert sorted(_server_codes(app) - openapi - _protocol_codes()) == []


def test_every_rest_code_is_in_the_openapi(app, client):
    openapi = set(client.get("/api/openapi.json").get_json()["info"]["x-error-codes"])
    rest = _literal_codes("server") | _subclass_codes(DomainError) | {code for code, _ in STATUS_CODES.values()}
    assert sorted(rest - openapi) == []


def test_every_sync_code_is_in_the_protocol(app):
    missing = sorted(_sync_codes() - _protocol_codes())
    assert missing == [], missing
