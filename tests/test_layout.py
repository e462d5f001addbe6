"""The tree draws the architecture: scrapers/ and db/ sit below scout/, scout's packages import only the ones before
them, nothing imports in a circle, and no module outgrows the ~400-line guide."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from tests.helpers import REPO

# scout's packages in the order they may import each other: each imports only packages to its left.
ORDER = ("pages", "crawl", "identity", "scoring", "outreach", "privacy", "dashboard", "replica", "demo", "cli")
# leaf modules every package may use
SHARED = ("__init__", "errors", "settings", "sanitize", "money", "lazy", "outputs")
MAX_LINES = 420  # the ~400-line guide, with a little room


def _modules(top: str) -> dict[str, Path]:
    out = {}
    for path in sorted((REPO / top).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(REPO).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = {**_modules("scout"), **_modules("scrapers"), **_modules("db")}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions (type-only imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


def _unit(module: str) -> str:
    """The layer a module belongs to: scrapers, db, a scout package, or a shared scout module."""
    parts = module.split(".")
    if parts[0] != "scout":
        return parts[0]
    if len(parts) == 1:
        return "__init__"  # scout/__init__.py: the version
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith(("scrapers", "db"))])
def test_scrapers_and_db_import_nothing_from_scout(module: str) -> None:
    assert not {name for name in _imports(MODULES[module]) if name.startswith("scout")}
    if module.startswith("scrapers"):
        assert not {name for name in _imports(MODULES[module]) if name.startswith("db")}


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("scout")])
def test_a_scout_package_imports_only_the_packages_before_it(module: str) -> None:
    own = _unit(module)
    for name in _imports(MODULES[module]):
        other = _unit(name)
        if other in ("scrapers", "db", own) or other in SHARED:
            continue
        assert own not in SHARED, f"{module} is shared by every package but imports {name}"
        assert ORDER.index(other) < ORDER.index(own), f"{module} ({own}) imports {name} ({other}), which comes later"


def test_no_module_imports_in_a_circle() -> None:
    graph = {module: _imports(path) - {module} for module, path in MODULES.items()}
    state: dict[str, int] = defaultdict(int)  # 0 unseen, 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for name in sorted(graph[module]):
            if state[name] == 1:
                loop = path[path.index(name):] + [name] if name in path else [module, name]
                pytest.fail("import cycle: " + " -> ".join(loop))
            if state[name] == 0:
                visit(name, [*path, name])
        state[module] = 2

    for module in MODULES:
        if state[module] == 0:
            visit(module, [module])


@pytest.mark.parametrize("module", list(MODULES))
def test_modules_stay_small(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by what its parts hold"


def test_every_package_is_a_package() -> None:
    for top in ("scout", "scrapers", "db"):
        for folder in [REPO / top, *(p for p in (REPO / top).rglob("*") if p.is_dir())]:
            if folder.name in ("__pycache__", "migrations", "versions", "templates", "static"):
                continue
            assert (folder / "__init__.py").is_file(), f"{folder.relative_to(REPO)} has no __init__.py"
