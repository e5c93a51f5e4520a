"""What the push sends and how it recognises its own rows in SIASN (pure: no I/O, no clock).

``kinerjaperiodik/save`` for periodic ratings and ``skp22/save`` for annual results, field names
as SIASN writes them (``reference/siasn-api.md`` §1.5), kuadran from the reviewed matrix, the
person as ``pnsDinilaiId`` / ``pnsDinilaiOrang`` = data-utama ``id``. A remote row matches an
evaluation when it covers the same year (and months); it is the same rating when the three
codes agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings import periode as periods
from mappings.predikat import kuadran

PERIODIK_ID = {"BULANAN": "1", "TRIWULAN": "2"}  # SIASN reference ``periodik``


@dataclass(frozen=True)
class Penilai:
    """The appraiser snapshot sent with a rating."""

    nip: str | None
    nama: str | None
    jabatan: str | None
    golongan_id: int | None
    unor_nama: str | None
    status: str | None


@dataclass(frozen=True)
class Rating:
    """One evaluation to send: who, which period, the ratings and the appraiser."""

    pns_id: str
    periode: periods.Periode
    hasil: int
    perilaku: int
    koefisien_id: str | None
    penilai: Penilai

    @property
    def annual(self) -> bool:
        """True for an annual result (``skp22``), False for a periodic rating."""
        return self.periode.jenis == "TAHUNAN"

    @property
    def kuadran(self) -> int:
        """The predikat code from the matrix."""
        return kuadran(self.hasil, self.perilaku)


def _penilai_fields(penilai: Penilai) -> dict[str, Any]:
    return {"penilaiNipNrp": penilai.nip or "", "penilaiNama": penilai.nama or "",
            "penilaiGolongan": str(penilai.golongan_id) if penilai.golongan_id else "",
            "penilaiUnorNama": penilai.unor_nama or "",
            "statusPenilai": penilai.status or ("ASN" if penilai.nip else "NON ASN")}


def skp22_body(rating: Rating) -> dict[str, Any]:
    """The ``skp22/save`` body of an annual result."""
    return {"id": None, "tahun": rating.periode.tahun, "hasilKinerjaNilai": rating.hasil,
            "perilakuKerjaNilai": rating.perilaku, "kuadranKinerjaNilai": rating.kuadran,
            "pnsDinilaiOrang": rating.pns_id, "penilaiJabatan": rating.penilai.jabatan or "",
            **_penilai_fields(rating.penilai), "path": []}


def kinerjaperiodik_body(rating: Rating) -> dict[str, Any]:
    """The ``kinerjaperiodik/save`` body of a periodic rating."""
    p = rating.periode
    return {"id": None, "pnsDinilaiId": rating.pns_id, "tahun": p.tahun,
            "tahunMulaiPenilaian": p.tahun, "tahunSelesaiPenilaian": p.tahun,
            "bulanMulaiPenilaian": p.bulan_mulai, "bulanSelesaiPenilaian": p.bulan_selesai,
            "periodikId": PERIODIK_ID.get(p.jenis), "koefisienId": rating.koefisien_id or "",
            "hasilKinerjaNilai": rating.hasil, "perilakuKerjaNilai": rating.perilaku,
            "kuadranKinerjaNilai": rating.kuadran,
            "penilaiJabatanNama": rating.penilai.jabatan or "",
            **_penilai_fields(rating.penilai), "path": []}


@dataclass(frozen=True)
class Remote:
    """A row SIASN already holds for the period: its id and its three codes."""

    id: str
    hasil: int | None
    perilaku: int | None
    kuadran: int | None

    def same_as(self, rating: Rating) -> bool:
        """True when SIASN holds exactly this rating."""
        return (self.hasil, self.perilaku, self.kuadran) == (rating.hasil, rating.perilaku,
                                                             rating.kuadran)


def find_remote(rating: Rating, skp22: list[RwSkp22], periodik: list[RwKinerjaPeriodik]
                ) -> Remote | None:
    """The SIASN row for the rating's period, if SIASN has one."""
    p = rating.periode
    if rating.annual:
        for row in skp22:
            if row.tahun == p.tahun:
                return Remote(row.id, row.hasil_kinerja_nilai, row.perilaku_kerja_nilai,
                              row.kuadran_kinerja_nilai)
        return None
    for item in periodik:
        if (item.tahun, item.bulan_mulai_penilaian, item.bulan_selesai_penilaian) == (
                p.tahun, p.bulan_mulai, p.bulan_selesai):
            return Remote(item.id, item.hasil_kinerja_nilai, item.perilaku_kerja_nilai,
                          item.kuadran_kinerja_nilai)
    return None
