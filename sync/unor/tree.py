"""Refresh the stored unit tree from SIASN ``ref-unor``: new, renamed, moved, removed, new head."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from connectors.siasn.client import SiasnClient
from mappings.units import UnitRecord, unit_from_ref
from store.models import Pegawai, Unit
from sync import audit


@dataclass
class UnitChanges:
    """Unit ids per kind of change found by one refresh."""

    new: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    head_changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of units per kind of change."""
        return {name: len(ids) for name, ids in self.__dict__.items()}


async def fetch_units(siasn: SiasnClient) -> list[UnitRecord]:
    """Every unit of the instansi, mapped."""
    return [unit_from_ref(row) for row in await siasn.ref_unor()]


def stored_units(session: Session) -> list[UnitRecord]:
    """The active stored unit tree, as records (what a run uses when ref-unor fails)."""
    return [
        UnitRecord(
            id=u.id,
            nama=u.nama,
            parent_id=u.parent_id,
            eselon_id=u.eselon_id,
            nama_jabatan=u.nama_jabatan,
            pemimpin_pns_id=u.pemimpin_pns_id,
            instansi_id=u.instansi_id,
            jenis_unor_id=u.jenis_unor_id,
            cepat_kode=u.cepat_kode,
        )
        for u in session.scalars(select(Unit).where(Unit.aktif.is_(True)).order_by(Unit.id))
    ]


def apply_units(
    session: Session, units: list[UnitRecord], *, actor: str, run_id: str | None = None
) -> UnitChanges:
    """Upsert ``units`` by id; units no longer in SIASN are deactivated, never deleted."""
    if not units:
        raise ValueError("ref-unor returned no units; refusing to deactivate every unit")
    stored = {u.id: u for u in session.scalars(select(Unit))}
    changes = UnitChanges()
    for record in units:
        _upsert(session, stored.get(record.id), record, changes, actor, run_id)
    _rename_members(session, {u.id: u.nama for u in units if u.id in set(changes.renamed)})
    seen = {u.id for u in units}
    for unit in stored.values():
        if unit.id not in seen and unit.aktif:
            unit.aktif = False
            changes.removed.append(unit.id)
            audit.record(
                session,
                actor=actor,
                action="unor_dihapus",
                nip=None,
                field=unit.id,
                old=unit.nama,
                reason="tidak ada lagi di ref-unor SIASN",
                run_id=run_id,
            )
    return changes


def _rename_members(session: Session, names: dict[str, str]) -> None:
    """Everyone in a renamed unit carries its new name (``unor_nama`` follows ``unor_id``),
    including a person a Sinkron wrote while the store still had the old name."""
    for unit_id, nama in names.items():
        session.execute(
            update(Pegawai)
            .where(Pegawai.unor_id == unit_id, Pegawai.unor_nama.is_distinct_from(nama))
            .values(unor_nama=nama)
        )


def _upsert(
    session: Session,
    unit: Unit | None,
    record: UnitRecord,
    changes: UnitChanges,
    actor: str,
    run_id: str | None,
) -> None:
    if unit is None:
        session.add(
            Unit(
                id=record.id,
                nama=record.nama,
                parent_id=record.parent_id,
                eselon_id=record.eselon_id,
                nama_jabatan=record.nama_jabatan,
                pemimpin_pns_id=record.pemimpin_pns_id,
                instansi_id=record.instansi_id,
                jenis_unor_id=record.jenis_unor_id,
                cepat_kode=record.cepat_kode,
                aktif=True,
                updated_at=audit.now(),
            )
        )
        changes.new.append(record.id)
        return
    kinds = {
        "renamed": unit.nama != record.nama,
        "moved": unit.parent_id != record.parent_id,
        "head_changed": unit.pemimpin_pns_id != record.pemimpin_pns_id,
    }
    for kind, changed in kinds.items():
        if changed:
            getattr(changes, kind).append(record.id)
            audit.record(
                session,
                actor=actor,
                action=f"unor_{kind}",
                nip=None,
                field=record.id,
                old=_what(unit, kind),
                new=_record_what(record, kind),
                run_id=run_id,
            )
    unit.nama, unit.parent_id = record.nama, record.parent_id
    unit.eselon_id, unit.nama_jabatan = record.eselon_id, record.nama_jabatan
    unit.pemimpin_pns_id, unit.instansi_id = record.pemimpin_pns_id, record.instansi_id
    unit.jenis_unor_id, unit.cepat_kode, unit.aktif = record.jenis_unor_id, record.cepat_kode, True
    if any(kinds.values()):
        unit.updated_at = audit.now()


def _what(unit: Unit, kind: str) -> str | None:
    return {"renamed": unit.nama, "moved": unit.parent_id, "head_changed": unit.pemimpin_pns_id}[kind]


def _record_what(record: UnitRecord, kind: str) -> str | None:
    return {"renamed": record.nama, "moved": record.parent_id, "head_changed": record.pemimpin_pns_id}[kind]


def open_removed_unit_conflicts(session: Session, *, actor: str, run_id: str | None = None) -> list[str]:
    """Active employees still in a removed unit become conflicts (never orphans); their NIPs."""
    from store.models import Conflict, Pegawai
    from sync.konflik import lifecycle

    names = {u.id: u.nama for u in session.scalars(select(Unit).where(Unit.aktif.is_(False)))}
    if not names:
        return []
    stranded: list[str] = []
    people = session.scalars(  # by NIP: the conflicts' ids and audit order never depend on row layout
        select(Pegawai).where(Pegawai.unor_id.in_(list(names)), Pegawai.aktif.is_(True)).order_by(Pegawai.nip)
    )
    for person in people:
        stranded.append(person.nip)
        exists = session.scalar(
            select(Conflict.id).where(
                Conflict.pegawai_id == person.id,
                Conflict.field == "unor_id",
                Conflict.status.in_(lifecycle.ACTIVE),
            )
        )
        if exists is not None:
            continue
        text = (
            f"Unit kerja '{names.get(person.unor_id or '', person.unor_id)}' tidak ada lagi "
            "di ref-unor SIASN (dihapus atau digabung). Pilih unit kerja aktif untuk pegawai "
            "ini; sampai itu, unit lama tetap tercatat."
        )
        lifecycle.raise_conflict(
            session,
            pegawai=person,
            field="unor_id",
            kind="unor_dihapus",
            values=(person.unor_id, person.unor_id, None),
            explanation=text,
            actor=actor,
            run_id=run_id,
        )
    return stranded
