"""Print the server's import figures, by the rule tests/server/test_imports.py holds it to:
modules, import circles, imports up a layer, imports between domains, imports inside functions.

    python scripts/import_figures.py            # this tree
    python scripts/import_figures.py /tmp/old   # another checkout (e.g. git worktree add /tmp/old 6749b32)

An older tree may have packages the rule does not know (server/periodic.py, before it moved into
the core): they are counted in the core, where their helpers went."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
RULE = HERE / "tests" / "server" / "test_imports.py"


def figures(root: Path) -> dict:
    source = RULE.read_text().replace("ROOT = Path(__file__).resolve().parents[2]", f"ROOT = Path({str(root)!r})")
    rule: dict = {"__name__": "import_rule"}
    exec(compile(source, str(RULE), "exec"), rule)
    layers, edges = rule["LAYERS"], rule["EDGES"]
    for package in {rule["_package"](m) for m in rule["MODULES"]} - set(rule["RANK"]):
        layers["core"] += (package,)
    rank = {p: r for r, ps in enumerate(layers.values()) for p in ps}
    layer_of = {p: name for name, ps in layers.items() for p in ps}
    counts = {"modules": len(rule["MODULES"]), "up a layer": 0, "between domains": 0, "inside functions": 0}
    for module, found in edges.items():
        source_package = rule["_package"](module)
        for target, _line, local in found:
            counts["inside functions"] += local
            dest = rule["_package"](target)
            if dest == source_package:
                continue
            if rank[dest] > rank[source_package]:
                counts["up a layer"] += 1
            elif layer_of[dest] == layer_of[source_package] and layer_of[dest] not in rule["MUTUAL"]:
                counts["between domains"] += 1
    counts["circles"] = len(rule["import_circles"](edges))
    return counts


if __name__ == "__main__":
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    for name, value in figures(root).items():
        print(f"{name:>18}: {value}")
