"""The package keeps its shape: imports run one way, from the command line down to the stages, with no cycle.

Read from the code itself with `ast`, so that a new import that runs back up, or sideways between two stages,
fails here before it tangles the house.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "knowledge_bites"
# Each part of the package, and the parts it may import (besides itself). A module's part is its folder inside the
# package, or for a module at the top level, the name given here.
ALLOWED: dict[str, set[str]] = {
    "foundation": set(),
    "sources": {"foundation"},
    "render": {"foundation", "sources"},
    "printing": {"foundation"},
    "pipeline": {"foundation", "sources", "render", "printing"},
    "translating": {"foundation", "sources"},
    "outputs": {"foundation", "sources", "render", "printing", "pipeline"},
    "session": {"foundation", "sources", "render", "printing", "pipeline", "outputs", "translating"},
    "preview": {
        "foundation",
        "sources",
        "render",
        "printing",
        "pipeline",
        "outputs",
        "session",
        "translating",
        "releasing",
    },
    "importing": {"foundation", "sources"},  # a command that writes a source: it reads it as the build does
    # Editions of what a build made, and what changed since one: read like the build reads the output folder.
    "releasing": {"foundation", "sources", "render", "printing", "pipeline", "outputs", "session", "translating"},
    "cli": {
        "foundation",
        "sources",
        "render",
        "printing",
        "pipeline",
        "outputs",
        "session",
        "preview",
        "importing",
        "translating",
        "releasing",
    },
}
TOP_LEVEL = {
    "__init__": "foundation",
    "problems": "foundation",
    "files": "foundation",
    "lifetime": "foundation",
    "lock": "foundation",
    "record": "pipeline",
    "freshness": "pipeline",
    "names": "foundation",
    "limits": "foundation",
    "project": "foundation",
    "locations": "foundation",
    "pipeline": "pipeline",
    "workers": "pipeline",
    "session": "session",
    "commands": "session",
    "cli": "cli",
}
MAX_LINES = 400


def modules() -> dict[str, Path]:
    """Return every module of the package by its dotted name (`knowledge_bites.sources.loading`)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def part_of(name: str) -> str:
    """Return the part of the package a module belongs to."""
    inner = name.split(".")[1:] or ["__init__"]
    if len(inner) > 1 or (PACKAGE / inner[0]).is_dir():
        return inner[0]
    return TOP_LEVEL[inner[0]]


def imports(name: str, path: Path, *, with_type_hints: bool) -> set[str]:
    """Return the modules of the package that a module imports, at its top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    type_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_only and not with_type_hints:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            known = modules()
            submodules = {f"{base}.{alias.name}" for alias in node.names} & set(known)  # `from . import images`
            found |= submodules or {base}
    known = modules()
    return {target for target in found if target in known and target != name}


def test_every_module_has_a_place_in_the_house():
    top = [name.split(".")[1] for name in modules() if len(name.split(".")) == 2]
    unplaced = [name for name in top if name not in TOP_LEVEL and not (PACKAGE / name).is_dir()]
    assert unplaced == [], "give each new top-level module its part in TOP_LEVEL"
    assert {part_of(name) for name in modules()} <= set(ALLOWED)


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_run_down_never_up_or_sideways(name):
    part = part_of(name)
    wrong = sorted(
        f"{target} ({part_of(target)})"
        for target in imports(name, modules()[name], with_type_hints=True)
        if part_of(target) != part and part_of(target) not in ALLOWED[part]
    )
    assert wrong == [], f"{name} ({part}) may import only {sorted(ALLOWED[part])} and itself"


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """Return one cycle of the graph (a list that ends where it starts), or an empty list."""
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str]:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in done:
            return []
        for target in sorted(graph.get(name, ())):
            if cycle := visit(target, [*trail, name]):
                return cycle
        done.add(name)
        return []

    return next((cycle for name in sorted(graph) if (cycle := visit(name, []))), [])


def test_no_import_cycle():
    """Imports made only for type hints count too: a circle of them is a circle of ideas all the same."""
    graph = {name: imports(name, path, with_type_hints=True) for name, path in modules().items()}
    assert find_cycle(graph) == []


def test_no_module_is_longer_than_one_readable_file():
    lengths = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    long = {name: lines for name, lines in lengths.items() if lines > MAX_LINES}
    assert long == {}, f"split these modules by what they do: at most {MAX_LINES} lines each"


def test_the_import_reader_sees_upward_and_sideways_imports(tmp_path):
    """The checks above can fail: a module that reaches up into the command line is caught."""
    module = tmp_path / "bad.py"
    module.write_text("from ..cli import main\nfrom ..printing import contract\n", encoding="utf-8")
    found = imports("knowledge_bites.render.bad", module, with_type_hints=True)
    assert found == {"knowledge_bites.cli", "knowledge_bites.printing.contract"}
    assert {part_of(t) for t in found} - ALLOWED["render"] == {"cli", "printing"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
