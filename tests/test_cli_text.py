"""Data is text on the terminal: markup, escape sequences and controls from data never act.

Hostile values arrive the ways they do in production (from SIASN through `sinkron`, typed by an
operator through `pegawai edit`, stored by another writer) and are printed by real `ekinerja-sync`
processes; the output must show the text, exit 0, and carry no control byte.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import update
from sqlalchemy.orm import Session

from mappings.messages import CATALOGS
from service.render import fit_widths, json_text, local_time, plain, visible
from service.settings import SiasnSettings
from simulators.dataset import World
from store.db import make_engine
from store.models import ApiKey, OperatorGrant, Pegawai
from sync.outcome import Status
from tests.helpers import staff_nip
from tests.test_cli import cli, cli_environment

# Anything that can steer a terminal: C0 (but newline), DEL, C1, bidi controls, separators.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MARKUP = "[/] [bold red]X[/]"
OSC_TITLE = "\x1b]0;pwned\x07"
HOSTILE = f"{OSC_TITLE}\x1b[31mSiti\x1b[0m {MARKUP} \u202eadmin\x9b2J"
UNOR_ID = "8AE4830A5B3F2D10E040640A040269BB"


@pytest.fixture
def cli_env(siasn_settings: SiasnSettings, tmp_path: Path) -> dict[str, str]:
    """EKINERJA_* variables pointing at the simulator and a SQLite file."""
    return cli_environment(siasn_settings, tmp_path)


def assert_inert(text: str) -> None:
    """No byte of ``text`` can act on a terminal (only printable text and newlines)."""
    found = CONTROL.search(text)
    assert found is None, f"control {found.group()!r} reached the output: {text!r}"


def test_visible_escapes_every_control_and_keeps_printable_text() -> None:
    """C0, DEL, C1, bidi overrides and lone surrogates come out as visible escapes; text stays."""
    controls = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    controls += [
        "\u061c",
        "\u200e",
        "\u200f",
        "\u2028",
        "\u2029",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\ud800",
    ]
    for char in controls:
        shown = visible(f"a{char}b")
        assert shown.startswith("a\\") and shown.endswith("b") and char not in shown, repr(char)
    assert visible("\x1b[31m") == "\\x1b[31m" and visible("\u202e") == "\\u202e"
    assert visible("Siti Nurhaliza, S.Pd. — Guru Ahli Muda 語 é") == (
        "Siti Nurhaliza, S.Pd. — Guru Ahli Muda 語 é"
    )
    assert visible(None) == "-" and visible(21) == "21"


@pytest.mark.parametrize(
    "value",
    [
        MARKUP,
        "[bold]x",
        "\\[bold]x[/bold]",
        "trailing \\",
        "[link=http://evil.example]klik[/link]",
        ":warning: :smile:",
        "[/]",
        HOSTILE,
        "a\\",
        "\\\\[red]",
    ],
)
def test_plain_prints_exactly_the_visible_text(value: str) -> None:
    """Through Rich (as the CLI's console is set up), ``plain(value)`` prints ``visible(value)``."""
    console = Console(record=True, width=400, emoji=False, force_terminal=True)
    console.print(plain(value), highlight=False)
    assert console.export_text().rstrip("\n") == visible(value)
    console.print(f"[bold]x[/] {plain(value)} [bold]y[/]", highlight=False)
    assert console.export_text().rstrip("\n") == f"x {visible(value)} y"


def test_json_text_is_inert_and_parses_to_the_same_data() -> None:
    """JSON output escapes C1, bidi and lone surrogates too; the parsed value is unchanged."""
    value = {"nama": HOSTILE + "\ud800\n\t", "daftar": [MARKUP, 1]}
    document = json_text(json.dumps(value, indent=2, ensure_ascii=False))
    assert_inert(document)
    assert json.loads(document) == value


def test_fit_widths_gives_way_before_ids() -> None:
    """Tables fit the budget: other columns shrink first; ids shrink only when nothing else can."""
    widths = fit_widths([18, 32, 40, 23], 80 - 9, ids=(0, 1))
    assert sum(widths) == 71 and widths[:2] == [18, 32] and min(widths[2:]) >= 8
    squeezed = fit_widths([18, 64, 40, 23], 80 - 9, ids=(0, 1))
    assert sum(squeezed) <= 71 and squeezed[0] == 18
    assert fit_widths([4, 5], 80) == [4, 5]


def test_local_time_uses_the_configured_timezone() -> None:
    """Stored UTC times (naive on SQLite) are shown in the configured zone with its name."""
    assert local_time(datetime(2026, 1, 2, 3, 4, 5), "Asia/Jakarta") == "2026-01-02 10:04:05 WIB"
    aware = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert local_time(aware, "Asia/Makassar") == "2026-01-02 11:04:05 WITA"
    assert local_time(None, "Asia/Jakarta") == "-"


def test_catalogue_names_every_status_the_cli_prints() -> None:
    """Every Sinkron status and doctor status has its Indonesian word (keys built at runtime)."""
    catalogue = CATALOGS["id"]
    missing = [f"cli.status.{s.value}" for s in Status if f"cli.status.{s.value}" not in catalogue]
    missing += [
        f"cli.doctor.{s}" for s in ("ok", "warn", "error", "skip") if f"cli.doctor.{s}" not in catalogue
    ]
    assert not missing


@pytest.mark.e2e
def test_hostile_values_from_siasn_print_as_text(cli_env: dict[str, str], world: World) -> None:
    """Markup and escape sequences in a SIASN name and position: `sinkron` and `pegawai show`
    exit 0 and print the text with the escapes visible; no control byte reaches stdout."""
    nip = staff_nip(world)
    world.pegawai[nip].nama = HOSTILE
    world.pegawai[nip].jabatan_nama = MARKUP
    assert cli("unor", "refresh", env=cli_env).returncode == 0
    for args in (["sinkron", nip], ["pegawai", "show", nip]):
        result = cli(*args, env=cli_env)
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout)
        assert MARKUP in result.stdout and "\\x1b]0;pwned\\x07" in result.stdout, result.stdout
        assert "\\u202eadmin\\x9b2J" in result.stdout and "Traceback" not in result.stderr
    for args in (["sinkron", nip, "--json"], ["pegawai", "show", nip, "--json"]):
        result = cli(*args, env=cli_env)
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout)
        assert json.loads(result.stdout)["pegawai"]["nama"] == HOSTILE


