"""Typer's and Click's own words reach the operator in Bahasa Indonesia (issue 13.15).

The usage line, section titles, the ``--help`` option, parsing refusals ("No such command",
"Missing option") and the password prompt are from the catalogue; no refusal repeats what was
typed; every refusal of parsing exits 2.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.core
from typer.testing import CliRunner

from service.cli import words
from service.cli.app import app
from tests.test_cli import cli, leaf_commands

# What Click and Typer print in English when left alone.
CLICK_ENGLISH = re.compile(
    r"Usage:|\bOptions\b|\bArguments\b|\bCommands\b|Show this message|\[required\]|default:|"
    r"\[OPTIONS\]|COMMAND \[ARGS\]|Try '|for help|Error:|Missing (option|argument|parameter)|"
    r"No such (option|command)|Invalid value|Did you mean|Possible options|Aborted|Repeat for|"
    r"Got unexpected|env var"
)


def every_path() -> list[tuple[str, ...]]:
    """The root, every group and every command, by path."""
    paths: set[tuple[str, ...]] = {()}
    for path in leaf_commands():
        paths.update(path[:end] for end in range(1, len(path) + 1))
    return sorted(paths)


def test_help_of_every_command_and_group_has_no_english_click_words() -> None:
    """``--help`` everywhere: ``Pemakaian:``, ``Opsi``, the help option in Bahasa, no English."""
    runner = CliRunner()
    for path in every_path():
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, (path, result.output)
        assert result.output.startswith("Pemakaian: "), (path, result.output)
        assert "Tampilkan bantuan ini lalu keluar." in result.output, path
        found = CLICK_ENGLISH.search(result.output)
        assert found is None, (path, found.group(), result.output)


REFUSALS = [
    (["zzzq"], "Perintah tidak dikenal."),
    (["konflik", "lst"], "Maksud Anda: list?"),
    (["konflik", "show"], "Argumen wajib belum diisi"),
    (["konflik", "resolve", "1", "--keputusan", "ambil_siasn"], "Opsi wajib belum diisi"),
    (["konflik", "list", "--zzzq"], "Opsi tidak dikenal."),
    (["konflik", "list", "--sort"], "--sort"),
    (["konflik", "show", "1", "zzzq"], "argumen lebih"),
    (["runs", "list", "--json", "zzzq"], "argumen lebih"),
]


@pytest.mark.parametrize(("args", "said"), REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_parsing_refusals_are_bahasa_exit_2_and_never_echo(
    args: list[str], said: str, tmp_path: Path
) -> None:
    """A refusal of Click itself, in a real process: Bahasa usage, one ``galat:`` line, exit 2,
    and the typed word (``zzzq``) is not repeated."""
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    galat = [line for line in result.stderr.splitlines() if line.startswith("galat: ")]
    assert len(galat) == 1 and said in galat[0], result.stderr
    assert CLICK_ENGLISH.search(result.stderr) is None, result.stderr
    assert "zzzq" not in result.stderr


def test_bare_group_shows_its_help_in_bahasa() -> None:
    """A group called without a command shows its help (exit 2), in Bahasa."""
    result = CliRunner().invoke(app, ["konflik"])
    assert result.exit_code == 2
    assert "konflik [OPSI] PERINTAH [ARGUMEN]..." in result.output and "Pemakaian: " in result.output
    assert CLICK_ENGLISH.search(result.output) is None, result.output


def test_password_prompt_is_bahasa_and_a_mismatch_writes_nothing(tmp_path: Path) -> None:
    """``admin set-password`` asks twice in Bahasa; two different entries: one line, exit 2."""
    result = cli("admin", "set-password", "admin", stdin="rahasia-sekali-1\nrahasia-sekali-2\n", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Kata sandi:" in result.stdout and "Ulangi kata sandi:" in result.stdout
    assert "kedua kata sandi yang diketik tidak sama" in result.stderr
    assert CLICK_ENGLISH.search(result.stdout + result.stderr) is None
    assert list(tmp_path.iterdir()) == []


def _gettext_ids(module: Any) -> set[str]:
    tree = ast.parse(Path(module.__file__).read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_every_word_typer_translates_has_a_catalogue_text() -> None:
    """The table is complete: each ``_("...")`` of ``typer.core`` maps to a catalogue key."""
    missing = _gettext_ids(typer.core) - words.MESSAGES.keys()
    assert missing == set()
    assert all(words.gettext(message) != message for message in words.MESSAGES)


def test_root_and_groups_use_the_bahasa_classes() -> None:
    """Every group and command of the app is built from the Bahasa classes (a new group made
    with plain ``typer.Typer`` would print English help)."""
    root = typer.main.get_command(app)
    assert isinstance(root, words.BahasaGroup)
    for path, command in leaf_commands().items():
        assert isinstance(command, words.BahasaCommand), path
