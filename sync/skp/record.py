"""The e-Kinerja application records an employee's own SKP (plan, ratings, penilai) for the push.

The request model declares every limit once, with the store's column lengths (the canonical
records of ``mappings.skp``); ratings and predikat are checked against the matrix, periods against
the standard ones. A recorded SKP has source ``local``; one that came from SIASN or PMM, or an
evaluation already sent to SIASN, cannot be changed through it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings import periode as periods
from mappings.messages import t
from mappings.predikat import PREDIKAT, kuadran, parse_predikat, parse_rating
from mappings.skp import (
    EvaluasiRecord,
    IndikatorRecord,
    NipStr,
    PenilaiRecord,
    RhkRecord,
    SkpRecord,
    Str8,
    Str200,
    Str300,
    Str1000,
    parse_target,
)
from store.models import Pegawai
from store.models_skp import Evaluasi, Skp
from sync.pmm.write import Written, find_skp, write_skp

SOURCE = "local"


class RecordError(ValueError):
    """The SKP cannot be recorded as asked; ``status`` is the HTTP status, the message says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Model(BaseModel):
    """Strict request models: unknown keys refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PenilaiIn(Model):
    """The appraiser as they are at the time of rating."""

    nip: NipStr | None = None
    nama: Str200 | None = None
    jabatan: Str300 | None = None
    golongan_id: int | None = Field(None, ge=11, le=45)
    unor_nama: Str300 | None = None
    status: Literal["ASN", "NON ASN"] | None = None


class IndikatorIn(Model):
    """An indicator: aspek, text, target as written ("4 dokumen")."""

    aspek: Literal["KUANTITAS", "KUALITAS", "WAKTU", "BIAYA", "DESKRIPSI"] | None = None
    uraian: Str1000
    target: Str200 | None = None


class RhkIn(Model):
    """An RHK of the plan."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    jenis: Literal["UTAMA", "TAMBAHAN"]
    klasifikasi: Literal["ORGANISASI", "INDIVIDU"] | None = None
    uraian: Str1000
    intervensi_atasan: Str1000 | None = None
    indikator: list[IndikatorIn] = Field(default_factory=list, max_length=50)


class EvaluasiIn(Model):
    """One rating: the period, both ratings (code 1..3 or label), the predikat (checked)."""

    jenis_periode: Literal["TAHUNAN", "SEMESTER", "TRIWULAN", "BULANAN"]
    angka_periode: int = Field(1, ge=1, le=12)
    rating_hasil_kerja: int
    rating_perilaku_kerja: int
    predikat: int | None = None
    tanggal_penilaian: date | None = None
    koefisien_id: Str8 | None = None
    penilai: PenilaiIn | None = None

    @field_validator("rating_hasil_kerja", "rating_perilaku_kerja", mode="before")
    @classmethod
    def _rating(cls, value: Any) -> int:
        try:
            return parse_rating(value if isinstance(value, int) else str(value))
        except ValueError:
            raise ValueError(t("skp.api.rating", value=value)) from None

    @field_validator("predikat", mode="before")
    @classmethod
    def _predikat(cls, value: Any) -> int | None:
        if value is None or value == "":
            return None
        try:
            return parse_predikat(value if isinstance(value, int) else str(value))
        except ValueError:
            raise ValueError(t("skp.api.predikat_value", value=value)) from None

    @model_validator(mode="after")
    def _matrix(self) -> EvaluasiIn:
        expected = kuadran(self.rating_hasil_kerja, self.rating_perilaku_kerja)
        if self.predikat is not None and self.predikat != expected:
            raise ValueError(
                t(
                    "skp.api.predikat",
                    predikat=PREDIKAT[self.predikat],
                    hasil=self.rating_hasil_kerja,
                    perilaku=self.rating_perilaku_kerja,
                    seharusnya=PREDIKAT[expected],
                )
            )
        return self


