"""Derive and store an employee's supervisor link from the stored unit tree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.notices import Notice
from mappings.supervisors import derive_supervisor
from mappings.units import UnitRecord, UnitTree
from store.models import Pegawai, SupervisorLink, Unit
from sync import audit


@dataclass(frozen=True)
class SupervisorOutcome:
    """The supervisor found (a local employee) and warnings about it."""

    atasan: Pegawai | None
    notices: list[Notice]


def load_tree(session: Session) -> UnitTree:
    """The stored unit tree (active units)."""
    rows = session.scalars(select(Unit).where(Unit.aktif.is_(True)))
    return UnitTree(
        UnitRecord(id=u.id, nama=u.nama, parent_id=u.parent_id, eselon_id=u.eselon_id,
                   nama_jabatan=u.nama_jabatan, pemimpin_pns_id=u.pemimpin_pns_id,
                   instansi_id=u.instansi_id, jenis_unor_id=u.jenis_unor_id)
        for u in rows
    )


def heads_of(tree: UnitTree) -> dict[str, str]:
    """Unit id -> PNS id of its head, from SIASN's ``PemimpinPnsId``."""
    return {u.id: u.pemimpin_pns_id for u in tree.units.values() if u.pemimpin_pns_id}


def update_supervisor(
    session: Session, pegawai: Pegawai, tree: UnitTree, *, actor: str, run_id: str | None = None
) -> SupervisorOutcome:
    """Derive the supervisor of ``pegawai``, store the link, audit a change."""
    result = derive_supervisor(pegawai.pns_id or "", pegawai.unor_id, tree, heads_of(tree))
    notices = [result.notice] if result.notice else []
    atasan = None
    if result.atasan_pns_id:
        atasan = session.scalar(select(Pegawai).where(Pegawai.pns_id == result.atasan_pns_id))
        if atasan is None:
            notices.append(Notice(
                "atasan_belum_ada_di_lokal",
                "Pimpinan unit menurut SIASN belum ada di data pegawai lokal; jalankan Sinkron "
                "SIASN untuk pimpinan tersebut atau rekonsiliasi instansi.",
            ))
    _store_link(session, pegawai, atasan, result.via_unit_id, result.reason, actor, run_id)
    return SupervisorOutcome(atasan, notices)


def _store_link(session: Session, pegawai: Pegawai, atasan: Pegawai | None, via: str | None,
                reason: str, actor: str, run_id: str | None) -> None:
    link = session.get(SupervisorLink, pegawai.id)
    new_id = atasan.id if atasan else None
    if link is not None and link.atasan_id == new_id and link.reason == reason:
        return
    old_nip = None
    if link is not None and link.atasan_id is not None:
        previous = session.get(Pegawai, link.atasan_id)
        old_nip = previous.nip if previous else None
    if link is None:
        link = SupervisorLink(pegawai_id=pegawai.id, source="unor")
        session.add(link)
    link.atasan_id, link.via_unit_id, link.reason = new_id, via, reason
    link.derived_at = audit.now()
    audit.record(session, actor=actor, action="atasan_berubah", nip=pegawai.nip, field="atasan",
                 old=old_nip, new=atasan.nip if atasan else None, reason=reason, run_id=run_id)
