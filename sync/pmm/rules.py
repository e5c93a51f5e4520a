"""The data-quality rules that need the store: who the teacher is, where, and who rates them.

The pure rules (plan not agreed, predikat against the matrix, incomplete rating) come with the
mapping (``mappings.skp``); these compare a result with what the store knows: the NIP (unknown
here, or Dapodik's NIP differing from SIASN's), the school's unit ("Unor di PMM belum padan"),
the principal's own SKP, the derived supervisor (teacher -> principal), and the period rules
("Tipe Periodik", "Angka Periodik") over everything one teacher or one source has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from connectors.pmm.models import PmmResult
from mappings import periode as periods
from mappings.skp import SkpRecord
from mappings.skp_rules import Finding, finding
from store.models import Pegawai, SupervisorLink, Unit
from store.models_skp import Skp

_TITLE = re.compile(r"^(?:(?:drs?|dra|ir|hj?|prof|dr)\.?\s+)+", re.IGNORECASE)


def name_key(nama: str | None) -> str:
    """A name without academic titles, case and punctuation ("Drs. Ahmad Yani, M.Pd." -> "ahmadyani")."""
    if not nama:
        return ""
    bare = _TITLE.sub("", nama.split(",")[0].strip())
    return re.sub(r"[^a-z]", "", bare.lower())


@dataclass(frozen=True, slots=True)
class Person:
    """What the rules need to know about a local employee."""

    nip: str
    nama: str | None
    unor_id: str | None
    unit_active: bool
    atasan_nip: str | None
    guru: bool


@dataclass
class StoreContext:
    """The store's employees, names, supervisors and NUPTKs, loaded once per run."""

    people: dict[str, Person] = field(default_factory=dict)
    ids: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # nip -> (id, unor)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    nuptk_nip: dict[str, str] = field(default_factory=dict)


def is_teacher(jabatan: str | None) -> bool:
    """A guru or kepala sekolah by position name (both are fed from PMM)."""
    text = (jabatan or "").strip().lower()
    return text.startswith("guru") or text.startswith("kepala sekolah")


def load_context(session: Session) -> StoreContext:
    """Employees with their unit state and derived supervisor; NUPTKs seen on earlier SKPs."""
    atasan = aliased(Pegawai)
    rows = session.execute(
        select(
            Pegawai.nip, Pegawai.nama, Pegawai.unor_id, Pegawai.jabatan, Unit.aktif, atasan.nip, Pegawai.id
        )
        .outerjoin(Unit, Unit.id == Pegawai.unor_id)
        .outerjoin(SupervisorLink, SupervisorLink.pegawai_id == Pegawai.id)
        .outerjoin(atasan, atasan.id == SupervisorLink.atasan_id)
    ).all()
    context = StoreContext()
    for nip, nama, unor_id, jabatan, aktif, atasan_nip, pegawai_id in rows:
        context.people[nip] = Person(
            nip, nama, unor_id, bool(aktif), atasan_nip, (jabatan or "").strip().lower().startswith("guru")
        )
        context.ids[nip] = (pegawai_id, unor_id)
        context.by_name.setdefault(name_key(nama), []).append(nip)
    for nuptk, nip in session.execute(select(Skp.nuptk, Skp.nip).where(Skp.nuptk.is_not(None))):
        if nuptk:
            context.nuptk_nip.setdefault(nuptk, nip)
    return context


def identity_findings(context: StoreContext, result: PmmResult) -> list[Finding]:
    """Unknown NIP: Dapodik's NIP differing from SIASN's (found by NUPTK or name), or unknown."""
    nip = result.pegawai.nip
    if nip in context.people:
        return []
    nuptk = result.pegawai.nuptk
    other = context.nuptk_nip.get(nuptk) if nuptk else None
    if other is None or other == nip:
        named = context.by_name.get(name_key(result.pegawai.nama), [])
        other = named[0] if len(named) == 1 and name_key(result.pegawai.nama) else None
    if other is not None and other != nip:
        return [finding("nip_beda_siasn", nip=nip, nip_siasn=other)]
    return [finding("pegawai_tidak_dikenal", nip=nip)]


@dataclass(frozen=True, slots=True)
class Placement:
    """What the placement rules need of one written result (kept instead of the result)."""

    nip: str
    mulai: date
    selesai: date
    penilai: str | None
    principal: bool
    npsn: str | None
    sekolah: str | None


def placement_of(result: PmmResult, record: SkpRecord) -> Placement:
    """The placement facts of a written result."""
    school = result.satuan_pendidikan
    return Placement(
        record.nip,
        record.periode_mulai,
        record.periode_selesai,
        result.penilai.nip,
        "kepala" in (result.pegawai.jenis_ptk or "").lower(),
        school.npsn,
        school.nama,
    )


def placement_findings(
    session: Session, context: StoreContext, result: PmmResult, record: SkpRecord
) -> list[Finding]:
    """The school's unit, the principal's own SKP and the supervisor on record."""
    return placement_many(session, context, [placement_of(result, record)])[0]


def placement_many(session: Session, context: StoreContext, items: list[Placement]) -> list[list[Finding]]:
    """``placement_findings`` of many written results, with one query for the principals' SKPs."""
    penilai = sorted({p.penilai for p in items if p.penilai})
    spans: dict[str, list[tuple[date, date]]] = {}
    if penilai:
        for nip, mulai, selesai in session.execute(
            select(Skp.nip, Skp.periode_mulai, Skp.periode_selesai).where(Skp.nip.in_(penilai))
        ):
            spans.setdefault(nip, []).append((mulai, selesai))
    return [
        _placement(
            context, p, any(m <= p.selesai and s >= p.mulai for m, s in spans.get(p.penilai or "", []))
        )
        for p in items
    ]


def _placement(context: StoreContext, p: Placement, penilai_has_skp: bool) -> list[Finding]:
    person = context.people.get(p.nip)
    if person is None:
        return []
    found: list[Finding] = []
    if person.unor_id is None or not person.unit_active:
        found.append(
            finding("unor_belum_padan", npsn=p.npsn or "-", sekolah=p.sekolah or person.unor_id or "-")
        )
    if p.penilai and person.guru and not p.principal and not penilai_has_skp:
        found.append(finding("kepsek_tanpa_skp", penilai_nip=p.penilai))
    if p.penilai and person.atasan_nip != p.penilai:
        found.append(finding("atasan_salah", penilai_nip=p.penilai, atasan_nip=person.atasan_nip or "-"))
    return found


def periodik_findings(items: Iterable[periods.Periode]) -> dict[int, list[Finding]]:
    """Per year: a mix of period kinds ("Tipe Periodik") or a number twice ("Angka Periodik")."""
    found: dict[int, list[Finding]] = {}
    for breach in periods.check_periodik(items):
        rule = "tipe_periodik_campur" if breach.rule == "tipe_periodik" else "angka_periodik_ganda"
        found.setdefault(breach.tahun, []).append(finding(rule, tahun=breach.tahun, detail=breach.detail))
    return found


def non_standard(label: str, error: Exception) -> Finding:
    """A period that is not a standard year, semester, quarter or month."""
    return finding("periode_tidak_standar", periode=label, detail=str(error))
