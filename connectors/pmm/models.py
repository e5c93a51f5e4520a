"""The one wire model of a teacher's PMM / Ruang GTK result, shared by all PMM sources.

The HTTP contract (``reference/pmm-contract.md``), the recap CSV and e-Kinerja's XLSX report all
produce ``PmmResult``; it is the one place to change when a real contract is published. Enum
fields accept the contract's codes (``SESUAI_EKSPEKTASI``) and the human labels the recap files
carry, in their known spellings ("Di Atas Ekspetasi", "Dibawah Espektasi", "Butuh Perbaikan").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from connectors.storable import check_model_text


class Status(StrEnum):
    """Where the teacher's plan and rating stand in PMM."""

    DRAFT = "DRAFT"
    DIAJUKAN = "DIAJUKAN"
    DISEPAKATI = "DISEPAKATI"
    DIKEMBALIKAN = "DIKEMBALIKAN"
    DINILAI = "DINILAI"


class Rating(StrEnum):
    """Rating hasil kerja or perilaku kerja."""

    DI_ATAS_EKSPEKTASI = "DI_ATAS_EKSPEKTASI"
    SESUAI_EKSPEKTASI = "SESUAI_EKSPEKTASI"
    DI_BAWAH_EKSPEKTASI = "DI_BAWAH_EKSPEKTASI"


class Predikat(StrEnum):
    """Predikat kinerja as PMM sends it."""

    SANGAT_BAIK = "SANGAT_BAIK"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"


class JenisPeriode(StrEnum):
    """Period kinds PMM knows."""

    TAHUNAN = "TAHUNAN"
    SEMESTER = "SEMESTER"
    TRIWULAN = "TRIWULAN"
    BULANAN = "BULANAN"


