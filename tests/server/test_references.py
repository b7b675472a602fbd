"""Every file and module of the server that the code's comments and docstrings, the tests and the
written documents (README, PROTOCOL.md, any DESIGN document in the repository) name exists: a path
like `server/__init__.py` (or a folder), a dotted module like `server.extensions`, and the
function, class or value a dotted name ends in (`server.extensions.db`). A module moved without its
mentions fails here, not in a reader's head."""

import ast
import io
import os
import re
import tokenize
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {"node_modules", "test-artifacts", "dist", "build", "__pycache__"}
PYTHON_FOLDERS = {"server", "sync", "tests"}  # every Markdown file counts, wherever it is
# `server` then folders and a file, or dotted names; not when it is the end of a longer name or
# path (`webserver/…`, `…/server/…` in a URL, an attribute named server).
PATH = re.compile(r"(?<![\w./-])server(?:/[\w-]+)+(?:\.py)?/?")
DOTTED = re.compile(r"(?<![\w./-])server(?:\.[A-Za-z_]\w*)+")


def _files(*suffixes: str) -> list[Path]:
    """The repository's files ending so, outside installed packages and build output."""
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED and not name.startswith(".")]
        found.extend(Path(folder) / name for name in names if name.endswith(suffixes))
    return sorted(found)


def _python_text(path: Path) -> str:
    """The comments and string constants of a Python file, not its code (a method called on a
    variable named server is no module). An f-string gives its literal parts only."""
    parts = []
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            parts.append(token.string)
        elif token.type == tokenize.STRING:
            node = ast.parse(token.string, mode="eval").body
            values = node.values if isinstance(node, ast.JoinedStr) else [node]
            parts.extend(v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return "\n".join(parts)


def _sources() -> dict[str, str]:
    texts = {}
    for path in _files(".py", ".md"):
        name = str(path.relative_to(ROOT))
        if path.suffix == ".md":
            texts[name] = path.read_text(encoding="utf-8")
        elif path.relative_to(ROOT).parts[0] in PYTHON_FOLDERS:
            texts[name] = _python_text(path)
    return texts


@cache
def _top_level_names(module_file: Path) -> dict[str, ast.AST]:
    """What a module defines or imports at its top level (name → node)."""
    names = {}
    for node in ast.parse(module_file.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def _module_file(parts: list[str]) -> Path | None:
    path = ROOT.joinpath(*parts)
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted_exists(name: str) -> bool:
    """The longest module prefix exists, and the name after it is defined there (a class's
    attribute after that too); further parts are not followed."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module = _module_file(parts[:cut])
        if module is None:
            continue
        rest = parts[cut:]
        if not rest:
            return True
        node = _top_level_names(module).get(rest[0])
        if node is None:
            return False
        if len(rest) > 1 and isinstance(node, ast.ClassDef):
            return any(
                rest[1] in {getattr(n, "name", None), *(getattr(t, "id", None) for t in getattr(n, "targets", []))}
                for n in node.body
            )
        return True
    return False


def _references() -> list[tuple[str, str, str]]:
    found = []
    for source, text in _sources().items():
        for match in PATH.finditer(text):
            found.append((source, "path", match.group().rstrip("/")))
        for match in DOTTED.finditer(text):
            found.append((source, "module", match.group()))
    return found


def test_the_scan_finds_the_references_it_is_meant_to():
    """The patterns see what they check (an empty scan passes anything), and tell a name that is
    not there. (The examples are this module's docstring: the app's factory and extensions.)"""
    found = {(source, kind, name) for source, kind, name in _references()}
    here = str(Path(__file__).relative_to(ROOT))
    assert {(here, "path", "server/__init__.py"), (here, "module", "server.extensions.db")} <= found
    assert sum(kind == "path" for _s, kind, _n in found) > 50 and sum(kind == "module" for _s, kind, _n in found) > 10
    assert _dotted_exists("server.extensions.db")
    nowhere = ".".join(["server", "core", "nowhere"])  # spelt in parts: the scan reads this file too
    no_such_name = ".".join(["server", "extensions", "no_such_name"])
    assert not _dotted_exists(nowhere) and not _dotted_exists(no_such_name)


def test_every_server_file_and_module_named_exists():
    missing = sorted(
        f"{source}: {name}"
        for source, kind, name in _references()
        if not ((ROOT / name).exists() if kind == "path" else _dotted_exists(name))
    )
    assert missing == [], "named but not in the tree:\n" + "\n".join(missing)
