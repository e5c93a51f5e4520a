"""Teachers' results as SIASN holds them (``rw-skp22``, ``rw-kinerjaperiodik``): authoritative.

These ratings already reached BKN (Ruang GTK -> e-Kinerja -> SIASN), so they are stored with
source ``siasn`` and never pushed back. A row whose id an evaluation of ours already carries
(we pushed it) is recognised and left alone. The only rules that apply are e-Kinerja's period
rules, per teacher and year.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings import periode as periods
from mappings.skp import EvaluasiRecord, SkpRecord, map_rw_kinerjaperiodik, map_rw_skp22
from mappings.skp_rules import Finding
from store.models import Pegawai
from store.models_skp import Evaluasi, PmmProblem, Skp
from sync import audit
from sync.pmm.problems import Subject, record_findings
from sync.pmm.rules import is_teacher, non_standard, periodik_findings
from sync.pmm.write import write_skp

SOURCE = "siasn"


@dataclass
class TeacherRows:
    """What SIASN returned for one teacher."""

    nip: str
    nama: str | None
    skp22: list[RwSkp22] = field(default_factory=list)
    periodik: list[RwKinerjaPeriodik] = field(default_factory=list)


def teacher_nips(session: Session, after: str | None = None) -> list[str]:
    """Active teachers and principals in the store, by NIP, after ``after`` (a resume point)."""
    query = select(Pegawai.nip, Pegawai.jabatan).where(Pegawai.aktif.is_(True))
    if after:
        query = query.where(Pegawai.nip > after)
    return [nip for nip, jabatan in session.execute(query.order_by(Pegawai.nip)) if is_teacher(jabatan)]


def ingest_teacher(session: Session, rows: TeacherRows, *, actor: str, run_id: str | None) -> Counter[str]:
    """Store one teacher's SIASN rows and record their period problems."""
    counts: Counter[str] = Counter()
    now = audit.now()
    if rows.nama is None:
        rows.nama = session.scalar(select(Pegawai.nama).where(Pegawai.nip == rows.nip))
    by_key: dict[str, list[Finding]] = {}
    good: list[periods.Periode] = []
    records: list[SkpRecord] = [map_rw_skp22(row, rows.nip) for row in rows.skp22 if row.tahun is not None]
    counts["skipped"] += len(rows.skp22) - len(records)  # an annual row without a year
    for row in rows.periodik:
        counts["read"] += 1
        try:
            record = map_rw_kinerjaperiodik(row, rows.nip)
        except periods.PeriodeError as exc:
            label = f"{row.tahun} bulan {row.bulan_mulai_penilaian}-{row.bulan_selesai_penilaian}"
            by_key.setdefault(label, []).append(non_standard(label, exc))
            counts["rejected"] += 1
            continue
        records.append(record)
        item = record.evaluasi[0]
        good.append(periods.Periode(record.tahun, item.jenis_periode, item.angka_periode))
    counts["read"] += len(rows.skp22)
    years, ours = _by_year(session, records)
    counts["skipped"] += ours
    for record, merged in years:  # each row read counts once, under its SKP's outcome
        counts[write_skp(session, record, actor=actor, run_id=run_id)] += merged
    for tahun, found in periodik_findings(good).items():
        by_key.setdefault(str(tahun), []).extend(found)
    for key in _keys(session, rows.nip) | set(by_key):
        record_findings(
            session,
            SOURCE,
            Subject(nip=rows.nip, periode=key, nama=rows.nama),
            by_key.get(key, []),
            now=now,
            run_id=run_id,
        )
    counts["problem"] = 1 if by_key else 0
    return counts


def _by_year(session: Session, records: list[SkpRecord]) -> tuple[list[tuple[SkpRecord, int]], int]:
    """One record per SKP (year) holding all its rows, with how many rows it merges, less the
    rows we pushed ourselves (how many of those, second)."""
    years: dict[str, list[SkpRecord]] = {}
    ours = 0
    for record in records:
        if _ours(session, record.evaluasi[0].siasn_id):
            ours += 1
        else:
            years.setdefault(record.source_id, []).append(record)
    merged: list[tuple[SkpRecord, int]] = []
    for items in years.values():
        annual = [r for r in items if r.evaluasi[0].jenis_periode == "TAHUNAN"]
        head = (annual or items)[0]
        kept: dict[tuple[str, int], EvaluasiRecord] = {}
        for item in sorted(
            (e for r in items for e in r.evaluasi),
            key=lambda e: (e.periode_mulai, e.jenis_periode, e.siasn_id or ""),
        ):
            # a period SIASN holds twice is reported (angka_periodik_ganda); the first is kept
            kept.setdefault((item.jenis_periode, item.angka_periode), item)
        merged.append((head.model_copy(update={"evaluasi": tuple(kept.values())}), len(items)))
    return merged, ours


def _ours(session: Session, siasn_id: str | None) -> bool:
    """True when an evaluation that did not come from SIASN carries this row id (we pushed it)."""
    owner = session.scalar(
        select(Skp.source).join(Evaluasi, Evaluasi.skp_id == Skp.id).where(Evaluasi.siasn_id == siasn_id)
    )
    return owner is not None and owner != SOURCE


def _keys(session: Session, nip: str) -> set[str]:
    """Period keys with open SIASN-source problems for ``nip`` (so fixed ones get resolved)."""
    return set(
        session.scalars(
            select(PmmProblem.periode).where(
                PmmProblem.source == SOURCE, PmmProblem.nip == nip, PmmProblem.status == "open"
            )
        )
    )
