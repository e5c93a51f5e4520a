"""Recap files (PMM CSV, e-Kinerja XLSX) as a feed source: all or nothing, every row accounted for.

A file that cannot be read is refused before anything is written. Otherwise the whole file is
written in one transaction: accepted rows go through the shared ingest (de-duplicated by result id,
mapped, checked), refused rows (an Excel-mangled NIP, a duplicate row, an empty or invalid column)
are listed with their reason, and a mangled NIP or a duplicate row also becomes a problem for the
teacher. The report holds every row's exact outcome.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.pmm.files import read_recap
from connectors.pmm.recap import RecapImport, RowOutcome
from mappings import periode as periods
from mappings.messages import t
from mappings.skp_rules import RULES, finding
from sync import audit
from sync.pmm.feed import FeedRun
from sync.pmm.ingest import Batch, Incoming, ingest
from sync.pmm.problems import Subject, record_findings
from sync.pmm.rules import load_context

SOURCE = "pmm_file"


def incoming(outcome: RowOutcome) -> Incoming:
    """An accepted row with its period label read as a standard period (or why it is not)."""
    result = outcome.result
    if result is None:
        raise RuntimeError("result is missing")
    try:
        return Incoming(result, periods.parse_label(result.periode_id), result.periode_id)
    except periods.PeriodeError as exc:
        return Incoming(result, None, result.periode_id, exc)


def import_file(sessions: sessionmaker[Session], path: Path) -> dict[str, Any]:
    """Import one recap file (``RecapFileError`` refuses it before anything is written)."""
    recap = read_recap(path)
    feed = FeedRun(sessions, SOURCE)
    feed.begin()
    try:
        outcomes = feed.tx(lambda session: _write(session, feed, recap))
    except BaseException:
        feed.finish("failed", "interrupted")
        raise
    report = feed.finish("completed")
    return {**report, "file": str(path), "format": recap.format, "rows": outcomes}


async def import_file_async(sessions: sessionmaker[Session], path: Path) -> dict[str, Any]:
    """``import_file`` off the event loop."""
    return await asyncio.to_thread(import_file, sessions, path)


def _write(session: Session, feed: FeedRun, recap: RecapImport) -> list[dict[str, Any]]:
    accepted = [o for o in recap.rows if o.result is not None]
    stored: dict[str, str] = {}
    batch = Batch([incoming(o) for o in accepted])
    feed.add(ingest(session, SOURCE, batch, load_context(session), actor=feed.actor,
                    run_id=feed.run_id, outcomes=stored))
    now = audit.now()
    rows = []
    for outcome in recap.rows:
        if outcome.result is not None:
            rows.append(_row(outcome, stored.get(outcome.result.id, "created")))
            continue
        feed.counts["rejected"] += 1
        rows.append(_row(outcome, outcome.code))
        if outcome.code in RULES:
            subject = Subject(nip=(outcome.nip or f"baris {outcome.row}")[:40])
            record_findings(session, SOURCE, subject, [finding(outcome.code, **outcome.params)],
                            now=now, run_id=feed.run_id)
    return rows


def _row(outcome: RowOutcome, result: str) -> dict[str, Any]:
    detail = t(f"pmm.row.{outcome.code}", **outcome.params)
    return {"baris": outcome.row, "sheet": outcome.sheet, "nip": outcome.nip,
            "hasil": result, "keterangan": detail}
