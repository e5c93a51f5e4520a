"""The ``ekinerja-sync`` command line as an operator runs it (subprocess, real sockets)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from service.cli.app import app
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.siasn import SiasnSimulator
from tests.helpers import staff_nip

COMMANDS = [
    ["sinkron"],
    ["pegawai", "show"],
    ["pegawai", "edit"],
    ["unor", "refresh"],
    ["unor", "klaim"],
    ["db", "upgrade"],
    ["db", "status"],
    ["serve"],
    ["simulate"],
    ["demo"],
    ["reconcile"],
    ["runs", "list"],
    ["runs", "show"],
    ["roster", "import"],
    ["schedule", "list"],
    ["doctor"],
    ["apikey", "create"],
    ["apikey", "list"],
    ["apikey", "revoke"],
    ["admin", "set-password"],
    ["operator", "grant"],
    ["operator", "revoke"],
    ["operator", "list"],
    ["pmm", "sync"],
    ["pmm", "import"],
    ["pmm", "status"],
    ["skp", "push"],
    ["unor", "cari"],
    ["unor", "list"],
]


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``ekinerja-sync ARGS`` in a fresh process (``stdin`` typed into it)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
        input=stdin,
    )


@pytest.fixture
def cli_env(siasn_settings: SiasnSettings, tmp_path: Path) -> dict[str, str]:
    """EKINERJA_* variables pointing at the simulator and a SQLite file."""
    return cli_environment(siasn_settings, tmp_path)


def cli_environment(siasn_settings: SiasnSettings, tmp_path: Path) -> dict[str, str]:
    """EKINERJA_* variables pointing at the simulator (``siasn_settings``) and a SQLite file."""
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "EKINERJA_LOG_FORMAT": "json"}
    for name, value in siasn_settings.model_dump().items():
        if value is None:
            continue
        secret = getattr(value, "get_secret_value", None)
        env[f"EKINERJA_SIASN__{name.upper()}"] = str(secret() if secret else value)
    return env


def leaf_commands() -> dict[tuple[str, ...], Any]:
    """Every runnable command of the app by its path (``("pegawai", "show")``)."""
    found: dict[tuple[str, ...], Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))
        else:
            found[path] = command

    walk(typer.main.get_command(app), ())
    return found


ENGLISH = re.compile(
    r"\b(the|and|of|to|for|with|from|print|show|only|which|your|this|"
    r"file|when|how|many|instead|every)\b|as JSON",
    re.IGNORECASE,
)


def test_every_option_and_argument_has_indonesian_help() -> None:
    """Each command's own help and every option's and argument's help is from the catalogue:
    present, and without the English words the original texts used ("print as JSON", "the")."""
    for path, command in leaf_commands().items():
        texts = [("", (command.help or "").split("Contoh:")[0])] + [
            (param.name or "", getattr(param, "help", None) or "") for param in command.params
        ]
        for name, text in texts:
            assert text.strip(), (path, name, "has no help text")
            assert not ENGLISH.search(text), (path, name, text)


def test_every_command_has_help_with_an_example() -> None:
    """`--help` of every command works and shows a "Contoh:" line (Bahasa Indonesia)."""
    commands = leaf_commands()
    assert {tuple(c) for c in COMMANDS} <= commands.keys(), "the command walk is stale"
    runner = CliRunner()
    for path in commands:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, (path, result.output)
        assert "Contoh:" in result.output and "Example" not in result.output, (path, result.output)


@pytest.mark.parametrize("command", [["pegawai", "edit"], ["serve"], ["operator", "list"]], ids=" ".join)
def test_help_in_a_real_process_is_indonesian(command: list[str]) -> None:
    """A real `--help` shows the catalogue's Indonesian help and example, not the docstring."""
    result = cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Contoh:" in result.stdout and "Example" not in result.stdout


