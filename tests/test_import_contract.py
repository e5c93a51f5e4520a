"""The import contract of DESIGN §2, read from the source (ast), not from a running import.

Code outside ``connectors`` uses only its public modules (``connectors.errors``,
``connectors.factory``, the connector packages), never the private ``connectors._http``; no
module imports a ``_private`` module of a package it does not belong to; and a connector never
imports another connector, the store, the jobs or the service.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = ("connectors", "mappings", "sync", "store", "service", "simulators", "benchmarks")
OUTSIDE = ("service", "sync", "store", "benchmarks", "simulators", "mappings")
CONNECTORS = ("siasn", "myasn", "pmm")
CONNECTOR_SHARED = ("connectors._http", "connectors.errors", "connectors.factory", "connectors.storable")


def module_name(path: Path) -> str:
    """The dotted name of the module at ``path`` (a package's ``__init__`` is the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(*folders: str) -> Iterator[tuple[str, Path]]:
    """(name, path) of every module under ``folders`` of the repository."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ".venv" not in path.parts:
                yield module_name(path), path


def is_module(dotted: str) -> bool:
    """True when ``dotted`` names a first-party module or package of this repository."""
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(source: str, filename: str) -> set[str]:
    """Every first-party module ``source`` imports (``from a import b`` counts ``a.b`` when ``b``
    is a module), absolute imports only, at any depth (functions, ``TYPE_CHECKING`` blocks)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(n for n in names if n.split(".")[0] in FIRST_PARTY and is_module(n))
    return found


def private_owner(dotted: str) -> str | None:
    """The package a ``_private`` module belongs to (``a.b`` for ``a.b._c.d``), else None."""
    parts = dotted.split(".")
    for index, part in enumerate(parts):
        if index and part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def inside(module: str, package: str) -> bool:
    """True when ``module`` is ``package`` or one of its submodules."""
    return module == package or module.startswith(package + ".")


def private_imports(folders: tuple[str, ...]) -> list[str]:
    """``importer -> imported`` for every import of a private module from outside its package."""
    problems = []
    for name, path in modules(*folders):
        for imported in sorted(imported_modules(path.read_text(encoding="utf-8"), str(path))):
            owner = private_owner(imported)
            if owner is not None and not inside(name, owner):
                problems.append(f"{name} -> {imported}")
    return problems


def test_nothing_outside_connectors_imports_a_private_module() -> None:
    """service, sync, store, benchmarks, simulators and mappings import only public modules:
    ``connectors.errors`` and ``connectors.factory``, never ``connectors._http``."""
    scanned = sum(1 for _ in modules(*OUTSIDE))
    assert scanned > 100, "the product packages were not found: the scan is stale"
    problems = private_imports(OUTSIDE)
    assert not problems, "private modules imported from outside their package: " + ", ".join(problems)


def test_connectors_import_no_other_connector_nor_the_store() -> None:
    """A connector imports only itself and the shared connector modules (DESIGN §2)."""
    problems = []
    for connector in CONNECTORS:
        for name, path in modules(f"connectors/{connector}"):
            for imported in sorted(imported_modules(path.read_text(encoding="utf-8"), str(path))):
                own = inside(imported, f"connectors.{connector}")
                if not own and not any(inside(imported, shared) for shared in CONNECTOR_SHARED):
                    problems.append(f"{name} -> {imported}")
    assert not problems, "a connector imports beyond itself: " + ", ".join(problems)


def test_the_scanner_sees_private_imports_at_any_depth() -> None:
    """Imports inside functions and ``from a import _b`` of a private submodule are both seen."""
    source = (
        "import connectors._http.budget\n"
        "def f():\n    from connectors._http import retry\n"
        "from connectors import _http\n"
        "from connectors.errors import UpstreamError\n"
        "from .x import y\n"
    )
    found = imported_modules(source, "<test>")
    assert {"connectors._http", "connectors._http.budget", "connectors._http.retry"} <= found
    assert {private_owner(m) for m in found} == {"connectors", None}
    assert not inside("connectorsx.a", "connectors") and inside("connectors._http.x", "connectors")
