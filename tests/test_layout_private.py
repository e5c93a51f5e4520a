"""No private name crosses a package boundary (issue 14.6), and the simulators import no product
code (DESIGN.md §2): read from the source with ``ast``, nothing is imported to check it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = ("connectors", "mappings", "sync", "store", "service", "simulators", "benchmarks", "tests")
PRODUCT = ("connectors", "mappings", "sync", "store", "service")


def _modules(root: Path) -> Iterator[tuple[Path, str, bool]]:
    """Every first-party module: its path, dotted name and whether it is a package's __init__."""
    for top in FIRST_PARTY:
        for path in sorted((root / top).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            init = parts[-1] == "__init__"
            yield path, ".".join(parts[:-1] if init else parts), init


def _is_package(root: Path, dotted: str) -> bool:
    """True when ``dotted`` names a folder with an ``__init__.py`` under ``root``."""
    return (root.joinpath(*dotted.split(".")) / "__init__.py").is_file()


def _package_of_module(dotted: str, init: bool) -> str:
    """The package a module belongs to (a package's __init__ belongs to the package itself)."""
    return dotted if init else dotted.rpartition(".")[0]


def _source(node: ast.ImportFrom, module: str, init: bool) -> str | None:
    """The absolute module ``from X import`` reads (relative imports resolved); None if foreign."""
    if node.level:
        base = module.split(".") if init else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    return name if name.split(".")[0] in FIRST_PARTY else None


def _private(name: str) -> bool:
    """A leading underscore that is not a dunder."""
    return name.startswith("_") and not name.startswith("__")


def private_imports(root: Path = ROOT) -> list[str]:
    """``path:line: from X import _name`` for each private name imported from another package."""
    found = []
    for path, module, init in _modules(root):
        here = _package_of_module(module, init)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _source(node, module, init)
            if source is None:
                continue
            there = source if _is_package(root, source) else source.rpartition(".")[0]
            for alias in node.names:
                if _private(alias.name) and there != here:
                    where = path.relative_to(root)
                    found.append(f"{where}:{node.lineno}: from {source} import {alias.name}")
    return found


def simulator_product_imports(root: Path = ROOT) -> list[str]:
    """``path:line: module`` for each import of product code in ``simulators/``."""
    found: list[str] = []
    for path, module, init in _modules(root):
        if not module.startswith("simulators"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [_source(node, module, init) or ""]
            else:
                continue
            found.extend(
                f"{path.relative_to(root)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in PRODUCT
            )
    return found


def test_no_private_name_is_imported_from_another_package() -> None:
    """A ``_name`` is imported only within its own package; anything shared has a public name
    in a public home (this found ``service.cli.runs._reconcile`` in the demo, once)."""
    assert private_imports() == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (path -> source) under ``root``; every folder gets an ``__init__.py``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for folder in path.relative_to(root).parents:
            if str(folder) != ".":
                (root / folder / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


def test_the_checkers_name_what_crosses_and_pass_what_does_not(tmp_path: Path) -> None:
    """On a sample tree: another package's private name (absolute or relative) and a simulator
    importing the product are named; the same package's private name, a dunder and a public
    name are not."""
    root = _tree(
        tmp_path,
        {
            "service/cli/runs.py": "def _reconcile() -> None: ...\n",
            "service/cli/app.py": "from service.cli.runs import _reconcile\nfrom .runs import _reconcile\n",
            "service/demo.py": "from service.cli.runs import _reconcile, __doc__\nfrom service import cli\n",
            "service/web.py": "from .cli.runs import _reconcile\n",
            "simulators/siasn.py": "import mappings.ranks\nfrom simulators import n\nfrom sync import x\n",
        },
    )
    assert private_imports(root) == [
        "service/demo.py:1: from service.cli.runs import _reconcile",
        "service/web.py:1: from service.cli.runs import _reconcile",
    ]
    assert simulator_product_imports(root) == [
        "simulators/siasn.py:1: mappings.ranks",
        "simulators/siasn.py:3: sync",
    ]


def test_simulators_import_no_product_code() -> None:
    """The simulators keep their own tables: nothing in ``simulators/`` imports connectors,
    mappings, sync, store or service (a simulator sharing our tables cannot catch our mistakes)."""
    assert simulator_product_imports() == []
