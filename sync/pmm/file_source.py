"""Recap files (PMM CSV, e-Kinerja XLSX) as a feed source: all or nothing, every row accounted for.

A file that cannot be read is refused before anything is written (``open_recap`` checks the
kind of file, its size, encoding or archive, and header first). Otherwise the whole file is
written in one transaction (the feed's lease checked in it), streamed in chunks of ``CHUNK``
rows: accepted rows go through the shared ingest (bulk writes per chunk; the period and
placement rules settled once the whole file is in), refused rows are listed with their reason,
and a refusal that is a known rule (a mangled NIP, a duplicate row, a plan not agreed) also
becomes a problem for the teacher. The file is one read: the problems of a teacher and period
are what all its rows found together (a duplicate row's problem is not resolved by the row it
repeats), and a refused row judges only the refusal rules. The report holds every row's exact
outcome and, for each row refused or accepted with problems, the reason with the fix and who
must make it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.pmm.files import RecapStream, open_recap
from connectors.pmm.recap import REFUSALS, RecapFileError, RowOutcome
from mappings import periode as periods
from mappings.messages import t
from mappings.skp_rules import RULES, Finding, finding
from sync import audit
from sync.pmm.feed import FeedRun
from sync.pmm.ingest import Batch, Incoming, Settled, settle, stage
from sync.pmm.problems import Read, Subject, close_read, record_many
from sync.pmm.rules import load_context
from sync.runs import RunStatus

SOURCE = "pmm_file"
CHUNK = 1000
MAX_LISTED_PROBLEMS = 1000  # every row carries its own reason; the list is a summary
Progress = Callable[[int], None]  # called with the number of rows just handled
OS_REASONS = {"ENOENT": "enoent", "EACCES": "eacces", "EPERM": "eacces"}
REFUSAL_RULES = frozenset(REFUSALS) & frozenset(RULES)  # what a refused row is checked for


def incoming(outcome: RowOutcome) -> Incoming:
    """An accepted row with its period label read as a standard period (or why it is not)."""
    result = outcome.result
    if result is None:
        raise ValueError(f"row {outcome.row} was refused ({outcome.code}): it has no result")
    try:
        return Incoming(result, periods.parse_label(result.periode_id), result.periode_id)
    except periods.PeriodeError as exc:
        return Incoming(result, None, result.periode_id, exc)


def file_refusal(exc: RecapFileError) -> str:
    """Why the whole file was refused, in the operator's words."""
    params = dict(exc.params)
    if exc.code == "unreadable":
        params["reason"] = t(f"pmm.file.os.{params.pop('reason', 'other')}")
    return t(f"pmm.file.{exc.code}", **params)


def import_file(
    sessions: sessionmaker[Session], path: Path, *, progress: Callable[[int], Progress] | None = None
) -> dict[str, Any]:
    """Import one recap file (``RecapFileError`` refuses it before anything is written).

    ``progress``, when given, is called with the file's row count and returns the callback
    that is told how many rows each chunk handled.
    """
    with open_recap(path) as recap:
        feed = FeedRun(sessions, SOURCE, options={"berkas": path.name})
        feed.begin()
        advance = progress(recap.total) if progress is not None else None
        try:
            rows = feed.tx(lambda session: _write(session, feed, recap, advance))
        except BaseException:
            feed.finish(RunStatus.FAILED, "interrupted")
            raise
    report = feed.finish(RunStatus.COMPLETED, max_problems=MAX_LISTED_PROBLEMS)
    return {**report, "file": str(path), "format": recap.format, "rows": rows}


async def import_file_async(sessions: sessionmaker[Session], path: Path) -> dict[str, Any]:
    """``import_file`` off the event loop."""
    return await asyncio.to_thread(import_file, sessions, path)


def _write(
    session: Session, feed: FeedRun, recap: RecapStream, advance: Progress | None
) -> list[dict[str, Any]]:
    """Every row of the file, a chunk at a time, then the rules over the whole file."""
    context = load_context(session)
    rows: list[dict[str, Any]] = []  # accepted rows' outcome and reason are filled in at the end
    accepted_at: dict[str, int] = {}
    read = Read(feed.run_id)  # the whole file: a problem any row found stays open

    def explain(result_id: str, findings: list[Finding]) -> None:
        row = rows[accepted_at[result_id]]
        row["hasil"] = settled.outcomes.get(result_id, "created")
        row["keterangan"] = _accepted_text(row["hasil"], findings)

    settled = Settled(explain=explain)
    chunk: list[RowOutcome] = []
    for outcome in recap.rows:
        chunk.append(outcome)
        if len(chunk) >= CHUNK:
            _chunk(session, feed, chunk, context, settled, rows, accepted_at, read)
            if advance is not None:
                advance(len(chunk))
            chunk = []
    _chunk(session, feed, chunk, context, settled, rows, accepted_at, read)
    if advance is not None and chunk:
        advance(len(chunk))
    settle(session, SOURCE, context, settled, run_id=feed.run_id, read=read)
    close_read(session, SOURCE, read, now=audit.now())
    feed.add(settled.counts)
    for result_id, index in accepted_at.items():
        row = rows[index]
        if not row["keterangan"]:  # settled without findings
            row["hasil"] = settled.outcomes.get(result_id, "created")
            row["keterangan"] = _accepted_text(row["hasil"], [])
    return rows


