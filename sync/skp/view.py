"""An employee's SKP as the API shows it: plan, evaluations with push state, open problems."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models_skp import Evaluasi, Indikator, Rhk, Skp
from sync.pmm.problems import open_problems, problem_view

PENILAI = (
    "penilai_nip",
    "penilai_nama",
    "penilai_jabatan",
    "penilai_golongan_id",
    "penilai_unor_nama",
    "penilai_status",
)


def _penilai(row: Skp | Evaluasi) -> dict[str, Any]:
    return {name.removeprefix("penilai_"): getattr(row, name) for name in PENILAI}


def _evaluasi(row: Evaluasi) -> dict[str, Any]:
    return {
        "jenis_periode": row.jenis_periode,
        "angka_periode": row.angka_periode,
        "periode_mulai": row.periode_mulai.isoformat(),
        "periode_selesai": row.periode_selesai.isoformat(),
        "rating_hasil_kerja": row.rating_hasil_kerja,
        "rating_perilaku_kerja": row.rating_perilaku_kerja,
        "predikat": row.predikat,
        "status_evaluasi": row.status_evaluasi,
        "siasn_id": row.siasn_id,
        "push_state": row.push_state,
        "push_error": row.push_error,
        "penilai": _penilai(row),
    }


def _rhk(session: Session, row: Rhk) -> dict[str, Any]:
    indikator = session.scalars(
        select(Indikator).where(Indikator.rhk_id == row.id).order_by(Indikator.urutan)
    )
    return {
        "id": row.source_key,
        "jenis": row.jenis,
        "klasifikasi": row.klasifikasi,
        "kategori": row.kategori,
        "uraian": row.uraian,
        "intervensi_atasan": row.intervensi_atasan,
        "indikator": [{"aspek": i.aspek, "uraian": i.uraian, "target": i.target_teks} for i in indikator],
    }


def skp_of(session: Session, nip: str) -> list[dict[str, Any]]:
    """Every SKP of ``nip`` from every source, newest period first."""
    out = []
    for skp in session.scalars(
        select(Skp).where(Skp.nip == nip).order_by(Skp.periode_mulai.desc(), Skp.source, Skp.source_id)
    ):
        rhk = session.scalars(select(Rhk).where(Rhk.skp_id == skp.id).order_by(Rhk.urutan))
        evaluasi = session.scalars(
            select(Evaluasi)
            .where(Evaluasi.skp_id == skp.id)
            .order_by(Evaluasi.periode_mulai, Evaluasi.jenis_periode)
        )
        out.append(
            {
                "id": skp.source_id,
                "sumber": skp.source,
                "tahun": skp.tahun,
                "periode_mulai": skp.periode_mulai.isoformat(),
                "periode_selesai": skp.periode_selesai.isoformat(),
                "jabatan": skp.jabatan,
                "unor_nama": skp.unor_nama,
                "npsn": skp.npsn,
                "status_rencana": skp.status_rencana,
                "penilai": _penilai(skp),
                "rhk": [_rhk(session, r) for r in rhk],
                "evaluasi": [_evaluasi(e) for e in evaluasi],
            }
        )
    return out


def problems_of(session: Session, nip: str) -> list[dict[str, Any]]:
    """The feed's open problems of one employee."""
    return [problem_view(p) for p in open_problems(session, nip=nip)]
