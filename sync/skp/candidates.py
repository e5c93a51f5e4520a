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

from mappings import periode as periods
from mappings.messages import t
from mappings.predikat import PREDIKAT, kuadran
from store.models import Pegawai
from store.models_skp import Evaluasi, Skp
from sync.pmm.problems import open_problems
from sync.skp.payload import Penilai, Rating


@dataclass(frozen=True)
class Candidate:
    """One evaluation to push, or to hold back with ``problem`` saying why."""

    evaluasi_id: int
    nip: str
    nama: str | None
    periode: periods.Periode
    rating: Rating | None
    problem: str | None


def load_candidates(session: Session) -> list[Candidate]:
    """Every evaluation that should be in SIASN and is not yet, by NIP and period."""
    rows = session.execute(
        select(Evaluasi, Skp).join(Skp, Skp.id == Evaluasi.skp_id).where(
            Skp.source != "siasn", Evaluasi.siasn_id.is_(None),
            Evaluasi.status_evaluasi == "DINILAI", Evaluasi.push_state != "dikirim",
            Evaluasi.rating_hasil_kerja.is_not(None),
            Evaluasi.rating_perilaku_kerja.is_not(None))
        .order_by(Skp.nip, Evaluasi.periode_mulai, Evaluasi.jenis_periode)).all()
    return [_candidate(session, evaluasi, skp) for evaluasi, skp in rows]


def _candidate(session: Session, evaluasi: Evaluasi, skp: Skp) -> Candidate:
    periode = periods.Periode(evaluasi.periode_mulai.year, evaluasi.jenis_periode,
                              evaluasi.angka_periode)
    pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == skp.nip))
    hasil, perilaku = evaluasi.rating_hasil_kerja, evaluasi.rating_perilaku_kerja
    assert hasil is not None and perilaku is not None
    problem = _problem(session, skp.nip, periode, pegawai, evaluasi.predikat,
                       kuadran(hasil, perilaku))
    rating = None
    if pegawai is not None and pegawai.pns_id:
        rating = Rating(pns_id=pegawai.pns_id, periode=periode, hasil=hasil, perilaku=perilaku,
                        koefisien_id=evaluasi.koefisien_id,
                        penilai=_penilai(session, evaluasi, skp))
    return Candidate(evaluasi.id, skp.nip, skp.nama or (pegawai.nama if pegawai else None),
                     periode, rating, problem)


def _problem(session: Session, nip: str, periode: periods.Periode, pegawai: Pegawai | None,
             given: int | None, expected: int) -> str | None:
    if pegawai is None or not pegawai.pns_id:
        return t("skp.push.no_pns_id", nip=nip)
    if given is not None and given != expected:
        return t("skp.push.predikat", predikat=PREDIKAT.get(given, str(given)),
                 seharusnya=PREDIKAT[expected])
    found = open_problems(session, nip=nip, periode=periode.key)
    if found:
        return t("skp.push.open_problem", alasan=found[0].reason)
    return None


def _penilai(session: Session, evaluasi: Evaluasi, skp: Skp) -> Penilai:
    nip = evaluasi.penilai_nip or skp.penilai_nip
    local = session.scalar(select(Pegawai).where(Pegawai.nip == nip)) if nip else None
    return Penilai(
        nip=nip, nama=evaluasi.penilai_nama or skp.penilai_nama or (local.nama if local else None),
        jabatan=evaluasi.penilai_jabatan or skp.penilai_jabatan or (
            local.jabatan if local else None),
        golongan_id=evaluasi.penilai_golongan_id or skp.penilai_golongan_id or (
            local.golongan_id if local else None),
        unor_nama=evaluasi.penilai_unor_nama or skp.penilai_unor_nama or (
            local.unor_nama if local else None),
        status=evaluasi.penilai_status or skp.penilai_status)
