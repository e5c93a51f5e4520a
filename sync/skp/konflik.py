"""An SKP result SIASN already holds with another rating: a conflict for an admin, raised once.

The push never posts a second row for a period SIASN already rated. Instead the disagreement is
a conflict of kind ``skp_nilai`` on the employee, field ``nilai_skp:<periode>``, local and SIASN
ratings side by side, listed with every other conflict (list, API, console). While it is
undecided the push leaves the evaluation alone (exit 0, reported once). The decisions:

- ``ambil_siasn``: the local evaluation takes SIASN's ratings and row id (settled, never pushed);
- ``pertahankan_lokal``: the local rating stands and the next push sends it as an update of
  exactly that SIASN row (``id`` in the save body), so SIASN ends up with the local rating.

Setting another value is refused: a rating comes from its rater, not from the admin.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings.messages import t
from store.models import Conflict, Pegawai
from store.models_skp import Evaluasi
from sync import audit
from sync.konflik import lifecycle
from sync.konflik.errors import KonflikError

KIND: Final = "skp_nilai"
FIELD_PREFIX: Final = "nilai_skp:"
TAKE_SIASN: Final = "ambil_siasn"
KEEP_LOCAL: Final = "pertahankan_lokal"


def field_of(periode_key: str) -> str:
    """The conflict field of an evaluation period (``nilai_skp:2025-T1``)."""
    return f"{FIELD_PREFIX}{periode_key}"


def local_side(
    evaluasi_id: int, hasil: int | None, perilaku: int | None, predikat: int | None
) -> dict[str, Any]:
    """The local evaluation as a conflict value."""
    return {
        "evaluasi_id": evaluasi_id,
        "hasil_kerja": hasil,
        "perilaku_kerja": perilaku,
        "predikat": predikat,
    }


def remote_side(row: RwSkp22 | RwKinerjaPeriodik) -> dict[str, Any]:
    """SIASN's row as a conflict value (its id is what a keep-local push overwrites)."""
    return {
        "id_siasn": row.id,
        "hasil_kerja": row.hasil_kinerja_nilai,
        "perilaku_kerja": row.perilaku_kerja_nilai,
        "predikat": row.kuadran_kinerja_nilai,
    }


def active_fields(session: Session) -> set[tuple[str, str]]:
    """(NIP, field) of every undecided SKP-rating conflict: the push leaves those alone."""
    rows = session.execute(
        select(Pegawai.nip, Conflict.field)
        .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
        .where(Conflict.kind == KIND, Conflict.status.in_(lifecycle.ACTIVE))
    )
    return {(nip, field) for nip, field in rows}


def raise_for(
    session: Session,
    *,
    nip: str,
    periode_key: str,
    local: dict[str, Any],
    row: RwSkp22 | RwKinerjaPeriodik,
    actor: str,
    run_id: str | None,
) -> Conflict | None:
    """Open the conflict (once: an undecided one for the same values is returned as is)."""
    person = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
    if person is None:
        return None
    field = field_of(periode_key)
    remote = remote_side(row)
    existing = session.scalar(
        select(Conflict).where(
            Conflict.pegawai_id == person.id, Conflict.field == field, Conflict.status.in_(lifecycle.ACTIVE)
        )
    )
    explanation = t(
        "konflik.skp_explanation", periode=periode_key, lokal=_ratings(local), siasn=_ratings(remote)
    )
    return lifecycle.raise_conflict(
        session,
        pegawai=person,
        field=field,
        kind=KIND,
        values=(None, local, remote),
        explanation=explanation,
        actor=actor,
        run_id=run_id,
        existing=existing,
    )


def replace_target(
    session: Session, nip: str, periode_key: str, row: RwSkp22 | RwKinerjaPeriodik
) -> str | None:
    """SIASN's row id to overwrite when an admin kept the local rating against exactly this row
    (same id, same ratings as shown); None otherwise (a new disagreement is a new conflict)."""
    latest = session.scalar(
        select(Conflict)
        .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
        .where(Pegawai.nip == nip, Conflict.field == field_of(periode_key), Conflict.kind == KIND)
        .order_by(Conflict.id.desc())
        .limit(1)
    )
    if latest is None or latest.status != lifecycle.RESOLVED or latest.resolution != KEEP_LOCAL:
        return None
    return row.id if latest.remote_value == remote_side(row) else None


def decide(
    session: Session, conflict: Conflict, person: Pegawai, resolution: str, *, actor: str, reason: str
) -> Conflict:
    """Apply an admin's decision on an SKP-rating conflict (take SIASN, or keep local)."""
    if resolution not in (TAKE_SIASN, KEEP_LOCAL):
        raise KonflikError(t("konflik.skp_no_value", id=conflict.id))
    local, remote = dict(conflict.local_value or {}), dict(conflict.remote_value or {})
    evaluasi = session.get(Evaluasi, local.get("evaluasi_id"))
    if evaluasi is not None and resolution == TAKE_SIASN:
        _take_siasn(session, evaluasi, remote)
    elif evaluasi is not None:
        evaluasi.push_state, evaluasi.push_error = "tidak_dikirim", None
        evaluasi.updated_at = audit.now()
    lifecycle.close(
        session,
        conflict,
        resolution=resolution,
        actor=actor,
        reason=reason,
        detail=t(f"konflik.decided_{resolution}", reason=reason),
    )
    audit.record(
        session,
        actor=actor,
        action=f"konflik_{resolution}",
        nip=person.nip,
        field=conflict.field,
        old=_ratings(local),
        new=_ratings(remote if resolution == TAKE_SIASN else local),
        reason=reason,
    )
    return conflict


def _take_siasn(session: Session, evaluasi: Evaluasi, remote: dict[str, Any]) -> None:
    siasn_id = remote.get("id_siasn")
    held = session.scalar(
        select(Evaluasi.id).where(Evaluasi.siasn_id == siasn_id, Evaluasi.id != evaluasi.id)
    )
    evaluasi.rating_hasil_kerja = remote.get("hasil_kerja")
    evaluasi.rating_perilaku_kerja = remote.get("perilaku_kerja")
    evaluasi.predikat = remote.get("predikat")
    evaluasi.siasn_id = None if held else siasn_id
    evaluasi.push_state, evaluasi.status_evaluasi = "dikirim", "TERKIRIM_SIASN"
    evaluasi.push_error = t("skp.push.held", siasn_id=siasn_id) if held else None
    evaluasi.pushed_at = evaluasi.updated_at = audit.now()


def _ratings(side: dict[str, Any]) -> str:
    return t(
        "konflik.skp_ratings",
        hasil=_rating(side.get("hasil_kerja")),
        perilaku=_rating(side.get("perilaku_kerja")),
        predikat=_predikat(side.get("predikat")),
    )


def _rating(code: Any) -> str:
    return t(f"konflik.skp_rating_{code}") if code in (1, 2, 3) else t("konflik.empty")


def _predikat(code: Any) -> str:
    return t(f"konflik.skp_predikat_{code}") if code in (1, 2, 3, 4, 5) else t("konflik.empty")
