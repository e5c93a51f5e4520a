"""PMM results and SIASN rating rows -> canonical SKP records (pure, table-driven).

A PMM result becomes one SKP for its period: RHK utama from each praktik kinerja (with its
indicators), RHK tambahan from pengembangan kompetensi and tugas tambahan, the penilai snapshot,
and one evaluation holding the ratings and the predikat as the source gave it. The predikat is
checked against the matrix (``mappings.predikat``); a mismatch becomes a notice, never a fix.
Field limits here are the store's column lengths (``store.models_skp``; a test checks they agree).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from connectors.pmm.models import PmmResult, Status
from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings import periode as periods
from mappings.predikat import check_predikat
from mappings.skp_rules import Finding, finding

Str8 = Annotated[str, StringConstraints(max_length=8)]
Str12 = Annotated[str, StringConstraints(max_length=12)]
Str60 = Annotated[str, StringConstraints(max_length=60)]
Str64 = Annotated[str, StringConstraints(max_length=64)]
Str200 = Annotated[str, StringConstraints(max_length=200)]
Str300 = Annotated[str, StringConstraints(max_length=300)]
Str1000 = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
NipStr = Annotated[str, StringConstraints(pattern=r"^\d{18}$")]

PLAN_STATUS = {  # PMM status -> canonical plan status (domain.md §2.9)
    Status.DRAFT: "DRAFT",
    Status.DIAJUKAN: "DIAJUKAN",
    Status.DISEPAKATI: "DISETUJUI",
    Status.DIKEMBALIKAN: "DIKEMBALIKAN",
    Status.DINILAI: "DISETUJUI",
}
RATING_CODE = {"DI_ATAS_EKSPEKTASI": 1, "SESUAI_EKSPEKTASI": 2, "DI_BAWAH_EKSPEKTASI": 3}
PREDIKAT_CODE = {"SANGAT_BAIK": 1, "BAIK": 2, "BUTUH_PERBAIKAN": 3, "KURANG": 4, "SANGAT_KURANG": 5}
ASPEK = {
    "kuantitas": "KUANTITAS",
    "kualitas": "KUALITAS",
    "waktu": "WAKTU",
    "biaya": "BIAYA",
    "deskripsi": "DESKRIPSI",
}


class Record(BaseModel):
    """Base of canonical records: immutable, validated on construction."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PenilaiRecord(Record):
    """The appraiser at the time of the evaluation."""

    nip: NipStr | None = None
    nama: Str200 | None = None
    jabatan: Str300 | None = None
    golongan_id: int | None = Field(default=None, ge=11, le=45)
    golongan: Str8 | None = None
    unor_nama: Str300 | None = None
    status: Annotated[str, StringConstraints(pattern=r"^(ASN|NON ASN)$")] | None = None


class IndikatorRecord(Record):
    """An indicator: aspek, text, target as value + unit + the text as written."""

    urutan: int = Field(ge=1)
    aspek: Str12 | None = None
    uraian: Str1000
    target_nilai: Decimal | None = Field(default=None, max_digits=18, decimal_places=4)
    target_satuan: Str60 | None = None
    target_teks: Str200 | None = None


class RhkRecord(Record):
    """An RHK: jenis utama/tambahan, klasifikasi, PMM category, indicators."""

    source_key: Str64
    urutan: int = Field(ge=1)
    jenis: Annotated[str, StringConstraints(pattern=r"^(UTAMA|TAMBAHAN)$")]
    klasifikasi: Annotated[str, StringConstraints(pattern=r"^(ORGANISASI|INDIVIDU)$")] | None = None
    kategori: Annotated[str, StringConstraints(max_length=30)] | None = None
    uraian: Str1000
    intervensi_atasan: Str1000 | None = None
    indikator: tuple[IndikatorRecord, ...] = ()


class EvaluasiRecord(Record):
    """One evaluation: period, ratings (SIASN codes), predikat as given, status, penilai."""

    jenis_periode: str
    angka_periode: int
    periode_mulai: date
    periode_selesai: date
    rating_hasil_kerja: int | None = Field(default=None, ge=1, le=3)
    rating_perilaku_kerja: int | None = Field(default=None, ge=1, le=3)
    predikat: int | None = Field(default=None, ge=1, le=5)
    tanggal_penilaian: date | None = None
    status_evaluasi: str = "BELUM_DINILAI"
    koefisien_id: Str8 | None = None
    siasn_id: Str64 | None = None
    penilai: PenilaiRecord = PenilaiRecord()


class ObservasiRecord(Record):
    """An observation by the principal."""

    urutan: int = Field(ge=1)
    tanggal: date | None = None
    skor: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)
    catatan: Str1000 | None = None


