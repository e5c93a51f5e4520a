"""Roster import of the SIASN "Export Data ASN" CSV: tolerant headers, problems by line, --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.container import Container
from service.settings import Settings
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, RosterEntry
from sync.reconcile.roster import RosterFormatError, RosterRejected, import_roster, parse_roster
from tests.helpers import count_rows
from tests.test_cli import cli

GOOD = "198609262015051001"
OTHER = "199009132015032002"


@pytest.mark.parametrize("header", ["NIP", "NIP BARU", "nip_baru", "nipBaru", "Nip Baru"])
@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_header_variants_delimiters_and_bom(header: str, delimiter: str, bom: str) -> None:
    """Every accepted NIP header, comma or semicolon, with or without BOM, is read."""
    text = f"{bom}{header}{delimiter}NAMA\r\n'{GOOD}{delimiter}Ani\r\n{OTHER}{delimiter}Budi\r\n"
    rows, report = parse_roster(text.encode())
    assert [r.nip for r in rows] == [GOOD, OTHER] and report.problems == []
    assert rows[0].nama == "Ani"


def test_invalid_and_duplicate_rows_are_listed_by_line() -> None:
    """Bad NIPs and duplicates are reported with their line numbers and reasons."""
    text = (f"NIP;NAMA\n{GOOD};A\n12345;B\n{GOOD};C\n\n19860926 201505 1 002;D\n").encode()
    rows, report = parse_roster(text)
    assert [r.nip for r in rows] == [GOOD, "198609262015051002"]
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "NIP harus 18 digit"),
        (4, "duplikat dari baris 2"),
    ]


def test_file_without_nip_column_is_refused() -> None:
    """A file with no NIP column is refused as a whole, saying what was expected."""
    with pytest.raises(RosterFormatError, match="NIP BARU"):
        parse_roster(b"NAMA;UNOR\nAni;X\n")
    with pytest.raises(RosterFormatError, match="kosong"):
        parse_roster(b"")


def test_import_is_one_transaction_and_strict_refuses_all(database_url: str) -> None:
    """Valid rows are imported; --strict with one bad row imports nothing."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    container = Container.build(Settings(database_url=database_url))
    data = f"NIP\n{GOOD}\nbad\n".encode()
    with pytest.raises(RosterRejected), transaction(container.sessions) as session:
        import_roster(session, data, source="x.csv", strict=True)
    assert count_rows(container, RosterEntry) == 0 and count_rows(container, AuditEntry) == 0
    with transaction(container.sessions) as session:
        report = import_roster(session, data, source="x.csv")
    assert (report.imported, len(report.problems)) == (1, 1)
    with transaction(container.sessions) as session:
        again = import_roster(session, data, source="x.csv")
    assert (again.imported, again.already_known) == (0, 1)
    container.close()


def test_cli_roster_import_reports_problems(tmp_path: Path) -> None:
    """`roster import` prints counts and each bad line; --strict exits 1 importing nothing."""
    csv = tmp_path / "export.csv"
    csv.write_text(f"NIP BARU;NAMA\n{GOOD};Ani\n123;Budi\n")
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    strict = cli("roster", "import", str(csv), "--strict", env=env)
    assert strict.returncode == 1 and "baris 3" in strict.stdout and "tidak ada yang diimpor" in strict.stderr
    loose = cli("roster", "import", str(csv), env=env)
    assert loose.returncode == 0 and "1 NIP baru" in loose.stdout and "baris 3" in loose.stdout
