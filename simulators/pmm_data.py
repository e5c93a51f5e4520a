"""Teachers' PMM results for the generated province: schools (NPSN), teachers, principals.

Every teacher (an employee with a NUPTK at a school) gets a result per period, rated by the
school's principal; each principal gets one rated by the Kepala Dinas Pendidikan. Most results are
rated and agree with the matrix; a few are still in planning, a few carry a predikat that
disagrees with the matrix, and teachers of a school without a principal carry no penilai. The
simulator keeps its own copy of the matrix (reference/domain.md §2.8), never ``mappings``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import Any

from simulators.dataset import SimPegawai, SimUnit, World

RATINGS = ("DI_ATAS_EKSPEKTASI", "SESUAI_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI")
PREDIKATS = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
MATRIX = {  # (hasil, perilaku) -> predikat, PermenPANRB 6/2022
    ("DI_ATAS_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "SANGAT_BAIK",
    ("DI_ATAS_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BAIK",
    ("DI_ATAS_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "KURANG",
    ("SESUAI_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "BAIK",
    ("SESUAI_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BAIK",
    ("SESUAI_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "KURANG",
    ("DI_BAWAH_EKSPEKTASI", "DI_ATAS_EKSPEKTASI"): "BUTUH_PERBAIKAN",
    ("DI_BAWAH_EKSPEKTASI", "SESUAI_EKSPEKTASI"): "BUTUH_PERBAIKAN",
    ("DI_BAWAH_EKSPEKTASI", "DI_BAWAH_EKSPEKTASI"): "SANGAT_KURANG",
}
PERIODS: tuple[dict[str, Any], ...] = (
    {"id": "2024-1", "tahun": 2024, "jenis": "SEMESTER", "mulai": "2024-01-01", "selesai": "2024-06-30"},
    {"id": "2024-2", "tahun": 2024, "jenis": "SEMESTER", "mulai": "2024-07-01", "selesai": "2024-12-31"},
    {"id": "2025", "tahun": 2025, "jenis": "TAHUNAN", "mulai": "2025-01-01", "selesai": "2025-12-31"},
)
PRAKTIK = (
    "Menerapkan pembelajaran berdiferensiasi",
    "Asesmen formatif di awal pembelajaran",
    "Pembelajaran berbasis proyek",
    "Penguatan literasi membaca",
)
KOMPETENSI = (
    "Pelatihan mandiri asesmen formatif",
    "Komunitas belajar sekolah",
    "Webinar pembelajaran berdiferensiasi",
)
TUGAS = ("Wali kelas X-1", "Pembina OSIS", "Koordinator P5", "Pembina ekstrakurikuler")
RAPOR = ("Kualitas pembelajaran", "Kemampuan literasi", "Kemampuan numerasi", "Iklim keamanan")


def npsn(unit: SimUnit) -> str:
    """The school's NPSN (8 digits), stable for its unit id."""
    digest = hashlib.sha256(unit.id.encode()).hexdigest()
    return f"{10000000 + int(digest[:12], 16) % 89999999:08d}"


def schools(world: World) -> list[SimUnit]:
    """Units that are schools (``JenisUnorId`` 2)."""
    return [u for u in world.units.values() if u.jenis_unor_id == "2"]


def kepala_dinas(world: World, school: SimUnit) -> SimPegawai | None:
    """The head of the OPD (eselon II) above ``school``: the principal's penilai."""
    unit: SimUnit | None = school
    while unit is not None:
        if unit.eselon_id in (21, 22) and unit.pemimpin_pns_id:
            return world.by_pns_id(unit.pemimpin_pns_id)
        unit = world.units.get(unit.parent_id) if unit.parent_id else None
    return None


@dataclass
class Subject:
    """A person whose results PMM holds, with their school and penilai."""

    person: SimPegawai
    school: SimUnit
    penilai: SimPegawai | None
    principal: bool


def subjects(world: World) -> list[Subject]:
    """Every teacher and principal at a school, with who rates them."""
    by_unit: dict[str, list[SimPegawai]] = {}
    for person in world.pegawai.values():
        if person.nuptk:
            by_unit.setdefault(person.unor_id, []).append(person)
    out: list[Subject] = []
    for school in schools(world):
        head = world.by_pns_id(school.pemimpin_pns_id) if school.pemimpin_pns_id else None
        for person in by_unit.get(school.id, []):
            principal = head is not None and person.pns_id == head.pns_id
            out.append(Subject(person, school, kepala_dinas(world, school) if principal else head, principal))
    return out


