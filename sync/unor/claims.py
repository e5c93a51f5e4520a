"""Klaim Pimpinan Unit Kerja: a structural official's local claim to head the unit they sit in.

Only eselon II-IV structural officials may claim, and only their own unit. A claim fills a head
SIASN does not record; a claim that contradicts SIASN's ``PemimpinPnsId`` is a conflict for an
admin (SIASN's head stays in force until then).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.positions import may_claim_unit
from store.models import Conflict, Pegawai, Unit, UnitClaim
from sync import audit
from sync.konflik import lifecycle
from sync.unor.supervision import recompute_all

FIELD = "pemimpin_unor"


class ClaimError(ValueError):
    """A claim that is refused; the message says why."""


@dataclass(frozen=True)
class ClaimResult:
    """``diterima`` (in force) or ``konflik`` (contradicts SIASN; waits for an admin)."""

    status: str
    unit_id: str
    nip: str
    explanation: str


def claim_unit(session: Session, unit_id: str, nip: str, *, actor: str, reason: str) -> ClaimResult:
    """Record a claim, raise a conflict when SIASN names another head, recompute supervisors."""
    if not actor.strip() or not reason.strip():
        raise ClaimError(t("common.claim_who_why"))
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.aktif:
        raise ClaimError(t("common.claim_unit_inactive", unit_id=unit_id))
    person = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
    if person is None or not person.aktif:
        raise ClaimError(t("common.claim_no_pegawai", nip=nip))
    if person.unor_id != unit_id:
        raise ClaimError(t("common.claim_other_unit", nip=nip, own=person.unor_id, unit_id=unit_id))
    if not may_claim_unit(person.jenis_jabatan_id, person.eselon_id):
        raise ClaimError(t("common.claim_not_structural", nip=nip))
    claim = session.get(UnitClaim, unit_id)
    if claim is None:
        session.add(
            UnitClaim(
                unit_id=unit_id, pegawai_id=person.id, claimed_by=actor, reason=reason, claimed_at=audit.now()
            )
        )
    else:
        claim.pegawai_id, claim.claimed_by, claim.reason = person.id, actor, reason
        claim.claimed_at = audit.now()
    audit.record(
        session, actor=actor, action="klaim_pimpinan", nip=nip, field=FIELD, new=unit_id, reason=reason
    )
    session.flush()
    opened = claim_conflicts(session, actor=actor)
    recompute_all(session, actor=actor)
    if nip in opened or _open(session, person.id) is not None:
        conflict = _open(session, person.id)
        return ClaimResult("konflik", unit_id, nip, conflict.explanation if conflict else "")
    return ClaimResult("diterima", unit_id, nip, t("common.claim_accepted", nama=person.nama, unit=unit.nama))


def claim_conflicts(session: Session, *, actor: str, run_id: str | None = None) -> list[str]:
    """Open a conflict for each claim SIASN contradicts (once); returns the claimants' NIPs."""
    opened: list[str] = []
    rows = session.execute(
        select(UnitClaim, Unit, Pegawai)
        .join(Unit, Unit.id == UnitClaim.unit_id)
        .join(Pegawai, Pegawai.id == UnitClaim.pegawai_id)
    )
    for _claim, unit, person in rows:
        siasn_head = unit.pemimpin_pns_id
        if not siasn_head or siasn_head == person.pns_id or _open(session, person.id):
            continue
        if _decided_against(session, person.id, siasn_head):
            continue
        head = session.scalar(select(Pegawai).where(Pegawai.pns_id == siasn_head))
        who = f"{head.nama} ({head.nip})" if head else f"PNS id {siasn_head}"
        text = (
            f"{person.nama} mengklaim sebagai pimpinan {unit.nama}, tetapi SIASN mencatat "
            f"{who}. Pimpinan menurut SIASN tetap berlaku sampai admin memutuskan; bila klaim "
            "benar, ajukan perbaikan PemimpinPnsId ke BKN."
        )
        lifecycle.raise_conflict(
            session,
            pegawai=person,
            field=FIELD,
            kind="klaim",
            values=(siasn_head, person.pns_id, siasn_head),
            explanation=text,
            actor=actor,
            run_id=run_id,
        )
        opened.append(person.nip)
    session.flush()
    return opened


def _decided_against(session: Session, pegawai_id: int, siasn_head: str) -> bool:
    """An admin already decided this very disagreement (same SIASN head)."""
    decided = session.scalars(
        select(Conflict.remote_value).where(
            Conflict.pegawai_id == pegawai_id, Conflict.field == FIELD, Conflict.status == "resolved"
        )
    )
    return siasn_head in set(decided)


def _open(session: Session, pegawai_id: int) -> Conflict | None:
    return session.scalar(
        select(Conflict).where(
            Conflict.pegawai_id == pegawai_id, Conflict.field == FIELD, Conflict.status.in_(lifecycle.ACTIVE)
        )
    )
