"""Docs that are tested: every setting is in the README, its commands exist and work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from service.settings import Settings

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def _setting_names(model: type[BaseModel], prefix: str) -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += _setting_names(annotation, f"{prefix}{name.upper()}__")
        else:
            names.append(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_documented() -> None:
    """Each EKINERJA_* variable the settings read has a row in the README."""
    missing = [n for n in _setting_names(Settings, "EKINERJA_") if f"`{n}`" not in README]
    assert missing == []


def test_readme_has_the_two_commands_and_ci_runs_the_second() -> None:
    """The README's first command runs the demo; .ci/run runs the second verbatim."""
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert "ekinerja-sync demo" in blocks[0]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text()


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    """`ekinerja-sync demo` exits 0 and shows each kind of outcome."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "demo",
            "--employees",
            "300",
            "--db",
            str(tmp_path / "demo.db"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for word in (
        "Rekonsiliasi",
        "baru (dibuat dari SIASN)",
        "diperbarui",
        "keluar",
        "Konflik menunggu admin",
        "Sinkron SIASN",
    ):
        assert word in result.stdout
    assert (tmp_path / "demo.db").exists()