def result(subject: Subject, periode: dict[str, Any], rng: Random, updated_at: datetime) -> dict[str, Any]:
    """One result as the contract's JSON (``GET .../hasil`` ``data`` item)."""
    person, school = subject.person, subject.school
    roll = rng.random()
    status = "DINILAI" if roll < 0.85 else ("DISEPAKATI" if roll < 0.92 else "DIAJUKAN")
    hasil, perilaku = rng.choices(RATINGS, (2, 7, 1))[0], rng.choices(RATINGS, (2, 7, 1))[0]
    predikat = MATRIX[(hasil, perilaku)]
    if rng.random() < 0.04:  # a principal who picked another predikat than the matrix says
        predikat = rng.choice([p for p in PREDIKATS if p != predikat])
    rated = status == "DINILAI"
    seed = f"{person.nip}:{periode['id']}"
    return {
        "id": str(_uuid(seed)),
        "periode_id": periode["id"],
        "pegawai": {
            "nip": person.nip,
            "nuptk": person.nuptk,
            "nama": _nama(person),
            "jenis_ptk": "KEPALA_SEKOLAH" if subject.principal else "GURU",
            "jabatan": person.jabatan_nama,
        },
        "satuan_pendidikan": {"npsn": npsn(school), "nama": school.nama},
        "penilai": _penilai(subject),
        "status": status,
        "perencanaan": _plan(rng),
        "observasi": [
            {
                "tanggal": _during(periode, rng).isoformat(),
                "skor": round(rng.uniform(2.0, 4.0), 1),
                "catatan": "Observasi kelas",
            }
        ]
        if status != "DIAJUKAN"
        else [],
        "rating_hasil_kerja": hasil if rated else None,
        "rating_perilaku_kerja": perilaku if rated else None,
        "predikat": predikat if rated else None,
        "updated_at": updated_at.isoformat(),
    }


def _penilai(subject: Subject) -> dict[str, Any]:
    penilai = subject.penilai
    if penilai is None:
        return {"nip": None, "nama": None, "jabatan": None}
    return {"nip": penilai.nip, "nama": _nama(penilai), "jabatan": penilai.jabatan_nama}


def _plan(rng: Random) -> dict[str, Any]:
    count = rng.randint(1, 2)
    return {
        "indikator_rapor_pendidikan": rng.choice(RAPOR),
        "praktik_kinerja": [
            {
                "id": f"pk-{i + 1}",
                "uraian": uraian,
                "indikator": [
                    {"aspek": "KUANTITAS", "uraian": "Modul ajar", "target": f"{rng.randint(2, 6)} dokumen"},
                    {
                        "aspek": "KUALITAS",
                        "uraian": "Ketuntasan belajar",
                        "target": f"{rng.randint(75, 90)}%",
                    },
                ],
            }
            for i, uraian in enumerate(rng.sample(PRAKTIK, count))
        ],
        "pengembangan_kompetensi": [{"id": "pkom-1", "uraian": rng.choice(KOMPETENSI)}],
        "tugas_tambahan": [{"id": "tt-1", "uraian": rng.choice(TUGAS)}] if rng.random() < 0.6 else [],
    }


def _nama(person: SimPegawai) -> str:
    gelar = f", {person.gelar_belakang}" if person.gelar_belakang else ""
    return f"{person.gelar_depan + ' ' if person.gelar_depan else ''}{person.nama.title()}{gelar}"


def _during(periode: dict[str, Any], rng: Random) -> date:
    start, end = date.fromisoformat(periode["mulai"]), date.fromisoformat(periode["selesai"])
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _uuid(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


def initial_results(world: World, base: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Every subject's result for every period, keyed by result id, deterministic per world."""
    rng = Random(world.seed * 7919 + 1)
    clock = base or datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    out: dict[str, dict[str, Any]] = {}
    for periode in PERIODS:
        for index, subject in enumerate(subjects(world)):
            row = result(subject, periode, rng, clock + timedelta(seconds=index))
            out[row["id"]] = row
    return out
