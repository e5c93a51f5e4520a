"""Product code makes its checks with real exceptions, never ``assert`` (gone under ``python -O``)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("connectors", "mappings", "sync", "store", "service", "simulators")


def assert_statements(source: str, filename: str) -> list[int]:
    """Line numbers of every ``assert`` statement in ``source``."""
    tree = ast.parse(source, filename=filename)
    return sorted(node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert))


def test_product_code_has_no_assert_statements() -> None:
    """No module of the product packages contains an ``assert`` statement."""
    found = []
    scanned = 0
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ".venv" in path.parts:
                continue
            scanned += 1
            lines = assert_statements(path.read_text(encoding="utf-8"), str(path))
            found += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    assert scanned > 50, "the product packages were not found: the scan is stale"
    assert not found, f"assert used for checks in product code: {found}"


def test_the_scanner_finds_assert_in_nested_code() -> None:
    """The scan sees asserts inside functions, methods and async blocks, not only at top level."""
    source = (
        "class A:\n    async def f(self, x):\n        async with x:\n"
        "            assert x, 'nested'\n"
        "def g():\n    assert True\n"
    )
    assert assert_statements(source, "<test>") == [4, 6]


def test_cli_help_works_under_python_optimize() -> None:
    """The CLI still starts and answers ``--help`` with ``python -O`` (asserts stripped)."""
    result = subprocess.run(
        [sys.executable, "-O", "-m", "service.cli", "db", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "upgrade" in result.stdout