def _chunk(
    session: Session,
    feed: FeedRun,
    chunk: list[RowOutcome],
    context: Any,
    settled: Settled,
    rows: list[dict[str, Any]],
    accepted_at: dict[str, int],
    read: Read,
) -> None:
    """Stage one chunk's accepted rows; list every row (refusals with their reason); record the
    refusals that are rules as problems."""
    items, refused = [], []
    for outcome in chunk:
        if outcome.result is not None:
            accepted_at[outcome.result.id] = len(rows)
            rows.append(_row(outcome, "created", ""))
            items.append(incoming(outcome))
            continue
        feed.counts["read"] += 1  # a refused row was read too: the counts add up
        feed.counts["rejected"] += 1
        rows.append(_row(outcome, outcome.code, refusal_text(outcome.code, outcome.params)))
        if outcome.code in RULES:
            refused.append(outcome)
    if items:
        stage(session, SOURCE, Batch(items), context, settled, actor=feed.actor, run_id=feed.run_id)
    _record_refusals(session, feed, refused, read)


def _row(outcome: RowOutcome, hasil: str, keterangan: str) -> dict[str, Any]:
    return {
        "baris": outcome.row,
        "sheet": outcome.sheet,
        "nip": outcome.nip,
        "hasil": hasil,
        "keterangan": keterangan,
    }


def _record_refusals(session: Session, feed: FeedRun, refused: list[RowOutcome], read: Read) -> None:
    """A refusal that is a known rule is a problem of that teacher (or row); a refused row is
    checked for the refusal rules only (not, say, for its supervisor)."""
    record_many(
        session,
        SOURCE,
        [(_subject(o), [finding(o.code, **o.params)]) for o in refused],
        now=audit.now(),
        run_id=feed.run_id,
        read=read,
        judged=REFUSAL_RULES,
    )


def _subject(outcome: RowOutcome) -> Subject:
    """Who a refused row is about, with the name, school and NUPTK the row gave."""
    who = outcome.identity
    return Subject(
        nip=(outcome.nip or f"baris {outcome.row}")[:40],
        periode=_periode_key(outcome),
        nama=who.get("nama"),
        nuptk=who.get("nuptk", "")[:16] or None,
        npsn=who.get("npsn", "")[:8] or None,
        sekolah=who.get("satuan_pendidikan"),
    )


def _periode_key(outcome: RowOutcome) -> str:
    """The period a refused row names, as the ingest keys it ("" when it names none)."""
    label = str(outcome.params.get("periode") or outcome.identity.get("periode") or "")
    try:
        return periods.parse_label(label).key if label else ""
    except periods.PeriodeError:
        return label[:20]


def finding_text(found: Finding) -> str:
    """A finding as one row's reason: what is wrong, the fix and who makes it."""
    return t("pmm.row.finding", reason=found.reason(), fix=found.fix(), who=found.who_label())


def refusal_text(code: str, params: dict[str, Any]) -> str:
    """Why a row was refused, with the fix and who makes it (never the value sent)."""
    if code == "kolom_kosong" and params.get("column") in _RATING_COLUMNS:
        return t("pmm.row.kolom_kosong_penilaian", **params)
    if code == "kolom_tidak_valid":
        return t(
            "pmm.row.kolom_tidak_valid",
            column=params.get("column", "-"),
            hint=t(f"pmm.hint.{_HINTS.get(params.get('field', ''), 'other')}"),
        )
    return t(f"pmm.row.{code}", **params)


def _accepted_text(hasil: str, findings: list[Finding]) -> str:
    """An accepted row: "diterima" with its problems; rejected by the rules: the reasons."""
    if hasil == "rejected":
        return "; ".join(finding_text(f) for f in findings) or t("pmm.row.rejected")
    if hasil in ("failed", "duplicate"):
        return t(f"pmm.row.{hasil}")
    if findings:
        return t("pmm.row.ok_with_problems", problems="; ".join(finding_text(f) for f in findings))
    return t("pmm.row.ok")


_RATING_COLUMNS = {"Rating Hasil Kerja", "Rating Perilaku Kerja", "Predikat"}
_HINTS = {
    "rating_hasil_kerja": "rating",
    "rating_perilaku_kerja": "rating",
    "predikat": "predikat",
    "status": "status",
    "tanggal_penilaian": "tanggal",
    "npsn": "npsn",
    "nuptk": "nuptk",
    "nip_penilai": "nip",
    "nama": "text",
    "nama_penilai": "text",
    "satuan_pendidikan": "text",
    "jenis_ptk": "text",
    "periode": "text",
}
