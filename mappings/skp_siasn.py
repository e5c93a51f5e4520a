"""Canonical SKP evaluations -> SIASN write bodies, and finding a row SIASN already holds.

An annual evaluation goes to ``skp22/save``, a monthly or quarterly one to
``kinerjaperiodik/save`` (SIASN ``periodik``: 1 bulanan, 2 triwulan; it has no semester). The
kuadran sent is the matrix's; an evaluation whose recorded predikat disagrees is refused, never
"fixed". ``find_remote`` finds the row SIASN already holds for an evaluation (same period, same
ratings), so a push whose answer was lost reads before it posts again.
"""

from __future__ import annotations

from collections.abc import Iterable

from connectors.siasn.models import KinerjaPeriodikSave, RwKinerjaPeriodik, RwSkp22, Skp22Save
from mappings.predikat import kuadran
from mappings.skp import EvaluasiRecord

PERIODIK_ID = {"BULANAN": "1", "TRIWULAN": "2"}


class NotPushable(ValueError):
    """An evaluation SIASN cannot take as it is; ``code`` and ``params`` render its reason
    from the catalogue (``t(f"pmm.push.{code}", **params)``)."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def _checked_kuadran(evaluasi: EvaluasiRecord) -> tuple[int, int, int]:
    hasil, perilaku = evaluasi.rating_hasil_kerja, evaluasi.rating_perilaku_kerja
    if hasil is None or perilaku is None:
        raise NotPushable("belum_dinilai", "the evaluation has no ratings yet")
    expected = kuadran(hasil, perilaku)
    if evaluasi.predikat is not None and evaluasi.predikat != expected:
        raise NotPushable(
            "predikat_tidak_sesuai", f"predikat {evaluasi.predikat} disagrees with the matrix ({expected})"
        )
    return hasil, perilaku, expected


def siasn_body(evaluasi: EvaluasiRecord, *, pns_id: str) -> Skp22Save | KinerjaPeriodikSave:
    """The write body for ``evaluasi`` of the employee with SIASN PNS id ``pns_id``."""
    hasil, perilaku, quadrant = _checked_kuadran(evaluasi)
    penilai = evaluasi.penilai
    golongan = str(penilai.golongan_id) if penilai.golongan_id else None
    status = penilai.status or ("ASN" if penilai.nip else "NON ASN")
    tahun = evaluasi.periode_mulai.year
    if evaluasi.jenis_periode == "TAHUNAN":
        return Skp22Save(
            tahun=tahun,
            hasil_kinerja_nilai=hasil,
            perilaku_kerja_nilai=perilaku,
            kuadran_kinerja_nilai=quadrant,
            pns_dinilai_orang=pns_id,
            penilai_nip_nrp=penilai.nip,
            penilai_nama=penilai.nama,
            penilai_jabatan=penilai.jabatan,
            penilai_golongan=golongan,
            penilai_unor_nama=penilai.unor_nama,
            status_penilai=status,
        )
    periodik = PERIODIK_ID.get(evaluasi.jenis_periode)
    if periodik is None:
        raise NotPushable(
            "periode_tidak_didukung",
            f"SIASN takes only monthly or quarterly periods, not {evaluasi.jenis_periode}",
            jenis=evaluasi.jenis_periode.lower(),
        )
    return KinerjaPeriodikSave(
        pns_dinilai_id=pns_id,
        tahun=tahun,
        tahun_mulai_penilaian=tahun,
        tahun_selesai_penilaian=evaluasi.periode_selesai.year,
        bulan_mulai_penilaian=evaluasi.periode_mulai.month,
        bulan_selesai_penilaian=evaluasi.periode_selesai.month,
        periodik_id=periodik,
        koefisien_id=evaluasi.koefisien_id,
        hasil_kinerja_nilai=hasil,
        perilaku_kerja_nilai=perilaku,
        kuadran_kinerja_nilai=quadrant,
        penilai_nip_nrp=penilai.nip,
        penilai_nama=penilai.nama,
        penilai_jabatan_nama=penilai.jabatan,
        penilai_golongan=golongan,
        penilai_unor_nama=penilai.unor_nama,
        status_penilai=status,
    )


def find_remote(evaluasi: EvaluasiRecord, rows: Iterable[RwSkp22 | RwKinerjaPeriodik]) -> str | None:
    """The id of the SIASN row that already records ``evaluasi`` (same period and ratings)."""
    for row in rows:
        if _same_period(evaluasi, row) and (row.hasil_kinerja_nilai, row.perilaku_kerja_nilai) == (
            evaluasi.rating_hasil_kerja,
            evaluasi.rating_perilaku_kerja,
        ):
            return row.id
    return None


def _same_period(evaluasi: EvaluasiRecord, row: RwSkp22 | RwKinerjaPeriodik) -> bool:
    if row.tahun != evaluasi.periode_mulai.year:
        return False
    if isinstance(row, RwSkp22):
        return evaluasi.jenis_periode == "TAHUNAN"
    return (
        evaluasi.jenis_periode != "TAHUNAN"
        and row.bulan_mulai_penilaian == evaluasi.periode_mulai.month
        and row.bulan_selesai_penilaian == evaluasi.periode_selesai.month
    )