class SkpRecord(Record):
    """The canonical SKP of one employee, period and source record."""

    nip: NipStr
    nuptk: Annotated[str, StringConstraints(pattern=r"^\d{16}$")] | None = None
    nama: Str200 | None = None
    tahun: int
    periode_mulai: date
    periode_selesai: date
    source: Annotated[str, StringConstraints(pattern=r"^(siasn|pmm_file|pmm_http|local)$")]
    source_id: Str64
    source_updated_at: datetime | None = None
    jabatan: Str300 | None = None
    unor_nama: Str300 | None = None
    npsn: Str8 | None = None
    indikator_rapor_pendidikan: Str300 | None = None
    status_rencana: str = "DRAFT"
    penilai: PenilaiRecord = PenilaiRecord()
    rhk: tuple[RhkRecord, ...] = ()
    evaluasi: tuple[EvaluasiRecord, ...] = ()
    observasi: tuple[ObservasiRecord, ...] = ()


_TARGET = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(.*?)\s*$")


def parse_target(text: str | None) -> tuple[Decimal | None, str | None, str | None]:
    """Split a target as written ("4 dokumen", "100%", "1,5 jam") into value, unit and text."""
    if text is None or not text.strip():
        return None, None, None
    raw = text.strip()
    match = _TARGET.match(raw)
    if match is None:
        return None, None, raw
    try:
        value = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None, None, raw
    return value, (match.group(2) or None), raw


def map_pmm_result(
    result: PmmResult, periode: periods.Periode, source: str
) -> tuple[SkpRecord, list[Finding]]:
    """One PMM result for a standard ``periode`` -> its SKP record and what is wrong with it."""
    penilai = PenilaiRecord(
        nip=result.penilai.nip,
        nama=result.penilai.nama,
        jabatan=result.penilai.jabatan,
        unor_nama=result.satuan_pendidikan.nama,
        status="ASN" if result.penilai.nip else None,
    )
    evaluasi, findings = _pmm_evaluasi(result, periode, penilai)
    record = SkpRecord(
        nip=result.pegawai.nip,
        nuptk=result.pegawai.nuptk,
        nama=result.pegawai.nama,
        tahun=periode.tahun,
        periode_mulai=periode.mulai,
        periode_selesai=periode.selesai,
        source=source,
        source_id=result.id,
        source_updated_at=result.updated_at,
        jabatan=result.pegawai.jabatan,
        unor_nama=result.satuan_pendidikan.nama,
        npsn=result.satuan_pendidikan.npsn,
        indikator_rapor_pendidikan=result.perencanaan.indikator_rapor_pendidikan,
        status_rencana=PLAN_STATUS[result.status],
        penilai=penilai,
        rhk=_pmm_rhk(result),
        evaluasi=(evaluasi,),
        observasi=tuple(
            ObservasiRecord(
                urutan=i,
                tanggal=o.tanggal,
                catatan=o.catatan,
                skor=None if o.skor is None else Decimal(str(round(o.skor, 2))),
            )
            for i, o in enumerate(result.observasi, 1)
        ),
    )
    if result.status not in (Status.DISEPAKATI, Status.DINILAI):
        findings.insert(0, finding("rencana_belum_disepakati", status=result.status.value))
    return record, findings


def _pmm_evaluasi(
    result: PmmResult, periode: periods.Periode, penilai: PenilaiRecord
) -> tuple[EvaluasiRecord, list[Finding]]:
    hasil = RATING_CODE[result.rating_hasil_kerja] if result.rating_hasil_kerja else None
    perilaku = RATING_CODE[result.rating_perilaku_kerja] if result.rating_perilaku_kerja else None
    predikat = PREDIKAT_CODE[result.predikat] if result.predikat else None
    findings: list[Finding] = []
    rated = hasil is not None and perilaku is not None and predikat is not None
    if hasil is not None and perilaku is not None and predikat is not None:
        check = check_predikat(hasil, perilaku, predikat)
        if not check.ok:
            findings.append(
                finding(
                    "predikat_tidak_sesuai",
                    hasil=hasil,
                    perilaku=perilaku,
                    given=check.given,
                    expected=check.expected,
                )
            )
    elif result.status is Status.DINILAI or any(v is not None for v in (hasil, perilaku, predikat)):
        findings.append(finding("penilaian_tidak_lengkap"))
    evaluasi = EvaluasiRecord(
        jenis_periode=periode.jenis,
        angka_periode=periode.angka,
        periode_mulai=periode.mulai,
        periode_selesai=periode.selesai,
        rating_hasil_kerja=hasil,
        rating_perilaku_kerja=perilaku,
        predikat=predikat,
        tanggal_penilaian=result.tanggal_penilaian,
        status_evaluasi="DINILAI" if rated else "BELUM_DINILAI",
        penilai=penilai,
    )
    return evaluasi, findings


