"""The server's import rule (server/__init__.py's docstring), read from the code: no circles, no
import hidden inside a function, no module importing a higher layer, no domain importing
another domain."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first; a module may import its own package and any lower layer.
LAYERS = {
    "core": ("core", "extensions", "errors", "api", "i18n"),
    "identity": ("auth", "org", "audit", "authz"),
    "sync": ("sync", "blobs", "realtime"),
    "push": ("push",),
    "notices": ("notices",),
    "ledger": ("ledger",),
    "domains": (
        "tasks",
        "inspections",
        "alerts",
        "wishes",
        "join",
        "members",
        "activities",
        "evaluation",
        "admin",
        "imports",
        "reports",
        "web",
    ),
    "assembly": ("__init__", "config", "cli", "console", "serving", "demo", "client_constants"),
}
# Layers whose packages may import each other (module circles are still refused).
MUTUAL = {"core", "identity", "sync", "assembly"}
RANK = {package: rank for rank, packages in enumerate(LAYERS.values()) for package in packages}
LAYER_OF = {package: layer for layer, packages in LAYERS.items() for package in packages}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / "server").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str, path: Path):
    """(imported server module, line, inside a function?) for each import of a server module."""
    tree = ast.parse(path.read_text())
    in_function = {
        id(node)
        for fn in ast.walk(tree)
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(fn)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name) if name.startswith("server") else None
            if target and target != module:
                yield target, node.lineno, id(node) in in_function


EDGES = {module: list(_imports(module, path)) for module, path in MODULES.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_server_package_has_a_layer():
    packages = {_package(m) for m in MODULES}
    assert packages <= set(RANK), (
        f"packages without a layer (add them to server/__init__.py's docstring and LAYERS): {packages - set(RANK)}"
    )


def test_no_import_hides_inside_a_function():
    hidden = [
        f"{MODULES[m].relative_to(ROOT)}:{line} imports {t}"
        for m, edges in EDGES.items()
        for t, line, local in edges
        if local
    ]
    assert hidden == []


def test_no_import_points_up_or_across_domains():
    wrong = []
    for module, edges in EDGES.items():
        source = _package(module)
        for target, line, _ in edges:
            dest = _package(target)
            if dest == source:
                continue
            same_layer = LAYER_OF[dest] == LAYER_OF[source]
            if RANK[dest] > RANK[source] or (
                same_layer and LAYER_OF[source] not in MUTUAL and RANK[dest] == RANK[source]
            ):
                where = f"{MODULES[module].relative_to(ROOT)}:{line}"
                wrong.append(f"{where} ({LAYER_OF[source]}) imports {target} ({LAYER_OF[dest]})")
    assert wrong == []


def import_circles(edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph = {m: {t for t, _, _ in found} for m, found in edges.items()}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in graph:
        if module not in index:
            visit(module)
    return circles


def test_no_import_circles():
    assert import_circles(EDGES) == []


@pytest.mark.parametrize("rule", ["upward", "across domains", "circle"])
def test_the_rules_catch_what_they_forbid(rule, tmp_path, monkeypatch):
    """The checks above fail on a planted offence (so a pass means something)."""
    edges = dict(EDGES)
    if rule == "upward":
        edges["server.core.clock"] = [("server.tasks.models", 1, False)]
    elif rule == "across domains":
        edges["server.tasks.service"] = [*EDGES["server.tasks.service"], ("server.inspections.models", 1, False)]
    else:
        edges["server.core.clock"] = [("server.core.fields", 1, False)]
        edges["server.core.fields"] = [*EDGES["server.core.fields"], ("server.core.clock", 1, False)]
    monkeypatch.setattr(__import__(__name__, fromlist=["EDGES"]), "EDGES", edges)
    check = test_no_import_circles if rule == "circle" else test_no_import_points_up_or_across_domains
    with pytest.raises(AssertionError):
        check()