@pytest.mark.e2e
def test_markup_typed_into_pegawai_edit_never_breaks_a_command(cli_env: dict[str, str], world: World) -> None:
    """A value `[/] [bold red]X[/]` saved by `pegawai edit` prints as typed in that edit, the
    next edit (showing it as the old value) and every `pegawai show`: exit 0 each time; a value
    with an escape sequence is refused (exit 2, nothing written) and echoed inert."""
    nip = staff_nip(world)
    assert cli("sinkron", nip, env=cli_env).returncode == 0
    edit = ["pegawai", "edit", nip, "--oleh", "[bold]ani[/]", "--alasan", "[/] uji"]
    first = cli(*edit, f"catatan={MARKUP}", env=cli_env)
    assert first.returncode == 0, first.stderr
    assert f"catatan: None -> '{MARKUP}'" in first.stdout
    shown = cli("pegawai", "show", nip, env=cli_env)
    assert shown.returncode == 0 and MARKUP in shown.stdout, shown.stderr
    refused = cli(*edit, "catatan=\x1b[2Jbiasa", env=cli_env)  # control characters: refused
    assert refused.returncode == 2 and "changes.catatan" in refused.stderr, refused.stderr
    assert_inert(refused.stdout + refused.stderr)
    second = cli(*edit, "catatan=[red]biasa[/]", env=cli_env)
    assert second.returncode == 0, second.stderr
    assert f"catatan: '{MARKUP}' -> '[red]biasa[/]'" in second.stdout
    assert_inert(second.stdout + second.stderr)
    again = cli("pegawai", "show", nip, env=cli_env)
    assert again.returncode == 0 and "[red]biasa[/]" in again.stdout
    assert_inert(again.stdout)


def test_malformed_and_repeated_edit_arguments_exit_2_with_escaped_input(tmp_path: Path) -> None:
    """A `field=value` that is not one, or a field given twice, is refused with exit 2 before
    anything is opened; what was typed is not echoed (so no control reaches the terminal)."""
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    base = ["pegawai", "edit", "198609262015051001", "--oleh", "a", "--alasan", "b"]
    bad = cli(*base, "\x1b]0;x\x07", env=env)
    assert bad.returncode == 2 and "isian=nilai" in bad.stderr and "0;x" not in bad.stderr
    assert_inert(bad.stderr)
    twice = cli(*base, "no_hp=1", "no_hp=2", env=env)
    assert twice.returncode == 2 and "lebih dari sekali" in twice.stderr
    assert not (tmp_path / "x.db").exists()


def _store_hostile_grant_and_key(url: str, nip: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        session.add(
            OperatorGrant(
                nip="197503052007042001",
                unit_id=UNOR_ID,
                granted_by=f"{HOSTILE} kepala BKD yang namanya panjang sekali",
                granted_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            )
        )
        session.add(
            ApiKey(
                name=f"{MARKUP}\x1b[2J\\",
                prefix="eks_AbCdEf",
                key_hash="f" * 64,
                created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            )
        )
        session.execute(update(Pegawai).where(Pegawai.nip == nip).values(unor_nama=HOSTILE))
        session.commit()
    engine.dispose()


@pytest.mark.e2e
def test_lists_print_stored_data_as_text_within_80_columns(cli_env: dict[str, str], world: World) -> None:
    """`operator list` and `apikey list` over values another writer stored: exit 0, no control
    byte, every line within 80 columns, ids whole on one line, times in WIB."""
    nip = staff_nip(world)
    assert cli("sinkron", nip, env=cli_env).returncode == 0
    _store_hostile_grant_and_key(cli_env["EKINERJA_DATABASE_URL"], nip)
    env = {**cli_env, "COLUMNS": "80"}
    operators = cli("operator", "list", env=env)
    keys = cli("apikey", "list", env=env)
    profile = cli("pegawai", "show", nip, env=env)
    for result in (operators, keys, profile):
        assert result.returncode == 0, result.stderr
        assert_inert(result.stdout)
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, result.stdout
    assert "197503052007042001" in operators.stdout and UNOR_ID in operators.stdout
    assert "2026-01-02" in operators.stdout and "WIB" in operators.stdout
    assert "eks_AbCdEf" in keys.stdout and "[/]" in keys.stdout and "\\x1b" in keys.stdout
    assert "\\\\" not in keys.stdout  # a trailing backslash is shown once, not doubled
    assert "\\x1b]0;pwned" in profile.stdout and "WIB" in profile.stdout
