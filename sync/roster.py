"""Roster import from SIASN's "Export Data ASN" CSV: valid rows in one transaction, problems listed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.nip import NipError, normalize_nip
from store.models import Pegawai, RosterEntry
from sync import audit

NIP_HEADERS = {"nip", "nipbaru"}
NAMA_HEADERS = {"nama", "namalengkap"}


class RosterFormatError(ValueError):
    """The file cannot be read as a roster at all (no NIP column, empty, not text)."""


@dataclass(frozen=True)
class RosterProblem:
    """A row that was not imported: its line number, value and why."""

    line: int
    value: str
    reason: str


@dataclass
class RosterReport:
    """What an import did."""

    rows: int = 0
    imported: int = 0
    already_known: int = 0
    problems: list[RosterProblem] = field(default_factory=list)


@dataclass(frozen=True)
class RosterRow:
    """A valid row."""

    line: int
    nip: str
    nama: str | None


class RosterRejected(ValueError):
    """``--strict`` and at least one invalid row: nothing was imported."""

    def __init__(self, report: RosterReport) -> None:
        super().__init__(f"{len(report.problems)} invalid row(s); nothing imported (--strict)")
        self.report = report


def _key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def parse_roster(data: bytes) -> tuple[list[RosterRow], RosterReport]:
    """Read the CSV (comma or semicolon, optional BOM); return valid rows and a report."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="strict")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise RosterFormatError("the file is empty or its first line (the header) is blank")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_key(h) for h in next(reader)]
    nip_col = next((i for i, h in enumerate(header) if h in NIP_HEADERS), None)
    if nip_col is None:
        raise RosterFormatError("no NIP column in the header; expected one of: NIP, NIP BARU, "
                                "nip_baru, nipBaru")
    nama_col = next((i for i, h in enumerate(header) if h in NAMA_HEADERS), None)
    return _rows(reader, nip_col, nama_col)


def _rows(reader: Any, nip_col: int, nama_col: int | None
          ) -> tuple[list[RosterRow], RosterReport]:
    report = RosterReport()
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        report.rows += 1
        raw = record[nip_col].strip().lstrip("'") if nip_col < len(record) else ""
        try:
            nip = normalize_nip(raw)
        except NipError:
            report.problems.append(RosterProblem(line, raw, "NIP harus 18 digit"))
            continue
        if nip in seen:
            report.problems.append(RosterProblem(line, raw, f"duplikat dari baris {seen[nip]}"))
            continue
        seen[nip] = line
        nama = record[nama_col].strip() if nama_col is not None and nama_col < len(record) else None
        rows.append(RosterRow(line, nip, nama or None))
    return rows, report


def import_roster(session: Session, data: bytes, *, source: str, strict: bool = False,
                  actor: str = "roster-import") -> RosterReport:
    """Import valid rows into the roster (one transaction); ``strict`` refuses any problem."""
    rows, report = parse_roster(data)
    if strict and report.problems:
        raise RosterRejected(report)
    known = set(session.scalars(select(RosterEntry.nip)))
    known |= set(session.scalars(select(Pegawai.nip)))
    stamp = audit.now()
    for row in rows:
        if row.nip in known:
            report.already_known += 1
            continue
        session.add(RosterEntry(nip=row.nip, nama=row.nama, source=source, imported_at=stamp))
        report.imported += 1
    audit.record(session, actor=actor, action="roster_impor", nip=None, new=report.imported,
                 reason=f"{source}: {report.imported} baru, {len(report.problems)} bermasalah")
    return report