class SkpIn(Model):
    """``PUT /api/v1/pegawai/{nip}/skp``: one SKP of the employee, identified by ``id``."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    tahun: int = Field(ge=2022, le=2100)
    jabatan: Str300 | None = None
    pendekatan: Literal["KUANTITATIF", "KUALITATIF"] | None = None
    status_rencana: Literal["DRAFT", "DIAJUKAN", "DISETUJUI", "DIKEMBALIKAN", "ARSIP"] = "DRAFT"
    penilai: PenilaiIn = Field(default_factory=PenilaiIn)
    rhk: list[RhkIn] = Field(default_factory=list, max_length=100)
    evaluasi: list[EvaluasiIn] = Field(default_factory=list, max_length=20)
    actor: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None


def _periode(tahun: int, item: EvaluasiIn, index: int) -> periods.Periode:
    try:
        return periods.Periode(tahun, item.jenis_periode, item.angka_periode)
    except periods.PeriodeError as exc:
        raise RecordError(
            422, t("skp.api.field", field=f"evaluasi.{index}.angka_periode", reason=str(exc))
        ) from None


def _penilai(item: PenilaiIn | None, fallback: PenilaiIn) -> PenilaiRecord:
    chosen = item or fallback
    return PenilaiRecord(**chosen.model_dump())


def to_record(nip: str, body: SkpIn, nama: str | None) -> SkpRecord:
    """The canonical record of a request (source ``local``)."""
    year = periods.Periode(body.tahun, "TAHUNAN", 1)
    evaluasi = []
    for index, item in enumerate(body.evaluasi):
        p = _periode(body.tahun, item, index)
        evaluasi.append(
            EvaluasiRecord(
                jenis_periode=p.jenis,
                angka_periode=p.angka,
                periode_mulai=p.mulai,
                periode_selesai=p.selesai,
                rating_hasil_kerja=item.rating_hasil_kerja,
                rating_perilaku_kerja=item.rating_perilaku_kerja,
                predikat=item.predikat or kuadran(item.rating_hasil_kerja, item.rating_perilaku_kerja),
                tanggal_penilaian=item.tanggal_penilaian,
                status_evaluasi="DINILAI",
                koefisien_id=item.koefisien_id,
                penilai=_penilai(item.penilai, body.penilai),
            )
        )
    rhk = tuple(
        RhkRecord(
            source_key=r.id,
            urutan=i,
            jenis=r.jenis,
            klasifikasi=r.klasifikasi,
            uraian=r.uraian,
            intervensi_atasan=r.intervensi_atasan,
            indikator=tuple(_indikator(j, ind) for j, ind in enumerate(r.indikator, 1)),
        )
        for i, r in enumerate(body.rhk, 1)
    )
    return SkpRecord(
        nip=nip,
        nama=nama,
        tahun=body.tahun,
        periode_mulai=year.mulai,
        periode_selesai=year.selesai,
        source=SOURCE,
        source_id=body.id,
        jabatan=body.jabatan,
        status_rencana=body.status_rencana,
        penilai=_penilai(None, body.penilai),
        rhk=rhk,
        evaluasi=tuple(evaluasi),
    )


def _indikator(urutan: int, item: IndikatorIn) -> IndikatorRecord:
    value, unit, raw = parse_target(item.target)
    return IndikatorRecord(
        urutan=urutan,
        aspek=item.aspek,
        uraian=item.uraian,
        target_nilai=value,
        target_satuan=unit[:60] if unit else None,
        target_teks=raw,
    )


def record_skp(session: Session, nip: str, body: SkpIn, *, actor: str) -> Written:
    """Store the employee's SKP; refuse one from another source or a rating already sent."""
    pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
    if pegawai is None:
        raise RecordError(404, t("skp.api.not_found_pegawai", nip=nip))
    other = session.scalar(select(Skp).where(Skp.nip == nip, Skp.source_id == body.id, Skp.source != SOURCE))
    if other is not None:
        raise RecordError(409, t("skp.api.from_siasn", nip=nip, periode=other.tahun, source=other.source))
    record = to_record(nip, body, pegawai.nama)
    _refuse_sent_changes(session, record)
    return write_skp(session, record, actor=actor)


def _refuse_sent_changes(session: Session, record: SkpRecord) -> None:
    stored = find_skp(session, record)
    if stored is None:
        return
    asked = {(e.jenis_periode, e.angka_periode): e for e in record.evaluasi}
    for sent in session.scalars(
        select(Evaluasi).where(Evaluasi.skp_id == stored.id, Evaluasi.push_state == "dikirim")
    ):
        new = asked.get((sent.jenis_periode, sent.angka_periode))
        same = new is not None and (new.rating_hasil_kerja, new.rating_perilaku_kerja) == (
            sent.rating_hasil_kerja,
            sent.rating_perilaku_kerja,
        )
        if not same:
            raise RecordError(
                409,
                t(
                    "skp.api.sent",
                    nip=record.nip,
                    periode=f"{sent.jenis_periode} {sent.angka_periode}",
                    siasn_id=sent.siasn_id or "-",
                ),
            )
