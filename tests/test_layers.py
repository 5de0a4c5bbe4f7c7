"""The apps form layers (docs/architecture.md): an app imports only apps below it, never one above
nor one that imports it back, not even inside a function.

Every import statement of src/genebank is read from the source (lazy ones included); the project's
top-level modules (urls, api_urls, cli, settings, wsgi) compose the apps and may import anything.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import genebank

ROOT = Path(genebank.__file__).parent

# Lowest first. Apps in one layer may import each other one way, never both ways.
LAYERS = [
    {"core"},
    {"accessions"},
    {"inventory"},
    {"viability", "regeneration", "distribution", "duplication"},
    {"exchange"},
    {"home"},
]
LAYER = {app: level for level, apps in enumerate(LAYERS) for app in apps}
SKIPPED_DIRS = {"migrations", "__pycache__", "templates", "static", "locale"}


def apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())


def imported_modules(path: Path, module: list[str]):
    """(line, dotted name) of each import in the file; relative imports resolved."""
    package = module if path.name == "__init__.py" else module[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            yield node.lineno, name
            # `from genebank import inventory` names the app in the imported names.
            if name == "genebank":
                for alias in node.names:
                    yield node.lineno, f"genebank.{alias.name}"


def app_imports() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> where ("accessions/views.py:12")."""
    known = set(apps())
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app in known:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIPPED_DIRS & set(relative.parts[:-1]):
                continue
            module = ["genebank", *relative.with_suffix("").parts]
            for line, name in imported_modules(path, module):
                parts = name.split(".")
                if len(parts) >= 2 and parts[0] == "genebank" and parts[1] in known - {app}:
                    edges[app][parts[1]].append(f"{relative}:{line}")
    return edges


def test_every_app_has_a_layer():
    unplaced = [app for app in apps() if app not in LAYER]
    assert not unplaced, f"add {unplaced} to LAYERS here and to docs/architecture.md"


def test_no_app_imports_one_above_it():
    upward = [
        f"{app} (layer {LAYER[app]}) imports {other} (layer {LAYER[other]}): {', '.join(where)}"
        for app, targets in app_imports().items()
        for other, where in targets.items()
        if LAYER.get(other, -1) > LAYER.get(app, -1)
    ]
    assert not upward, "\n".join(upward)


def test_no_two_apps_import_each_other():
    edges = app_imports()
    mutual = [
        f"{a} <-> {b}: {edges[a][b][0]}, {edges[b][a][0]}"
        for a in edges
        for b in edges[a]
        if a < b and a in edges.get(b, {})
    ]
    assert not mutual, "\n".join(mutual)


@pytest.mark.parametrize(
    "source, module, found",
    [
        ("import genebank.inventory.models", "accessions.views", "genebank.inventory.models"),
        ("from genebank.exchange.services import x", "accessions.views", "genebank.exchange"),
        ("def f():\n    from genebank.home import demo", "core.views", "genebank.home"),
        ("from genebank import inventory", "accessions.views", "genebank.inventory"),
        ("from ..inventory import models", "accessions.views", "genebank.inventory"),
        ("from ...exchange import services", "accessions.management.run", "genebank.exchange"),
    ],
)
def test_every_kind_of_import_is_seen(tmp_path, source, module, found):
    path = tmp_path / "module.py"
    path.write_text(source)
    names = [name for _line, name in imported_modules(path, ["genebank", *module.split(".")])]
    assert any(name == found or name.startswith(found + ".") for name in names), names
