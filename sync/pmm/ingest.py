"""PMM results into the store, a batch at a time: de-duplicate, map, check, write, record problems.

Shared by the three sources. A result already read (same source id and ``updated_at``) is a
duplicate and skipped; one whose NIP the store does not know is not written (the reason is
recorded); every other result becomes SKP rows and its problems are recorded, never "fixed":
a predikat that disagrees with the matrix is stored as the source gave it and kept from the push.

Two stages, so a source can decide what "one read" is: ``stage`` writes a batch (one query for
its duplicates, bulk SKP writes) and keeps, per result, only what the problem rules need;
``settle`` then checks the period rules over everything staged (per teacher), the placement
rules after every SKP of the read is in (a principal's own SKP may come later in the read), and
records the problems, rejected results first, in the order read. ``ingest`` is both for one batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.pmm.models import PmmResult
from mappings import periode as periods
from mappings.skp import SkpRecord, map_pmm_result
from mappings.skp_rules import Finding
from store.models_skp import Skp
from sync import audit
from sync.clock import aware
from sync.pmm.problems import Read, Subject, record_many
from sync.pmm.rules import (
    Placement,
    StoreContext,
    identity_findings,
    non_standard,
    periodik_findings,
    placement_many,
    placement_of,
)
from sync.pmm.write import Written, write_skp
from sync.pmm.write_bulk import write_many

log = structlog.get_logger(__name__)
# Every result read ends in exactly one outcome, so read == the sum of OUTCOMES (``unaccounted``
# is 0); ``unread`` counts teachers or pages that could not be read at all (retried next run)
# and ``problem`` the results with a problem, already counted in an outcome.
OUTCOMES = ("created", "updated", "unchanged", "duplicate", "rejected", "skipped", "failed")
COUNTS = ("read", *OUTCOMES, "unread", "problem")


def unaccounted(counts: Mapping[str, int]) -> int:
    """Results read that no outcome counts (0 when the counts add up)."""
    return counts.get("read", 0) - sum(counts.get(name, 0) for name in OUTCOMES)


SETTLE_BATCH = 500


@dataclass(frozen=True)
class Incoming:
    """A result as read, with its period (or why the period is not standard)."""

    result: PmmResult
    periode: periods.Periode | None
    label: str
    error: periods.PeriodeError | None = None


@dataclass
class Batch:
    """Results of one read, and breaches of the period rules that hold for the whole source."""

    items: list[Incoming] = field(default_factory=list)
    source_breaches: dict[int, list[Finding]] = field(default_factory=dict)


@dataclass(slots=True)
class Staged:
    """A result after ``stage``: whose, its findings so far, and what settling it needs."""

    subject: Subject
    findings: list[Finding]
    periode: periods.Periode | None
    placement: Placement | None  # None: rejected (not written)
    source_breaches: list[Finding]


@dataclass
class Settled:
    """Counts per outcome, each result id's outcome, and ``explain`` told each result's final
    findings (when it has any) as they are settled."""

    counts: Counter[str] = field(default_factory=lambda: Counter({n: 0 for n in COUNTS}))
    outcomes: dict[str, str] = field(default_factory=dict)
    explain: Callable[[str, list[Finding]], None] | None = None
    staged: list[Staged] = field(default_factory=list)
    periods: list[tuple[str, str, int, int, str]] = field(default_factory=list)  # every read


def subject_of(item: Incoming) -> Subject:
    """Whose result this is, for the problem list."""
    result = item.result
    return Subject(
        nip=result.pegawai.nip,
        periode=item.periode.key if item.periode else item.label,
        nama=result.pegawai.nama,
        nuptk=result.pegawai.nuptk,
        npsn=result.satuan_pendidikan.npsn,
        sekolah=result.satuan_pendidikan.nama,
        source_id=result.id,
    )


def duplicates(session: Session, source: str, items: list[Incoming]) -> set[int]:
    """Positions of the results already stored with the same ``updated_at`` (one query)."""
    ids = sorted({i.result.id for i in items if i.result.updated_at is not None})
    if not ids:
        return set()
    stored: dict[tuple[str, str], set[datetime | None]] = {}
    for source_id, nip, updated_at in session.execute(
        select(Skp.source_id, Skp.nip, Skp.source_updated_at).where(
            Skp.source == source, Skp.source_id.in_(ids)
        )
    ):
        stored.setdefault((source_id, nip), set()).add(aware(updated_at))
    return {
        at
        for at, i in enumerate(items)
        if i.result.updated_at is not None
        and aware(i.result.updated_at) in stored.get((i.result.id, i.result.pegawai.nip), set())
    }


def stage(
    session: Session,
    source: str,
    batch: Batch,
    context: StoreContext,
    into: Settled,
    *,
    actor: str,
    run_id: str | None,
) -> None:
    """Write one batch's SKPs in the caller's transaction; keep what settling needs."""
    counts, known = into.counts, duplicates(session, source, batch.items)
    to_write: list[tuple[Incoming, SkpRecord, list[Finding]]] = []
    for at, item in enumerate(batch.items):
        counts["read"] += 1
        result_id = item.result.id
        if item.periode is not None:
            p = item.periode
            into.periods.append((item.result.pegawai.nip, p.jenis, p.tahun, p.angka, result_id))
        if at in known:
            counts["duplicate"] += 1
            into.outcomes[result_id] = "duplicate"
            continue
        findings = [non_standard(item.label, item.error or periods.PeriodeError(item.label))]
        record = None
        if item.periode is not None:
            record, findings = map_pmm_result(item.result, item.periode, source)
        identity = identity_findings(context, item.result)
        if record is None or identity:
            counts["rejected"] += 1
            into.outcomes[result_id] = "rejected"
            into.staged.append(
                Staged(
                    subject_of(item), findings + identity, item.periode, None, _source_breaches(item, batch)
                )
            )
            continue
        to_write.append((item, record, findings))
    for (item, record, findings), written_as in zip(
        to_write, _write(session, [r for _, r, _ in to_write], context, actor, run_id), strict=True
    ):
        counts[written_as] += 1
        into.outcomes[item.result.id] = written_as
        if written_as != "failed":
            into.staged.append(
                Staged(
                    subject_of(item),
                    findings,
                    item.periode,
                    placement_of(item.result, record),
                    _source_breaches(item, batch),
                )
            )


def _write(
    session: Session, records: list[SkpRecord], context: StoreContext, actor: str, run_id: str | None
) -> list[Written | str]:
    """Bulk-write the records; when the batch breaks a constraint, one by one (each alone)."""
    if not records:
        return []
    try:
        with session.begin_nested():
            return list(write_many(session, records, actor=actor, run_id=run_id, pegawai=context.ids))
    except (IntegrityError, ValueError):
        session.expire_all()
    outcomes: list[Written | str] = []
    for record in records:  # one odd result must not sink the batch
        try:
            with session.begin_nested():
                outcomes.append(write_skp(session, record, actor=actor, run_id=run_id))
        except (IntegrityError, ValueError) as exc:
            log.warning(
                "pmm_result_not_written",
                nip=record.nip,
                id=record.source_id,
                error=f"{type(exc).__name__}: {exc}"[:500],
            )
            outcomes.append("failed")
    return outcomes


def settle(
    session: Session,
    source: str,
    context: StoreContext,
    into: Settled,
    *,
    run_id: str | None,
    read: Read | None = None,
) -> None:
    """Check the period and placement rules over everything staged and record the problems
    (within ``read``: resolved when the read is closed)."""
    per_teacher = _teacher_breaches(into.periods)
    now = audit.now()
    troubled: set[str] = set()
    rejected = [s for s in into.staged if s.placement is None]
    written = [s for s in into.staged if s.placement is not None]
    for group in (rejected, written):
        for start in range(0, len(group), SETTLE_BATCH):
            chunk = group[start : start + SETTLE_BATCH]
            placed = iter(
                placement_many(session, context, [s.placement for s in chunk if s.placement is not None])
            )
            entries = []
            for staged in chunk:
                findings = [*_period_findings(staged, per_teacher), *staged.findings]
                if staged.placement is not None:
                    findings += next(placed)
                entries.append((staged.subject, findings))
                if findings:
                    troubled.add(staged.subject.nip)
                    if into.explain is not None:
                        into.explain(staged.subject.source_id or "", findings)
                elif staged.placement is None:
                    troubled.add(staged.subject.nip)
            record_many(session, source, entries, now=now, run_id=run_id, read=read)
    into.counts["problem"] += len(troubled)
    into.staged.clear()
    into.periods.clear()


def ingest(
    session: Session,
    source: str,
    batch: Batch,
    context: StoreContext,
    *,
    actor: str,
    run_id: str | None,
    outcomes: dict[str, str] | None = None,
) -> Counter[str]:
    """Write one batch in the caller's transaction; counts per outcome (and per result id)."""
    settled = Settled()
    stage(session, source, batch, context, settled, actor=actor, run_id=run_id)
    settle(session, source, context, settled, run_id=run_id)
    if outcomes is not None:
        outcomes.update(settled.outcomes)
    return settled.counts


def _source_breaches(item: Incoming, batch: Batch) -> list[Finding]:
    return batch.source_breaches.get(item.periode.tahun, []) if item.periode else []


def _teacher_breaches(read: list[tuple[str, str, int, int, str]]) -> dict[str, dict[int, list[Finding]]]:
    """Per teacher: the periods of their results in this read, checked as e-Kinerja does."""
    by_nip: dict[str, dict[tuple[str, int, int], set[str]]] = {}
    for nip, jenis, tahun, angka, result_id in read:
        by_nip.setdefault(nip, {}).setdefault((jenis, tahun, angka), set()).add(result_id)
    found: dict[str, dict[int, list[Finding]]] = {}
    for nip, seen in by_nip.items():
        listed = [
            periods.Periode(tahun, jenis, angka) for (jenis, tahun, angka), ids in seen.items() for _ in ids
        ]
        breaches = periodik_findings(listed)
        if breaches:
            found[nip] = breaches
    return found


def _period_findings(staged: Staged, per_teacher: dict[str, dict[int, list[Finding]]]) -> list[Finding]:
    if staged.periode is None:
        return []
    return [*staged.source_breaches, *per_teacher.get(staged.subject.nip, {}).get(staged.periode.tahun, [])]
