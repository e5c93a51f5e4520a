"""Canonical SKP records -> store rows, idempotently: the same record twice changes nothing.

A record is found by its source key (nip, period, source, source id). When the stored rows already
say what the record says the write is ``unchanged``; otherwise the plan (RHK, indicators,
observations) is replaced and each evaluation updated in place, so an evaluation keeps the id
SIASN returned for it and its push state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.skp import (
    EvaluasiRecord,
    IndikatorRecord,
    ObservasiRecord,
    PenilaiRecord,
    RhkRecord,
    SkpRecord,
)
from store.models import Pegawai
from store.models_skp import Evaluasi, Indikator, Observasi, Rhk, Skp
from sync import audit
from sync.clock import aware

Written = Literal["created", "updated", "unchanged"]
PENILAI_COLUMNS = {
    "nip": "penilai_nip",
    "nama": "penilai_nama",
    "jabatan": "penilai_jabatan",
    "golongan_id": "penilai_golongan_id",
    "golongan": "penilai_golongan",
    "unor_nama": "penilai_unor_nama",
    "status": "penilai_status",
}
SKP_FIELDS = (
    "nuptk",
    "nama",
    "tahun",
    "source_updated_at",
    "jabatan",
    "unor_nama",
    "npsn",
    "indikator_rapor_pendidikan",
    "status_rencana",
)
EVALUASI_FIELDS = (
    "periode_mulai",
    "periode_selesai",
    "rating_hasil_kerja",
    "rating_perilaku_kerja",
    "predikat",
    "tanggal_penilaian",
    "status_evaluasi",
    "koefisien_id",
)


def find_skp(session: Session, record: SkpRecord) -> Skp | None:
    """The stored SKP of the record's source key, if any."""
    return session.scalar(
        select(Skp).where(
            Skp.nip == record.nip,
            Skp.periode_mulai == record.periode_mulai,
            Skp.periode_selesai == record.periode_selesai,
            Skp.source == record.source,
            Skp.source_id == record.source_id,
        )
    )


def write_skp(session: Session, record: SkpRecord, *, actor: str, run_id: str | None = None) -> Written:
    """Store ``record``: created, updated (plan replaced, evaluations updated) or unchanged."""
    skp = find_skp(session, record)
    if skp is not None and stored_record(session, skp) == _comparable(record):
        return "unchanged"
    now = audit.now()
    created = skp is None
    if skp is None:
        skp = Skp(
            nip=record.nip,
            periode_mulai=record.periode_mulai,
            periode_selesai=record.periode_selesai,
            source=record.source,
            source_id=record.source_id,
            created_at=now,
            updated_at=now,
        )
        session.add(skp)
    _fill_skp(session, skp, record, now)
    session.flush()
    _replace_plan(session, skp, record)
    _merge_evaluasi(session, skp, record, now)
    audit.record(
        session,
        actor=actor,
        action="skp_dibuat" if created else "skp_diperbarui",
        nip=record.nip,
        field=f"skp:{record.source}:{record.source_id}",
        new={"tahun": record.tahun, "status_rencana": record.status_rencana},
        run_id=run_id,
    )
    return "created" if created else "updated"


def _fill_skp(session: Session, skp: Skp, record: SkpRecord, now: datetime) -> None:
    with session.no_autoflush:
        pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == record.nip))
    for name in SKP_FIELDS:
        setattr(skp, name, getattr(record, name))
    _set_penilai(skp, record.penilai)
    skp.pegawai_id = pegawai.id if pegawai else None
    skp.unor_id = pegawai.unor_id if pegawai else None
    skp.updated_at = now


def _set_penilai(row: Skp | Evaluasi, penilai: PenilaiRecord) -> None:
    for name, column in PENILAI_COLUMNS.items():
        setattr(row, column, getattr(penilai, name))


def _replace_plan(session: Session, skp: Skp, record: SkpRecord) -> None:
    for old in session.scalars(select(Rhk).where(Rhk.skp_id == skp.id)):
        session.delete(old)
    for old_obs in session.scalars(select(Observasi).where(Observasi.skp_id == skp.id)):
        session.delete(old_obs)
    session.flush()
    for rhk in record.rhk:
        row = Rhk(
            skp_id=skp.id,
            source_key=rhk.source_key,
            urutan=rhk.urutan,
            jenis=rhk.jenis,
            klasifikasi=rhk.klasifikasi,
            kategori=rhk.kategori,
            uraian=rhk.uraian,
            intervensi_atasan=rhk.intervensi_atasan,
        )
        session.add(row)
        session.flush()
        session.add_all(Indikator(rhk_id=row.id, **ind.model_dump()) for ind in rhk.indikator)
    session.add_all(Observasi(skp_id=skp.id, **obs.model_dump()) for obs in record.observasi)