@lru_cache(maxsize=4096)  # recap files repeat a handful of labels on every row
def _squash(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


# label spelling (letters only, lower case) -> code; prefixes are enough for the ratings
_RATING_PREFIX = (
    ("diatas", Rating.DI_ATAS_EKSPEKTASI),
    ("sesuai", Rating.SESUAI_EKSPEKTASI),
    ("dibawah", Rating.DI_BAWAH_EKSPEKTASI),
)
_PREDIKAT_LABEL = {
    "sangatbaik": Predikat.SANGAT_BAIK,
    "baik": Predikat.BAIK,
    "butuhperbaikan": Predikat.BUTUH_PERBAIKAN,
    "kurang": Predikat.KURANG,
    "kurangmisconduct": Predikat.KURANG,
    "misconduct": Predikat.KURANG,
    "sangatkurang": Predikat.SANGAT_KURANG,
}
_STATUS_LABEL = {
    "draft": Status.DRAFT,
    "diajukan": Status.DIAJUKAN,
    "disepakati": Status.DISEPAKATI,
    "disetujui": Status.DISEPAKATI,
    "dikembalikan": Status.DIKEMBALIKAN,
    "dinilai": Status.DINILAI,
    "sudahdinilai": Status.DINILAI,
}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == "-"


def parse_rating_label(value: Any) -> Rating | None:
    """A rating from its code or label in any known spelling; blank means not rated yet."""
    if _blank(value):
        return None
    key = _squash(str(value))
    for prefix, rating in _RATING_PREFIX:
        if key.startswith(prefix):
            return rating
    raise ValueError(f"{value!r} is not a rating (di atas / sesuai / di bawah ekspektasi)")


def parse_predikat_label(value: Any) -> Predikat | None:
    """A predikat from its code or label ("Butuh Perbaikan", "Kurang / Misconduct")."""
    if _blank(value):
        return None
    predikat = _PREDIKAT_LABEL.get(_squash(str(value)))
    if predikat is None:
        raise ValueError(f"{value!r} is not a predikat (Sangat Baik .. Sangat Kurang)")
    return predikat


def parse_status_label(value: Any) -> Status:
    """A PMM status from its code or label ("Disepakati", "Sudah Dinilai")."""
    status = _STATUS_LABEL.get(_squash(str(value or "")))
    if status is None:
        raise ValueError(
            f"{value!r} is not a PMM status (DRAFT, DIAJUKAN, DISEPAKATI, DIKEMBALIKAN, DINILAI)"
        )
    return status


def _stripped_or_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


RatingField = Annotated[Rating | None, BeforeValidator(parse_rating_label)]
PredikatField = Annotated[Predikat | None, BeforeValidator(parse_predikat_label)]
StatusField = Annotated[Status, BeforeValidator(parse_status_label)]
Nip = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{18}$")]


_STRIP = BeforeValidator(_stripped_or_none)
OptNip = Annotated[Annotated[str, StringConstraints(pattern=r"^\d{18}$")] | None, _STRIP]
Nuptk = Annotated[Annotated[str, StringConstraints(pattern=r"^\d{16}$")] | None, _STRIP]
Npsn = Annotated[Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{8}$")] | None, _STRIP]
Text12 = Annotated[Annotated[str, StringConstraints(max_length=12)] | None, _STRIP]
Text40 = Annotated[Annotated[str, StringConstraints(max_length=40)] | None, _STRIP]
Text200 = Annotated[Annotated[str, StringConstraints(max_length=200)] | None, _STRIP]
Text300 = Annotated[Annotated[str, StringConstraints(max_length=300)] | None, _STRIP]
Text1000 = Annotated[Annotated[str, StringConstraints(max_length=1000)] | None, _STRIP]


class PmmModel(BaseModel):
    """Base of the PMM wire models: unknown keys ignored, values immutable, text storable."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _storable(self) -> Self:
        check_model_text(self)
        return self


class Periode(PmmModel):
    """``GET /v1/pengelolaan-kinerja/periode`` → one of ``data``."""

    id: str = Field(min_length=1, max_length=20)
    tahun: int = Field(ge=2000, le=2100)
    jenis: JenisPeriode
    mulai: date
    selesai: date


class Pegawai(PmmModel):
    """The teacher (or principal) whose result this is."""

    nip: Nip
    nuptk: Nuptk = None
    nama: Text200 = None
    jenis_ptk: Text40 = None
    jabatan: Text300 = None


class SatuanPendidikan(PmmModel):
    """The school (NPSN, 8 characters)."""

    npsn: Npsn = None
    nama: Text300 = None


class Penilai(PmmModel):
    """The principal (or Kepala Dinas for a principal) who rates."""

    nip: OptNip = None
    nama: Text200 = None
    jabatan: Text300 = None


class Indikator(PmmModel):
    """An indicator of a praktik kinerja: aspek, text and target as written ("4 dokumen")."""

    aspek: Text12 = None
    uraian: str = Field(min_length=1, max_length=1000)
    target: Text200 = None


class PraktikKinerja(PmmModel):
    """A praktik kinerja (RHK utama) with its indicators."""

    id: str = Field(min_length=1, max_length=64)
    uraian: str = Field(min_length=1, max_length=1000)
    indikator: list[Indikator] = Field(default_factory=list)


class Butir(PmmModel):
    """A pengembangan kompetensi or tugas tambahan item (RHK tambahan)."""

    id: str = Field(min_length=1, max_length=64)
    uraian: str = Field(min_length=1, max_length=1000)


class Perencanaan(PmmModel):
    """The plan: the Rapor Pendidikan indicator and the items chosen for it."""

    indikator_rapor_pendidikan: Text300 = None
    praktik_kinerja: list[PraktikKinerja] = Field(default_factory=list)
    pengembangan_kompetensi: list[Butir] = Field(default_factory=list)
    tugas_tambahan: list[Butir] = Field(default_factory=list)


class Observasi(PmmModel):
    """One observation by the principal."""

    tanggal: date | None = None
    skor: float | None = Field(default=None, ge=0, le=100)
    catatan: Text1000 = None


class PmmResult(PmmModel):
    """One teacher's result for one period, whichever source it came from."""

    id: str = Field(min_length=1, max_length=64)
    periode_id: str = Field(min_length=1, max_length=64)  # PMM id, or a file's period label
    pegawai: Pegawai
    satuan_pendidikan: SatuanPendidikan = Field(default_factory=SatuanPendidikan)
    penilai: Penilai = Field(default_factory=Penilai)
    status: StatusField
    perencanaan: Perencanaan = Field(default_factory=Perencanaan)
    observasi: list[Observasi] = Field(default_factory=list)
    rating_hasil_kerja: RatingField = None
    rating_perilaku_kerja: RatingField = None
    predikat: PredikatField = None
    tanggal_penilaian: date | None = None
    updated_at: datetime | None = None


class ResultPage(PmmModel):
    """``GET /v1/pengelolaan-kinerja/hasil`` → a page of results and the next cursor."""

    data: list[PmmResult]
    next_cursor: str | None = None
