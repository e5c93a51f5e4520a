"""Refusals an operator reads are Bahasa Indonesia, never echo the value, and exit as the README
says (issue 13.15): edits of unknown or SIASN-owned fields, golongan and eselon values, a NIP
that is not 18 digits, an unknown run id, a busy port for ``serve``, a run without a duration."""

from __future__ import annotations

import re
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.orm import Session

from mappings.nip import NipError, normalize_nip
from mappings.ranks import RankError, parse_golongan
from service.cli.runs_report import render_report
from store.db import make_engine, upgrade
from store.models import Pegawai
from tests.test_cli import cli

NIP = "198609262015051001"
ENGLISH = re.compile(r"\b(is not|unknown|field|must be|one of|owned by|digits|cannot|not a)\b")
WHO = ["--oleh", "ani", "--alasan", "uji"]


@pytest.fixture
def store(tmp_path: Path) -> dict[str, str]:
    """A SQLite store at the current schema holding one employee; its EKINERJA_* variables."""
    url = f"sqlite:///{tmp_path / 'ekinerja.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        session.add(Pegawai(nip=NIP))
    engine.dispose()
    return {"EKINERJA_DATABASE_URL": url}


def one_line(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    """Exit ``code``, one ``galat:`` line on stderr, no traceback, no English; that line."""
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: "), result.stderr
    assert ENGLISH.search(lines[0]) is None, lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


EDITS = [
    ("warnaxyz=biru", "kolom tidak dikenal", "warnaxyz"),
    ("nama=Xyzzy", "milik SIASN", "Xyzzy"),
    ("golongan=V/zq", "bukan golongan", "V/zq"),
    ("eselon_id=977", "harus salah satu dari", "977"),
    ("email=bukan-emailq", "bukan alamat email", "bukan-emailq"),
    ("email=<b>zq</b>@a.id", "bukan alamat email", "<b>zq</b>"),
    ("tmt_jabatan=31-02-2024", "bukan tanggal", "31-02-2024"),
]


@pytest.mark.e2e
@pytest.mark.parametrize(("assignment", "said", "typed"), EDITS, ids=[e[0] for e in EDITS])
def test_refused_edit_is_bahasa_exit_2_and_never_echoes(
    store: dict[str, str], assignment: str, said: str, typed: str
) -> None:
    """``pegawai edit`` with an unknown field, a SIASN field or a bad value: exit 2 (README: bad
    input), one Bahasa line, and what was typed is not repeated."""
    line = one_line(cli("pegawai", "edit", NIP, assignment, *WHO, env=store), 2, said)
    assert typed not in line


@pytest.mark.e2e
def test_unknown_run_id_exits_2_without_echo(store: dict[str, str]) -> None:
    """``runs show zzzq``: the README's exit 2 for an unknown run id, the id not repeated."""
    line = one_line(cli("runs", "show", "zzzq", env=store), 2, "tidak ada run")
    assert "zzzq" not in line


@pytest.mark.e2e
def test_bad_nip_is_bahasa(store: dict[str, str]) -> None:
    """A NIP that is not 18 digits: one Bahasa line, exit 2, the NIP not repeated."""
    line = one_line(cli("pegawai", "show", "12345x", env=store), 2, "18 digit")
    assert "12345x" not in line


def test_mapping_errors_are_bahasa_and_do_not_echo() -> None:
    """The golongan and NIP parsers refuse in Bahasa without the value (they reach the API too)."""
    with pytest.raises(RankError) as rank:
        parse_golongan("V/zq")
    with pytest.raises(NipError) as nip:
        normalize_nip("12345x")
    for text, typed in ((str(rank.value), "V/zq"), (str(nip.value), "12345x")):
        assert typed not in text and ENGLISH.search(text) is None, text


@pytest.mark.e2e
def test_serve_on_a_busy_port_refuses_in_bahasa_before_listening(store: dict[str, str]) -> None:
    """``serve`` on a port another program holds: one Bahasa line naming the port, exit 2, and
    no "Mendengarkan" (it did not listen) nor an English errno."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port), env=store)
    assert "Mendengarkan" not in result.stdout
    assert "Address already in use" not in result.stdout + result.stderr
    one_line(result, 2, f"port {port}", "sudah dipakai")


def test_run_report_without_duration_says_a_dash() -> None:
    """A run with no duration yet reads ``durasi -``, never ``durasi None s``."""
    console = Console(record=True, width=120)
    render_report(console, {"run_id": "r1", "status": "running", "counts": {}, "duration_s": None})
    text = console.export_text()
    assert "None" not in text and "durasi -" in text


@pytest.mark.e2e
def test_zip_that_is_no_workbook_is_named_as_such(store: dict[str, str], tmp_path: Path) -> None:
    """``pmm import`` of a zip without Excel sheets (a renamed archive): one Bahasa line saying
    it is no Excel workbook, not "lembar kerja - ... baris -" nor openpyxl's English."""
    archive = tmp_path / "rekap.csv"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("catatan.txt", "bukan rekap")
    line = one_line(cli("pmm", "import", str(archive), env=store), 2, "bukan buku kerja Excel")
    assert "lembar kerja -" not in line


@pytest.mark.e2e
def test_api_key_and_password_refusals_are_bahasa(store: dict[str, str]) -> None:
    """A bad key name, a duplicate or unknown key and a short password: Bahasa, exit 2, the
    name typed not repeated."""
    assert cli("apikey", "create", "kunciq", env=store).returncode == 0
    for args, said in (
        (["apikey", "create", "kunci salahq!"], "nama kunci API tidak sah"),
        (["apikey", "create", "kunciq"], "sudah ada"),
        (["apikey", "revoke", "tiadaq"], "tidak ada kunci API"),
    ):
        line = one_line(cli(*args, env=store), 2, said)
        assert args[-1] not in line
    one_line(
        cli("admin", "set-password", "admin", "--password-stdin", env=store, stdin="pendek\n"),
        2,
        "minimal 12",
    )


@pytest.mark.e2e
def test_unor_refresh_with_siasn_unreachable_is_one_line(store: dict[str, str]) -> None:
    """``unor refresh`` while SIASN cannot be reached: the same Bahasa reason Sinkron gives, exit
    1, no traceback (it used to print a NetworkError traceback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        **store,
        "EKINERJA_SIASN__CONSUMER_KEY": "k",
        "EKINERJA_SIASN__CONSUMER_SECRET": "s",
        "EKINERJA_SIASN__SSO_ACCESS_TOKEN": "t",
        "EKINERJA_SIASN__API_URL": closed,
        "EKINERJA_SIASN__APIM_TOKEN_URL": f"{closed}/token",
        "EKINERJA_SIASN__RETRY_ATTEMPTS": "1",
    }
    result = cli("unor", "refresh", env=env)
    assert "Traceback" not in result.stderr
    one_line(result, 1, "SIASN sedang tidak dapat dihubungi")
