"""Hostile and careless roster files: clear refusals and per-row problems, streamed import."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from service.container import Container
from service.settings import Settings
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, RosterEntry
from sync.reconcile.roster import RosterFormatError, RosterRow, import_roster, parse_roster
from tests.helpers import count_rows
from tests.test_cli import cli

GOOD = "198609262015051001"
OTHER = "199009132015032002"
THIRD = "197508172003121003"


def _nips(rows: list[RosterRow]) -> list[str]:
    return [r.nip for r in rows]


def test_cp1252_undefined_byte_is_refused_naming_line_and_byte() -> None:
    """0x81 is text in neither UTF-8 nor Windows-1252: the file is refused at that line."""
    data = f"NIP;NAMA\n{GOOD};Ani\n{OTHER};B".encode() + b"\x81di\n"
    with pytest.raises(RosterFormatError, match=r"baris 3, kolom 21: byte 0x81"):
        parse_roster(data)


def test_cp1252_file_is_still_read() -> None:
    """A legitimate Windows-1252 export (é as 0xE9) is read, names intact."""
    rows, report = parse_roster(f"NIP;NAMA\n{GOOD};Andr\xe9\n".encode("cp1252"))
    assert report.problems == [] and rows[0].nama == "André"


def test_utf8_then_a_cp1252_line_is_refused() -> None:
    """A file that is UTF-8 up to a line in another encoding is refused at that line."""
    data = f"NIP;NAMA\n{GOOD};André\n".encode() + f"{OTHER};Andr\xe9\n".encode("cp1252")
    with pytest.raises(RosterFormatError, match="baris 3"):
        parse_roster(data)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_are_refused(seed: int) -> None:
    """Random bytes after a valid header are a refusal naming a line and a byte, not a crash."""
    noise = random.Random(seed).randbytes(4096)
    with pytest.raises(RosterFormatError, match=r"baris \d+, kolom \d+: byte 0x[0-9A-F]{2}"):
        parse_roster(f"NIP;NAMA\n{GOOD};Ani\n".encode() + noise)


def test_huge_cell_is_a_problem_of_its_row() -> None:
    """A 128 KiB cell makes its row a problem; the rows after it are read."""
    data = f"NIP;NAMA\n{GOOD};{'x' * 131072}\n{OTHER};Budi\n".encode()
    rows, report = parse_roster(data)
    assert _nips(rows) == [OTHER]
    assert [(p.line, "KiB" in p.reason) for p in report.problems] == [(2, True)]


def test_unterminated_quote_does_not_swallow_later_rows() -> None:
    """A quote never closed is reported on its line; every later row is still imported."""
    later = "\n".join(f"{197001012000011001 + i * 1000};P{i}" for i in range(50))
    data = f'NIP;NAMA\n{GOOD};"Ani\n{OTHER};Budi\n{later}\n'.encode()
    rows, report = parse_roster(data)
    assert _nips(rows)[:1] == [OTHER] and len(rows) == 51
    assert [(p.line, "kutip" in p.reason) for p in report.problems] == [(2, True)]


def test_quoted_cell_over_two_lines_is_one_record() -> None:
    """A legitimate quoted cell with a line break stays one record (CSV as Excel writes it)."""
    data = f'NIP;ALAMAT;NAMA\n{GOOD};"Jl. A\nNo. 2";Ani\n{OTHER};x;Budi\n'.encode()
    rows, report = parse_roster(data)
    assert report.problems == [] and _nips(rows) == [GOOD, OTHER]
    assert rows[0].nama == "Ani"


@pytest.mark.parametrize("value", ["196907111996102000", "1.96907E+17", "1,96907E+17"])
def test_excel_mangled_nip_is_refused_with_the_fix(value: str) -> None:
    """An Excel-rounded NIP (sequence 000) or scientific notation is refused, saying how to fix."""
    rows, report = parse_roster(f"NIP;NAMA\n{value};Ani\n{GOOD};Budi\n".encode())
    assert _nips(rows) == [GOOD]
    assert "Excel" in report.problems[0].reason and "Teks" in report.problems[0].reason


def test_problems_listed_are_capped_but_counted() -> None:
    """Thousands of bad rows are all counted, a bounded number listed."""
    data = ("NIP\n" + "salah\n" * 3000).encode()
    _rows, report = parse_roster(data)
    assert report.bad == 3000 and len(report.problems) == 1000


def test_streamed_import_dedupes_across_batches(database_url: str) -> None:
    """A duplicate far apart (another batch) is a problem; nothing is inserted twice."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    container = Container.build(Settings(database_url=database_url))
    many = [f"{197001012000011001 + i * 1000}" for i in range(1200)]
    data = ("NIP\n" + "\n".join([*many, many[3], many[700]]) + "\n").encode()
    with transaction(container.sessions) as session:
        report = import_roster(session, data, source="x.csv")
    assert (report.imported, report.bad, report.rows) == (1200, 2, 1202)
    assert count_rows(container, RosterEntry) == 1200
    with transaction(container.sessions) as session:
        again = import_roster(session, data, source="x.csv")
    assert (again.imported, again.already_known) == (0, 1202)
    container.close()


@pytest.mark.parametrize("tail", [b"\x81\n", b"\x00\x00\n"], ids=["0x81", "NUL"])
def test_cli_refuses_binary_file_with_exit_2_and_writes_nothing(tail: bytes, tmp_path: Path) -> None:
    """`roster import` of a non-text file: one line naming line and byte, exit 2, no rows."""
    csv = tmp_path / "export.csv"
    csv.write_bytes(f"NIP\n{GOOD}\n{OTHER}\n".encode() + tail)
    db = tmp_path / "r.db"
    result = cli("roster", "import", str(csv), env={"EKINERJA_DATABASE_URL": f"sqlite:///{db}"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "baris 4" in result.stderr
    container = Container.build(Settings(database_url=f"sqlite:///{db}"))
    assert count_rows(container, RosterEntry) == 0 and count_rows(container, AuditEntry) == 0
    container.close()


@pytest.mark.e2e
def test_large_roster_import_runs_in_bounded_memory(tmp_path: Path) -> None:
    """120,000 rows are imported with a peak RSS far below what holding them all would take."""
    csv = tmp_path / "big.csv"
    with csv.open("w") as out:
        out.write("NIP BARU;NAMA;ALAMAT\n")
        for i in range(120_000):
            out.write(f"{197001012000011001 + i * 1000};PEGAWAI NOMOR {i};Jl. Contoh No. {i}\n")
    # VmHWM belongs to this process image; ru_maxrss would keep the forking pytest worker's
    # high-water mark across exec (Linux), measuring the test runner instead of the import.
    program = (
        "import atexit, sys\n"
        "hwm = lambda: next(l.split()[1] for l in open('/proc/self/status') "
        "if l.startswith('VmHWM'))\n"
        "atexit.register(lambda: print('MAXRSS', hwm(), file=sys.stderr))\n"
        f"sys.argv = ['ekinerja-sync', 'roster', 'import', {str(csv)!r}]\n"
        "from service.cli.app import main\nmain()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={"PATH": "/usr/bin:/bin", "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"},
    )
    assert result.returncode == 0, result.stderr
    assert "120000 NIP baru" in result.stdout
    peak_kib = int(result.stderr.rsplit("MAXRSS", 1)[1].split()[0])
    assert peak_kib < 200 * 1024, f"peak RSS {peak_kib} KiB"  # holding it all: about 350 MiB
