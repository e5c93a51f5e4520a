"""One batch of PMM results into the store: de-duplicate, map, check, write, record problems.

Shared by the three sources. A result already read (same source id and ``updated_at``) is a
duplicate and skipped; one whose NIP the store does not know is not written (the reason is
recorded); every other result becomes SKP rows and its problems are recorded, never "fixed":
a predikat that disagrees with the matrix is stored as the source gave it and kept from the push.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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
from sync.pmm.problems import Subject, record_findings
from sync.pmm.rules import (
    StoreContext,
    identity_findings,
    non_standard,
    periodik_findings,
    placement_findings,
)
from sync.pmm.write import aware, write_skp

log = structlog.get_logger(__name__)
COUNTS = ("read", "created", "updated", "unchanged", "duplicate", "rejected", "problem",
          "failed")


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


def subject_of(item: Incoming) -> Subject:
    """Whose result this is, for the problem list."""
    result = item.result
    return Subject(nip=result.pegawai.nip, periode=item.periode.key if item.periode else item.label,
                   nama=result.pegawai.nama, nuptk=result.pegawai.nuptk,
                   npsn=result.satuan_pendidikan.npsn, sekolah=result.satuan_pendidikan.nama,
                   source_id=result.id)


def is_duplicate(session: Session, source: str, result: PmmResult) -> bool:
    """True when this result id was already stored with the same ``updated_at``."""
    if result.updated_at is None:
        return False
    stored = session.scalars(select(Skp.source_updated_at).where(
        Skp.source == source, Skp.source_id == result.id, Skp.nip == result.pegawai.nip))
    return any(aware(value) == aware(result.updated_at) for value in stored)


def ingest(session: Session, source: str, batch: Batch, context: StoreContext, *,
           actor: str, run_id: str | None, outcomes: dict[str, str] | None = None
           ) -> Counter[str]:
    """Write one batch in the caller's transaction; counts per outcome (and per result id)."""
    outcomes = {} if outcomes is None else outcomes
    counts: Counter[str] = Counter({name: 0 for name in COUNTS})
    now = audit.now()
    per_teacher = _teacher_breaches(batch.items)
    written: list[tuple[Incoming, SkpRecord, list[Finding]]] = []
    troubled: set[str] = set()
    for item in batch.items:
        counts["read"] += 1
        if is_duplicate(session, source, item.result):
            counts["duplicate"] += 1
            outcomes[item.result.id] = "duplicate"
            continue
        findings = _period_findings(item, batch, per_teacher)
        record = None
        if item.periode is not None:
            record, mapped = map_pmm_result(item.result, item.periode, source)
            findings += mapped
        identity = identity_findings(context, item.result)
        if record is None or identity:
            counts["rejected"] += 1
            outcomes[item.result.id] = "rejected"
            troubled.add(item.result.pegawai.nip)
            record_findings(session, source, subject_of(item), findings + identity, now=now,
                            run_id=run_id)
            continue
        written_as: str
        try:  # one odd result must not sink the batch
            with session.begin_nested():
                written_as = write_skp(session, record, actor=actor, run_id=run_id)
        except (IntegrityError, ValueError) as exc:
            log.warning("pmm_result_not_written", nip=record.nip, id=item.result.id,
                        error=f"{type(exc).__name__}: {exc}"[:500])
            written_as = "failed"
        counts[written_as] += 1
        outcomes[item.result.id] = written_as
        if written_as == "failed":
            continue
        written.append((item, record, findings))
    for item, record, findings in written:  # after the batch: principals' SKPs are in too
        findings = findings + placement_findings(session, context, item.result, record)
        record_findings(session, source, subject_of(item), findings, now=now, run_id=run_id)
        if findings:
            troubled.add(record.nip)
    counts["problem"] = len(troubled)
    return counts


def _teacher_breaches(items: list[Incoming]) -> dict[str, dict[int, list[Finding]]]:
    """Per teacher: the periods of their results in this read, checked as e-Kinerja does."""
    by_nip: dict[str, dict[tuple[str, int, int], set[str]]] = {}
    for item in items:
        if item.periode is not None:
            p = item.periode
            by_nip.setdefault(item.result.pegawai.nip, {}).setdefault(
                (p.jenis, p.tahun, p.angka), set()).add(item.result.id)
    found: dict[str, dict[int, list[Finding]]] = {}
    for nip, seen in by_nip.items():
        listed = [periods.Periode(tahun, jenis, angka) for (jenis, tahun, angka), ids in
                  seen.items() for _ in ids]
        breaches = periodik_findings(listed)
        if breaches:
            found[nip] = breaches
    return found


def _period_findings(item: Incoming, batch: Batch,
                     per_teacher: dict[str, dict[int, list[Finding]]]) -> list[Finding]:
    if item.periode is None:
        return [non_standard(item.label, item.error or periods.PeriodeError(item.label))]
    year = item.periode.tahun
    return [*batch.source_breaches.get(year, []),
            *per_teacher.get(item.result.pegawai.nip, {}).get(year, [])]
