"""Table rows of SKP (plan, RHK, indicators, evaluations) and of the PMM feed (cursor, problems).

One SKP per employee, period and source record: the plan (RHK with their indicators) and its
evaluations (annual, or periodic: semester, triwulan, bulanan), each with ratings, predikat, the
penilai snapshot at the time and, for results pushed to SIASN, the id SIASN returned in
``mapData`` and the push state. ``source`` says where a row came from (``siasn``, ``pmm_file``,
``pmm_http``, ``local``); a row that came from SIASN is never pushed back.

Column lengths equal the ``max_length`` of the canonical records in ``mappings.skp`` (a test
checks the two agree), so nothing reaches the database that the model did not accept.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base

SOURCES = ("siasn", "pmm_file", "pmm_http", "local")
PLAN_STATUSES = ("DRAFT", "DIAJUKAN", "DISETUJUI", "DIKEMBALIKAN", "ARSIP")
EVALUATION_STATUSES = ("BELUM_DINILAI", "REALISASI_DIAJUKAN", "DINILAI", "TERKIRIM_SIASN")
PERIOD_KINDS = ("TAHUNAN", "SEMESTER", "TRIWULAN", "BULANAN")
PUSH_STATES = ("tidak_dikirim", "menunggu", "dikirim", "gagal", "tidak_pasti")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PenilaiSnapshot:
    """The appraiser as they were at the time (never follows later changes to the person)."""

    penilai_nip: Mapped[str | None] = mapped_column(String(18))
    penilai_nama: Mapped[str | None] = mapped_column(String(200))
    penilai_jabatan: Mapped[str | None] = mapped_column(String(300))
    penilai_golongan_id: Mapped[int | None] = mapped_column(Integer)
    penilai_golongan: Mapped[str | None] = mapped_column(String(8))
    penilai_unor_nama: Mapped[str | None] = mapped_column(String(300))
    penilai_status: Mapped[str | None] = mapped_column(String(8))  # "ASN" / "NON ASN"


class Skp(PenilaiSnapshot, Base):
    """An SKP: one employee, one period (usually a year), one source record."""

    __tablename__ = "skp"
    __table_args__ = (
        UniqueConstraint(
            "nip", "periode_mulai", "periode_selesai", "source", "source_id", name="uq_skp_source_record"
        ),
        CheckConstraint(_in("source", SOURCES), name="ck_skp_source"),
        CheckConstraint(_in("status_rencana", PLAN_STATUSES), name="ck_skp_status_rencana"),
        CheckConstraint("periode_mulai <= periode_selesai", name="ck_skp_periode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(String(18), index=True)
    pegawai_id: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"), index=True)
    nuptk: Mapped[str | None] = mapped_column(String(16))
    nama: Mapped[str | None] = mapped_column(String(200))
    tahun: Mapped[int] = mapped_column(Integer)
    periode_mulai: Mapped[date] = mapped_column(Date)
    periode_selesai: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10))
    source_id: Mapped[str] = mapped_column(String(64))
    source_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    jabatan: Mapped[str | None] = mapped_column(String(300))
    unor_id: Mapped[str | None] = mapped_column(String(64))
    unor_nama: Mapped[str | None] = mapped_column(String(300))
    npsn: Mapped[str | None] = mapped_column(String(8))
    pendekatan: Mapped[str | None] = mapped_column(String(12))
    indikator_rapor_pendidikan: Mapped[str | None] = mapped_column(String(300))
    status_rencana: Mapped[str] = mapped_column(String(16), default="DRAFT", server_default="DRAFT")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Rhk(Base):
    """A Rencana Hasil Kerja of an SKP, optionally linked to the superior's RHK it supports."""

    __tablename__ = "skp_rhk"
    __table_args__ = (
        UniqueConstraint("skp_id", "source_key", name="uq_skp_rhk_source_key"),
        CheckConstraint(_in("jenis", ("UTAMA", "TAMBAHAN")), name="ck_skp_rhk_jenis"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    source_key: Mapped[str] = mapped_column(String(64))
    urutan: Mapped[int] = mapped_column(Integer)
    jenis: Mapped[str] = mapped_column(String(10))
    klasifikasi: Mapped[str | None] = mapped_column(String(12))  # ORGANISASI / INDIVIDU
    kategori: Mapped[str | None] = mapped_column(String(30))  # PMM: praktik_kinerja, ...
    uraian: Mapped[str] = mapped_column(String(1000))
    rhk_atasan_id: Mapped[int | None] = mapped_column(
        ForeignKey("skp_rhk.id", ondelete="SET NULL"), index=True
    )
    intervensi_atasan: Mapped[str | None] = mapped_column(String(1000))


class Indikator(Base):
    """An indicator of an RHK: aspek, and the target as value + unit + the text as written."""

    __tablename__ = "skp_indikator"
    __table_args__ = (UniqueConstraint("rhk_id", "urutan", name="uq_skp_indikator_urutan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rhk_id: Mapped[int] = mapped_column(ForeignKey("skp_rhk.id", ondelete="CASCADE"), index=True)
    urutan: Mapped[int] = mapped_column(Integer)
    aspek: Mapped[str | None] = mapped_column(String(12))  # KUANTITAS/KUALITAS/WAKTU/BIAYA/...
    uraian: Mapped[str] = mapped_column(String(1000))
    target_nilai: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_satuan: Mapped[str | None] = mapped_column(String(60))
    target_teks: Mapped[str | None] = mapped_column(String(200))


class Evaluasi(PenilaiSnapshot, Base):
    """An evaluation of an SKP for one period: ratings, predikat, status and SIASN push state."""

    __tablename__ = "skp_evaluasi"
    __table_args__ = (
        UniqueConstraint("skp_id", "jenis_periode", "angka_periode", name="uq_skp_evaluasi_periode"),
        CheckConstraint(_in("jenis_periode", PERIOD_KINDS), name="ck_skp_evaluasi_jenis"),
        CheckConstraint(_in("status_evaluasi", EVALUATION_STATUSES), name="ck_skp_evaluasi_status"),
        CheckConstraint(_in("push_state", PUSH_STATES), name="ck_skp_evaluasi_push_state"),
        CheckConstraint("rating_hasil_kerja BETWEEN 1 AND 3", name="ck_skp_evaluasi_hasil"),
        CheckConstraint("rating_perilaku_kerja BETWEEN 1 AND 3", name="ck_skp_evaluasi_perilaku"),
        CheckConstraint("predikat BETWEEN 1 AND 5", name="ck_skp_evaluasi_predikat"),
        Index("uq_skp_evaluasi_siasn_id", "siasn_id", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    jenis_periode: Mapped[str] = mapped_column(String(10))
    angka_periode: Mapped[int] = mapped_column(Integer)  # 1 for TAHUNAN, 1..2, 1..4, 1..12
    periode_mulai: Mapped[date] = mapped_column(Date)
    periode_selesai: Mapped[date] = mapped_column(Date)
    rating_hasil_kerja: Mapped[int | None] = mapped_column(Integer)  # SIASN 1 di atas..3 di bawah
    rating_perilaku_kerja: Mapped[int | None] = mapped_column(Integer)
    predikat: Mapped[int | None] = mapped_column(Integer)  # SIASN kuadran 1..5, as the source said
    tanggal_penilaian: Mapped[date | None] = mapped_column(Date)
    status_evaluasi: Mapped[str] = mapped_column(
        String(20), default="BELUM_DINILAI", server_default="BELUM_DINILAI"
    )
    koefisien_id: Mapped[str | None] = mapped_column(String(8))
    source_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    siasn_id: Mapped[str | None] = mapped_column(String(64))  # rw row id / mapData id
    push_state: Mapped[str] = mapped_column(
        String(16), default="tidak_dikirim", server_default="tidak_dikirim"
    )
    push_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    push_attempted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pushed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    push_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Realisasi(Base):
    """What was achieved on one indicator in one evaluation period."""

    __tablename__ = "skp_realisasi"
    __table_args__ = (UniqueConstraint("indikator_id", "evaluasi_id", name="uq_skp_realisasi_periode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indikator_id: Mapped[int] = mapped_column(ForeignKey("skp_indikator.id", ondelete="CASCADE"), index=True)
    evaluasi_id: Mapped[int] = mapped_column(ForeignKey("skp_evaluasi.id", ondelete="CASCADE"), index=True)
    realisasi: Mapped[str] = mapped_column(String(1000))
    nilai: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))


class Observasi(Base):
    """A classroom / practice observation of a teacher by the principal (PMM pelaksanaan)."""

    __tablename__ = "skp_observasi"
    __table_args__ = (UniqueConstraint("skp_id", "urutan", name="uq_skp_observasi_urutan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    skp_id: Mapped[int] = mapped_column(ForeignKey("skp.id", ondelete="CASCADE"), index=True)
    urutan: Mapped[int] = mapped_column(Integer)
    tanggal: Mapped[date | None] = mapped_column(Date)
    skor: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    catatan: Mapped[str | None] = mapped_column(String(1000))


class PmmCursor(Base):
    """Where the PMM feed of one source and scope (periode, school) has read up to."""

    __tablename__ = "pmm_cursor"

    source: Mapped[str] = mapped_column(String(10), primary_key=True)
    scope: Mapped[str] = mapped_column(String(100), primary_key=True)  # e.g. "2025" or "2025/NPSN"
    high_water: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    page_cursor: Mapped[str | None] = mapped_column(String(500))
    run_id: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PmmProblem(Base):
    """Why a teacher's results did not flow: rule, reason, the fix and who must make it."""

    __tablename__ = "pmm_problem"
    __table_args__ = (
        Index(
            "uq_pmm_problem_open",
            "source",
            "nip",
            "rule",
            "periode",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint(_in("status", ("open", "resolved")), name="ck_pmm_problem_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(10))
    nip: Mapped[str] = mapped_column(String(40), index=True)  # as given (may be a mangled NIP)
    nuptk: Mapped[str | None] = mapped_column(String(16))
    nama: Mapped[str | None] = mapped_column(String(200))
    npsn: Mapped[str | None] = mapped_column(String(8), index=True)
    satuan_pendidikan: Mapped[str | None] = mapped_column(String(300))
    periode: Mapped[str] = mapped_column(String(20), default="", server_default="")
    source_id: Mapped[str | None] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text)
    who: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open", server_default="open")
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[str | None] = mapped_column(String(40))
