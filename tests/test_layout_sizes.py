"""The house stays small-grained (issue 14): no module over 400 lines, no function over 60
(nested functions counted inside their parent), migrations excepted; ``sync/`` keeps at most a
dozen flat modules beside its job packages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("connectors", "mappings", "sync", "store", "service", "simulators", "benchmarks", "tests")
MODULE_LINES, FUNCTION_LINES, SYNC_FLAT = 400, 60, 12


def sources() -> list[Path]:
    """Every Python file of the project, migrations excepted."""
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def long_functions(path: Path) -> list[str]:
    """``path:line name (length)`` of each function longer than the limit."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > FUNCTION_LINES
    ]


def test_no_module_is_over_400_lines() -> None:
    """Each module fits in a reader's head; a longer one is split by concern."""
    over = [
        f"{path.relative_to(ROOT)} ({lines})"
        for path in sources()
        if (lines := path.read_text(encoding="utf-8").count("\n")) > MODULE_LINES
    ]
    assert over == [], over


def test_no_function_is_over_60_lines() -> None:
    """Long functions are broken into named steps."""
    over = [line for path in sources() for line in long_functions(path)]
    assert over == [], over


def test_sync_has_at_most_a_dozen_flat_modules() -> None:
    """Jobs get their own package; the flat modules of ``sync/`` are its shared core."""
    flat = sorted(p.name for p in (ROOT / "sync").glob("*.py") if p.name != "__init__.py")
    assert len(flat) <= SYNC_FLAT, flat
