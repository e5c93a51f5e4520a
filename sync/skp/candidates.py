"""Which evaluations the push may send, and why the others wait.

A candidate is a rated evaluation of an SKP that did not come from SIASN (a result from SIASN is
never pushed back), with no SIASN id yet. It waits, with the reason, while the person has no SIASN
PNS id, while its predikat disagrees with the matrix, or while the feed has an open problem for
the person and period. The appraiser snapshot is completed from the local record of the penilai
(golongan, jabatan, unit) where the source did not give it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.siasn.models import KinerjaPeriodikSave, Skp22Save
from mappings import periode as periods
from mappings.messages import t
from mappings.skp import EvaluasiRecord, PenilaiRecord
from mappings.skp_siasn import NotPushable, siasn_body
from store.models import Pegawai
from store.models_skp import Evaluasi, Skp
from sync.pmm.problems import open_problems


@dataclass(frozen=True)
class Candidate:
    """One evaluation to push, or to hold back with ``problem`` saying why."""

    evaluasi_id: int
    nip: str
    nama: str | None
    periode: periods.Periode
    record: EvaluasiRecord
    body: Skp22Save | KinerjaPeriodikSave | None
    problem: str | None
    attempts: int = 0  # push attempts when loaded: the fence a post claims the row with


def load_candidates(session: Session) -> list[Candidate]:
    """Every evaluation that should be in SIASN and is not yet, by NIP and period."""
    rows = session.execute(
        select(Evaluasi, Skp)
        .join(Skp, Skp.id == Evaluasi.skp_id)
        .where(
            Skp.source != "siasn",
            Evaluasi.siasn_id.is_(None),
            Evaluasi.status_evaluasi == "DINILAI",
            Evaluasi.push_state != "dikirim",
            Evaluasi.rating_hasil_kerja.is_not(None),
            Evaluasi.rating_perilaku_kerja.is_not(None),
        )
        .order_by(Skp.nip, Evaluasi.periode_mulai, Evaluasi.jenis_periode)
    ).all()
    return [_candidate(session, evaluasi, skp) for evaluasi, skp in rows]


def _candidate(session: Session, evaluasi: Evaluasi, skp: Skp) -> Candidate:
    periode = periods.Periode(evaluasi.periode_mulai.year, evaluasi.jenis_periode, evaluasi.angka_periode)
    pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == skp.nip))
    record = EvaluasiRecord(
        jenis_periode=evaluasi.jenis_periode,
        angka_periode=evaluasi.angka_periode,
        periode_mulai=evaluasi.periode_mulai,
        periode_selesai=evaluasi.periode_selesai,
        rating_hasil_kerja=evaluasi.rating_hasil_kerja,
        rating_perilaku_kerja=evaluasi.rating_perilaku_kerja,
        predikat=evaluasi.predikat,
        tanggal_penilaian=evaluasi.tanggal_penilaian,
        status_evaluasi=evaluasi.status_evaluasi,
        koefisien_id=evaluasi.koefisien_id,
        penilai=_penilai(session, evaluasi, skp),
    )
    nama = skp.nama or (pegawai.nama if pegawai else None)
    body, problem = None, None
    try:
        if pegawai is None or not pegawai.pns_id:
            raise NotPushable("no_pns_id", t("skp.push.no_pns_id", nip=skp.nip))
        body = siasn_body(record, pns_id=pegawai.pns_id)
    except NotPushable as exc:
        problem = str(exc) if exc.code == "no_pns_id" else t(f"pmm.push.{exc.code}", **exc.params)
    found = open_problems(session, nip=skp.nip, periode=periode.key)
    if problem is None and found:
        problem = t("skp.push.open_problem", alasan=found[0].reason)
    return Candidate(evaluasi.id, skp.nip, nama, periode, record, body, problem, evaluasi.push_attempts)


def _penilai(session: Session, evaluasi: Evaluasi, skp: Skp) -> PenilaiRecord:
    nip = evaluasi.penilai_nip or skp.penilai_nip
    local = session.scalar(select(Pegawai).where(Pegawai.nip == nip)) if nip else None

    def pick(column: str, fallback: object) -> object:
        return getattr(evaluasi, column) or getattr(skp, column) or fallback

    return PenilaiRecord(
        nip=nip,
        nama=pick("penilai_nama", local.nama if local else None),
        jabatan=pick("penilai_jabatan", local.jabatan if local else None),
        golongan_id=pick("penilai_golongan_id", local.golongan_id if local else None),
        golongan=pick("penilai_golongan", local.golongan if local else None),
        unor_nama=pick("penilai_unor_nama", local.unor_nama if local else None),
        status=pick("penilai_status", None),
    )
