"""Imports only point down the layers (issue 15): read with ``ast`` over the whole tree, so a new
upward import fails here instead of tangling the packages again.

Layers, lowest first: ``core`` (settings, configuration files, directories, masking, and the basic types:
articles, dates, URLs, security ids) → ``tagging`` (pure
parsing and tagging) → ``store`` (Elasticsearch) → ``crawler`` (Scrapy spiders and middlewares) →
``pipelines`` (Scrapy item pipelines) → the services beside each other (``alerts``, ``scheduler``,
``ingest``, ``api``) → ``finnews`` (the command line only). ``replica`` (the local test sites) may use
the pure layers only.
"""

from __future__ import annotations

import ast
from pathlib import Path

from core.config import PROJECT_ROOT

# What each package may import of the project (itself always).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "tagging": {"core"},
    "store": {"core", "tagging"},
    "crawler": {"core", "tagging", "store"},
    "pipelines": {"core", "tagging", "store", "crawler"},
    "alerts": {"core", "tagging", "store"},
    "scheduler": {"core", "tagging", "store", "alerts"},
    "ingest": {"core", "tagging", "store"},
    "api": {"core", "tagging", "store", "scheduler"},
    "replica": {"core", "tagging"},
    "finnews": {"core", "tagging", "store", "crawler", "pipelines", "alerts", "scheduler", "ingest", "api", "replica"},
}
PACKAGES = set(ALLOWED)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in a file, at any depth (imports inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def upward_imports(root: Path) -> list[str]:
    """``file:line imports module`` for every import a package's layer does not allow."""
    problems = []
    for package in sorted(PACKAGES):
        for path in sorted((root / package).rglob("*.py")):
            for line, module in imported_modules(path):
                target = module.split(".")[0]
                if target in PACKAGES and target != package and target not in ALLOWED[package]:
                    problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_every_package_of_the_tree_has_a_layer() -> None:
    packages = {p.parent.name for p in PROJECT_ROOT.glob("*/__init__.py")}
    assert packages - {"tests", "bench"} == PACKAGES


def test_imports_only_point_down_the_layers() -> None:
    assert upward_imports(PROJECT_ROOT) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    # The checker itself must be able to fail: an upward import in a scratch tree is reported.
    (tmp_path / "tagging").mkdir()
    (tmp_path / "tagging" / "bad.py").write_text("def f():\n    from store.search import search\n", encoding="utf-8")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "fine.py").write_text("import core.dates\n", encoding="utf-8")
    assert upward_imports(tmp_path) == ["tagging/bad.py:2 imports store.search"]
