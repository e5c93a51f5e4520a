"""DESIGN §2's layout rules are checked, not remembered: the import-linter contracts in
pyproject.toml ([tool.importlinter]) hold for the whole tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_import_contracts_are_kept() -> None:
    """lint-imports reports every contract kept: the import direction, simulators without
    product code, connectors independent of each other, pure mappings, private plumbing."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None, "lint-imports is missing: pip install -e '.[test]' -c constraints.txt"
    result = subprocess.run(
        [exe, "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_top_level_package_is_under_contract() -> None:
    """A new top-level package cannot slip past the contracts: each one the project ships is
    one of import-linter's root packages."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    roots = set(config["tool"]["importlinter"]["root_packages"])
    shipped = {path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name not in {"tests"}}
    assert shipped <= roots, f"not under contract: {sorted(shipped - roots)}"