@pytest.mark.e2e
def test_sinkron_json_then_pegawai_show(cli_env: dict[str, str], world: World) -> None:
    """`sinkron --json` prints one JSON object on stdout; logs go to stderr."""
    nip = staff_nip(world)
    assert cli("unor", "refresh", env=cli_env).returncode == 0
    result = cli("sinkron", nip, "--json", env=cli_env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["status"] == "created" and body["pegawai"]["nip"] == nip
    shown = cli("pegawai", "show", nip, "--json", env=cli_env)
    assert json.loads(shown.stdout)["pegawai"]["pns_id"] == world.pegawai[nip].pns_id


@pytest.mark.e2e
def test_edit_then_sinkron_keeps_local(cli_env: dict[str, str], world: World) -> None:
    """`pegawai edit` changes a field with --oleh/--alasan; a following sinkron keeps it."""
    nip = staff_nip(world)
    cli("sinkron", nip, env=cli_env)
    edited = cli(
        "pegawai", "edit", nip, "no_hp=081211112222", "--oleh", "ani", "--alasan", "nomor baru", env=cli_env
    )
    assert edited.returncode == 0, edited.stderr
    assert "081211112222" in edited.stdout
    result = json.loads(cli("sinkron", nip, "--json", env=cli_env).stdout)
    assert result["pegawai"]["no_hp"] == "081211112222"
    assert "menunggu_perbaikan_siasn" in {w["code"] for w in result["warnings"]}
    refused = cli("pegawai", "edit", nip, "nama=X", "--oleh", "a", "--alasan", "b", env=cli_env)
    assert refused.returncode == 2 and "milik SIASN" in refused.stderr


@pytest.mark.e2e
def test_not_found_exits_1_with_one_line(cli_env: dict[str, str]) -> None:
    """A NIP SIASN does not know: exit 1, one line on stderr, no traceback."""
    result = cli("sinkron", "199001012020011999", env=cli_env)
    assert result.returncode == 1
    assert "(not_found):" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.e2e
def test_upstream_fault_exits_1_without_traceback(
    cli_env: dict[str, str], world: World, sim: SiasnSimulator
) -> None:
    """SIASN down: exit 1, the reason on stderr, no traceback, nothing written."""
    sim.faults.script(*["503"] * 10, path="data-utama")
    nip = staff_nip(world)
    result = cli("sinkron", nip, env=cli_env)
    assert result.returncode == 1
    assert "(failed):" in result.stderr and "Traceback" not in result.stderr
    assert cli("pegawai", "show", nip, env=cli_env).returncode == 1


def test_bad_nip_and_missing_config_exit_2(tmp_path: Path) -> None:
    """Bad input and missing configuration are one-line errors with exit 2."""
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    missing = cli("sinkron", "198609262015051001", env=env)
    assert missing.returncode == 2
    assert "EKINERJA_SIASN__CONSUMER_KEY" in missing.stderr and "Traceback" not in missing.stderr
    env.update(
        {
            "EKINERJA_SIASN__CONSUMER_KEY": "k",
            "EKINERJA_SIASN__CONSUMER_SECRET": "s",
            "EKINERJA_SIASN__SSO_ACCESS_TOKEN": "t",
        }
    )
    bad = cli("sinkron", "12345", env=env)
    assert bad.returncode == 2 and "18 digit" in bad.stderr


@pytest.mark.e2e
def test_db_and_unor_commands_speak_indonesian(cli_env: dict[str, str], world: World) -> None:
    """`db upgrade`, `db status`, `unor refresh` and a refused `unor klaim` answer in Bahasa
    Indonesia from the catalogue, with their exit codes (0, 0, 0, 1)."""
    upgraded = cli("db", "upgrade", env=cli_env)
    assert upgraded.returncode == 0 and "skema (kosong) -> " in upgraded.stdout, upgraded.stderr
    status = cli("db", "status", env=cli_env)
    assert status.returncode == 0 and "mutakhir" in status.stdout, status.stderr
    refreshed = cli("unor", "refresh", env=cli_env)
    assert refreshed.returncode == 0, refreshed.stderr
    assert f"{len(world.units)} unit: baru {len(world.units)}" in refreshed.stdout
    refused = cli("unor", "klaim", "TIDAK-ADA", staff_nip(world), "--oleh", "a", "--alasan", "b", env=cli_env)
    assert refused.returncode == 1 and refused.stderr.startswith("galat: ")
    assert "Traceback" not in refused.stderr
