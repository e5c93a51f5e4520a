"""The house rules run with the suite: ruff and mypy --strict are clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy", "."]], ids=["ruff", "mypy"])
def test_tool_is_clean(tool: list[str]) -> None:
    """The whole tree passes the tool with the project's configuration."""
    exe = shutil.which(tool[0], path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip(f"{tool[0]} is not installed (pip install -e '.[test]')")
    result = subprocess.run([exe, *tool[1:]], capture_output=True, text=True, cwd=ROOT,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
