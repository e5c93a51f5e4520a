"""The access package stands on its own (issue 14.3): ``sync/access/`` imports only ``store``,
``mappings`` and ``sync.clock`` of our code, and the flat modules it replaced are gone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sync" / "access"
OURS = ("benchmarks", "connectors", "mappings", "service", "simulators", "store", "sync", "tests")
ALLOWED = ("store", "mappings", "sync.clock", "sync.access")


def imported(source: str) -> set[str]:
    """Every module a module of the package imports, anywhere in its ``source`` (``from sync
    import x`` counts as ``sync.x``; relative imports are resolved against ``sync.access``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parent = ".".join(("sync", "access")[: 3 - node.level]) if node.level else ""
            base = ".".join(part for part in (parent, node.module or "") if part)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def ours(module: str) -> bool:
    """Whether ``module`` is one of this project's packages (not the standard library or a dependency)."""
    return module.split(".")[0] in OURS


def allowed(module: str) -> bool:
    """Whether the access package may import ``module``."""
    return any(module == root or module.startswith(root + ".") for root in ALLOWED)


def test_imported_sees_every_form() -> None:
    """The parser sees plain, from, package-relative and in-function imports alike."""
    source = (
        "import service.api\nfrom sync import audit\nfrom . import rules\ndef f():\n    import connectors\n"
    )
    found = imported(source)
    assert found == {"service.api", "sync.audit", "sync.access.rules", "connectors"}
    assert sorted(m for m in found if not allowed(m)) == ["connectors", "service.api", "sync.audit"]


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_access_module_imports_only_store_mappings_and_clock(path: Path) -> None:
    """No module of ``sync/access/`` imports a sync job, a connector or the service."""
    foreign = sorted(m for m in imported(path.read_text(encoding="utf-8")) if ours(m) and not allowed(m))
    assert foreign == [], f"{path.name} imports {foreign}"


def test_flat_access_modules_are_gone() -> None:
    """No shim is left where the access modules used to be; the package took their place."""
    assert (PACKAGE / "rules.py").is_file() and (PACKAGE / "sessions.py").is_file()
    for old in ("access.py", "credentials.py", "known_users.py"):
        assert not (ROOT / "sync" / old).exists(), old