def _pmm_rhk(result: PmmResult) -> tuple[RhkRecord, ...]:
    plan = result.perencanaan
    rows: list[RhkRecord] = []
    for item in plan.praktik_kinerja:
        rows.append(
            RhkRecord(
                source_key=item.id,
                urutan=len(rows) + 1,
                jenis="UTAMA",
                klasifikasi="INDIVIDU",
                kategori="praktik_kinerja",
                uraian=item.uraian,
                intervensi_atasan=plan.indikator_rapor_pendidikan,
                indikator=tuple(
                    _indikator(i, ind.aspek, ind.uraian, ind.target)
                    for i, ind in enumerate(item.indikator, 1)
                ),
            )
        )
    for kategori, items in (
        ("pengembangan_kompetensi", plan.pengembangan_kompetensi),
        ("tugas_tambahan", plan.tugas_tambahan),
    ):
        for butir in items:
            rows.append(
                RhkRecord(
                    source_key=butir.id,
                    urutan=len(rows) + 1,
                    jenis="TAMBAHAN",
                    klasifikasi="INDIVIDU",
                    kategori=kategori,
                    uraian=butir.uraian,
                )
            )
    return tuple(rows)


def _indikator(urutan: int, aspek: str | None, uraian: str, target: str | None) -> IndikatorRecord:
    value, unit, raw = parse_target(target)
    return IndikatorRecord(
        urutan=urutan,
        aspek=ASPEK.get((aspek or "").strip().lower()),
        uraian=uraian,
        target_nilai=value,
        target_satuan=unit[:60] if unit else None,
        target_teks=raw,
    )


def _siasn_penilai(
    nip: str | None,
    nama: str | None,
    golongan_id: int | None,
    jabatan: str | None,
    unor: str | None,
    status: str | None,
) -> PenilaiRecord:
    status_norm = (status or "").strip().upper()
    return PenilaiRecord(
        nip=nip if nip and re.fullmatch(r"\d{18}", nip) else None,
        nama=nama,
        golongan_id=golongan_id if golongan_id and 11 <= golongan_id <= 45 else None,
        jabatan=jabatan,
        unor_nama=unor,
        status=status_norm if status_norm in ("ASN", "NON ASN") else None,
    )


def siasn_skp_id(year: periods.Periode) -> str:
    """The source id of the one SKP per year that holds every SIASN row of that year."""
    return f"siasn-{year.tahun}"


def map_rw_skp22(row: RwSkp22, nip: str) -> SkpRecord:
    """An ``rw-skp22`` row (an annual result already in SIASN) -> the year's ``siasn`` SKP."""
    if row.tahun is None:
        raise periods.PeriodeError(f"rw-skp22 row {row.id} has no tahun")
    year = periods.Periode(row.tahun, "TAHUNAN", 1)
    penilai = _siasn_penilai(
        row.nip_nrp_penilai,
        row.nama_penilai,
        row.penilai_golongan_id,
        row.penilai_jabatan_nm,
        row.penilai_unor_nm,
        row.status_penilai,
    )
    return _siasn_record(
        nip,
        year,
        row.id,
        penilai,
        row.hasil_kinerja_nilai,
        row.perilaku_kerja_nilai,
        row.kuadran_kinerja_nilai,
        None,
    )


def map_rw_kinerjaperiodik(row: RwKinerjaPeriodik, nip: str) -> SkpRecord:
    """An ``rw-kinerjaperiodik`` row -> the SKP of its year holding that periodic evaluation."""
    periode = periods.from_siasn(
        row.periodik_id, row.tahun, row.bulan_mulai_penilaian, row.bulan_selesai_penilaian
    )
    penilai = _siasn_penilai(row.penilai_nip_nrp, row.nama_penilai, None, None, None, row.status_penilai)
    return _siasn_record(
        nip,
        periode,
        row.id,
        penilai,
        row.hasil_kinerja_nilai,
        row.perilaku_kerja_nilai,
        row.kuadran_kinerja_nilai,
        row.koefisien_id,
    )


def _siasn_record(
    nip: str,
    periode: periods.Periode,
    row_id: str,
    penilai: PenilaiRecord,
    hasil: int | None,
    perilaku: int | None,
    kuadran: int | None,
    koefisien: str | None,
) -> SkpRecord:
    def code(value: int | None, top: int) -> int | None:
        return value if value is not None and 1 <= value <= top else None

    rated = None not in (code(hasil, 3), code(perilaku, 3), code(kuadran, 5))
    year = periods.Periode(periode.tahun, "TAHUNAN", 1)
    evaluasi = EvaluasiRecord(
        jenis_periode=periode.jenis,
        angka_periode=periode.angka,
        periode_mulai=periode.mulai,
        periode_selesai=periode.selesai,
        rating_hasil_kerja=code(hasil, 3),
        rating_perilaku_kerja=code(perilaku, 3),
        predikat=code(kuadran, 5),
        status_evaluasi="TERKIRIM_SIASN" if rated else "BELUM_DINILAI",
        koefisien_id=koefisien,
        siasn_id=row_id,
        penilai=penilai,
    )
    return SkpRecord(
        nip=nip,
        tahun=periode.tahun,
        periode_mulai=year.mulai,
        periode_selesai=year.selesai,
        source="siasn",
        source_id=siasn_skp_id(year),
        status_rencana="DISETUJUI",
        penilai=penilai,
        evaluasi=(evaluasi,),
    )
