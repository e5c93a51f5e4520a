"""The house rules run with the suite: ruff (lint and format) and mypy --strict are clean, with
the checker versions pinned in constraints.txt."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)$")


@pytest.mark.parametrize(
    "tool",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy", "."]],
    ids=["ruff", "ruff-format", "mypy"],
)
def test_tool_is_clean(tool: list[str]) -> None:
    """The whole tree passes the tool with the project's configuration."""
    exe = shutil.which(tool[0], path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip(f"{tool[0]} is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [exe, *tool[1:]], capture_output=True, text=True, cwd=ROOT, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_test_tool_is_pinned_and_installed_at_its_pin() -> None:
    """Each package of the ``test`` extra has an exact version in constraints.txt, and the one
    installed here is that version (reinstall with ``-c constraints.txt`` when this fails)."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        found = PIN.match(line.strip())
        if found:
            pins[_canonical(found.group(1))] = found.group(2)
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    names = {_canonical(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in extra}
    assert {"ruff", "mypy", "pytest", "hypothesis", "schemathesis"} <= names
    assert sorted(names - pins.keys()) == []
    wrong = {}
    for name in sorted(names):
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "(not installed)"
        if installed != pins[name]:
            wrong[name] = (installed, pins[name])
    assert wrong == {}, "installed vs pinned; run pip install -e '.[test]' -c constraints.txt"