def _merge_evaluasi(session: Session, skp: Skp, record: SkpRecord, now: datetime) -> None:
    existing = {
        (e.jenis_periode, e.angka_periode): e
        for e in session.scalars(select(Evaluasi).where(Evaluasi.skp_id == skp.id))
    }
    for item in record.evaluasi:
        row = existing.get((item.jenis_periode, item.angka_periode))
        if row is None:
            row = Evaluasi(
                skp_id=skp.id,
                jenis_periode=item.jenis_periode,
                angka_periode=item.angka_periode,
                siasn_id=item.siasn_id,
                push_state="tidak_dikirim",
                push_attempts=0,
            )
            session.add(row)
        sent = row.status_evaluasi == "TERKIRIM_SIASN"
        for name in EVALUASI_FIELDS:
            setattr(row, name, getattr(item, name))
        if sent and item.status_evaluasi == "DINILAI":  # a push already took it to SIASN
            row.status_evaluasi = "TERKIRIM_SIASN"
        if item.siasn_id is not None:
            row.siasn_id = item.siasn_id
        row.source_updated_at = record.source_updated_at
        _set_penilai(row, item.penilai)
        row.updated_at = now


def stored_record(session: Session, skp: Skp) -> dict[str, Any]:
    """The stored SKP in the shape of ``_comparable(record)``, to tell whether anything changed."""
    rhk_rows = list(session.scalars(select(Rhk).where(Rhk.skp_id == skp.id)))
    indikator = (
        list(session.scalars(select(Indikator).where(Indikator.rhk_id.in_([row.id for row in rhk_rows]))))
        if rhk_rows
        else []
    )
    observasi = list(session.scalars(select(Observasi).where(Observasi.skp_id == skp.id)))
    evaluasi = list(session.scalars(select(Evaluasi).where(Evaluasi.skp_id == skp.id)))
    return comparable_of(skp, rhk_rows, indikator, observasi, evaluasi)


def comparable_of(
    skp: Any,
    rhk_rows: list[Any],
    indikator_rows: list[Any],
    observasi_rows: list[Any],
    evaluasi_rows: list[Any],
) -> dict[str, Any]:
    """A stored SKP (its row and its children's rows, ORM objects or table rows) in the shape
    of ``_comparable(record)``."""
    by_rhk: dict[int, list[Any]] = {}
    for row in indikator_rows:
        by_rhk.setdefault(row.rhk_id, []).append(row)
    rhk = tuple(
        RhkRecord(
            source_key=row.source_key,
            urutan=row.urutan,
            jenis=row.jenis,
            klasifikasi=row.klasifikasi,
            kategori=row.kategori,
            uraian=row.uraian,
            intervensi_atasan=row.intervensi_atasan,
            indikator=tuple(
                IndikatorRecord(
                    urutan=i.urutan,
                    aspek=i.aspek,
                    uraian=i.uraian,
                    target_nilai=i.target_nilai,
                    target_satuan=i.target_satuan,
                    target_teks=i.target_teks,
                )
                for i in sorted(by_rhk.get(row.id, []), key=lambda i: i.urutan)
            ),
        )
        for row in sorted(rhk_rows, key=lambda r: r.urutan)
    )
    observasi = tuple(
        ObservasiRecord(urutan=o.urutan, tanggal=o.tanggal, skor=o.skor, catatan=o.catatan)
        for o in sorted(observasi_rows, key=lambda o: o.urutan)
    )
    evaluasi = {(e.jenis_periode, e.angka_periode): _evaluasi_dict(e) for e in evaluasi_rows}
    fields = {name: getattr(skp, name) for name in SKP_FIELDS}
    fields["source_updated_at"] = aware(skp.source_updated_at)
    return {
        "skp": fields,
        "penilai": _penilai_of(skp),
        "rhk": rhk,
        "observasi": observasi,
        "evaluasi": evaluasi,
    }


def comparable(record: SkpRecord) -> dict[str, Any]:
    """``record`` in the shape ``stored_record`` gives a stored SKP."""
    return _comparable(record)


def _comparable(record: SkpRecord) -> dict[str, Any]:
    fields = {name: getattr(record, name) for name in SKP_FIELDS}
    fields["source_updated_at"] = aware(record.source_updated_at)
    evaluasi = {(e.jenis_periode, e.angka_periode): _record_evaluasi_dict(e) for e in record.evaluasi}
    return {
        "skp": fields,
        "penilai": record.penilai,
        "rhk": record.rhk,
        "observasi": record.observasi,
        "evaluasi": evaluasi,
    }


def _penilai_of(row: Any) -> PenilaiRecord:
    return PenilaiRecord(**{name: getattr(row, column) for name, column in PENILAI_COLUMNS.items()})


def _sent_as_rated(status: str) -> str:
    return "DINILAI" if status == "TERKIRIM_SIASN" else status


def _evaluasi_dict(row: Any) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in EVALUASI_FIELDS}
    values["status_evaluasi"] = _sent_as_rated(row.status_evaluasi)
    values["penilai"] = _penilai_of(row)
    return values


def _record_evaluasi_dict(item: EvaluasiRecord) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in EVALUASI_FIELDS}
    values["status_evaluasi"] = _sent_as_rated(item.status_evaluasi)
    values["penilai"] = item.penilai
    return values
