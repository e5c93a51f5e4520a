"""Roster import from SIASN's "Export Data ASN" CSV: streamed, valid rows in one transaction.

The file is read one physical line at a time (bounded by ``MAX_LINE_BYTES``) and written in
batches, so memory does not grow with the file: duplicates and NIPs already known are found in
the database per batch, not in a set of every NIP. A byte that is text in neither UTF-8 nor
Windows-1252 refuses the file (naming line and byte); a line too long, a quote never closed or a
NIP Excel has rounded is a problem of that row, and later rows are still read.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import Pegawai, RosterEntry
from sync import audit
from sync.reconcile.roster_lines import RosterFormatError, RosterProblem, records

__all__ = [
    "RosterFormatError",
    "RosterProblem",
    "RosterRejected",
    "RosterReport",
    "RosterRow",
    "import_roster",
    "open_roster",
    "parse_roster",
]
BATCH = 500
MAX_LISTED_PROBLEMS = 1000


@dataclass
class RosterReport:
    """What an import did; ``problems`` lists the first ``MAX_LISTED_PROBLEMS`` of ``bad``."""

    rows: int = 0
    imported: int = 0
    already_known: int = 0
    problems: list[RosterProblem] = field(default_factory=list)
    bad: int = 0

    def problem(self, problem: RosterProblem) -> None:
        """Count a problem row; list it while the list is short."""
        self.bad += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)


@dataclass(frozen=True)
class RosterRow:
    """A valid row."""

    line: int
    nip: str
    nama: str | None


class RosterRejected(ValueError):
    """``--strict`` and at least one invalid row: nothing was imported."""

    def __init__(self, report: RosterReport) -> None:
        super().__init__(t("guards.roster_rejected", bad=report.bad))
        self.report = report


def open_roster(path: str | os.PathLike[str]) -> BinaryIO:
    """The roster file opened for reading; a device, FIFO or directory is refused
    (``RosterFormatError``) before a byte is read (opened without blocking, checked on the
    open descriptor, so ``/dev/zero`` or a FIFO never hangs the import)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RosterFormatError(t("guards.roster_not_regular"))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _valid_rows(stream: BinaryIO, report: RosterReport) -> Iterator[RosterRow]:
    for record in records(stream):
        report.rows += 1
        if isinstance(record, RosterProblem):
            report.problem(record)
        else:
            yield RosterRow(record.line, record.nip, record.nama)


def parse_roster(data: bytes) -> tuple[list[RosterRow], RosterReport]:
    """Read a (small) CSV in memory; return valid rows, duplicates listed as problems."""
    report = RosterReport()
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for row in _valid_rows(io.BytesIO(data), report):
        if row.nip in seen:
            report.problem(RosterProblem(row.line, row.nip, t("guards.roster_duplicate", line=seen[row.nip])))
            continue
        seen[row.nip] = row.line
        rows.append(row)
    return rows, report


def import_roster(
    session: Session,
    data: bytes | BinaryIO,
    *,
    source: str,
    strict: bool = False,
    actor: str = "roster-import",
) -> RosterReport:
    """Import valid rows into the roster in batches of one transaction; ``strict`` refuses any
    problem (the caller's transaction then rolls every batch back)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    report = RosterReport()
    stamp = audit.now()
    batch: list[RosterRow] = []
    for row in _valid_rows(stream, report):
        batch.append(row)
        if len(batch) >= BATCH:
            _write(session, batch, report, source=source, stamp=stamp)
            batch = []
    _write(session, batch, report, source=source, stamp=stamp)
    if strict and report.bad:
        raise RosterRejected(report)
    audit.record(
        session,
        actor=actor,
        action="roster_impor",
        nip=None,
        new=report.imported,
        reason=f"{source}: {report.imported} baru, {report.bad} bermasalah",
    )
    return report


def _write(
    session: Session, batch: list[RosterRow], report: RosterReport, *, source: str, stamp: object
) -> None:
    """Insert the new NIPs of one batch; earlier lines of this file and known NIPs are not."""
    if not batch:
        return
    nips = [row.nip for row in batch]
    ours = set(
        session.scalars(
            select(RosterEntry.nip).where(
                RosterEntry.nip.in_(nips), RosterEntry.source == source, RosterEntry.imported_at == stamp
            )
        )
    )
    known = set(session.scalars(select(RosterEntry.nip).where(RosterEntry.nip.in_(nips))))
    known |= set(session.scalars(select(Pegawai.nip).where(Pegawai.nip.in_(nips))))
    fresh: dict[str, RosterRow] = {}
    for row in batch:
        earlier = fresh.get(row.nip)
        if earlier is not None or row.nip in ours:
            where = earlier.line if earlier is not None else None
            report.problem(
                RosterProblem(
                    row.line,
                    row.nip,
                    t("guards.roster_duplicate", line=where)
                    if where
                    else t("guards.roster_duplicate_earlier"),
                )
            )
        elif row.nip in known:
            report.already_known += 1
        else:
            fresh[row.nip] = row
    if fresh:
        session.execute(
            insert(RosterEntry),
            [{"nip": r.nip, "nama": r.nama, "source": source, "imported_at": stamp} for r in fresh.values()],
        )
        report.imported += len(fresh)
