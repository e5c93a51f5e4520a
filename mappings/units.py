"""Unit tree from SIASN ``ref-unor``: parents by ``DiatasanId``, heads by ``PemimpinPnsId``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from connectors.siasn.models import RefUnor

_SCHOOL = re.compile(r"^(SD|SMP|SMA|SMK|SLB|TK|MI|MTS|MA)\b|^SEKOLAH\b", re.IGNORECASE)


@dataclass(frozen=True)
class UnitRecord:
    """A canonical unit: SIASN unor id, name, parent, eselon and head."""

    id: str
    nama: str
    parent_id: str | None
    eselon_id: int | None = None
    nama_jabatan: str | None = None
    pemimpin_pns_id: str | None = None
    instansi_id: str | None = None
    jenis_unor_id: str | None = None
    cepat_kode: str | None = None

    @property
    def is_school(self) -> bool:
        """True for a school (SD/SMP/SMA/SMK/SLB ...), whose head is the kepala sekolah."""
        return bool(_SCHOOL.match(self.nama))


def unit_from_ref(row: RefUnor) -> UnitRecord:
    """Map one ``ref-unor`` row; an empty or self-referencing ``DiatasanId`` means a root."""
    parent = row.diatasan_id if row.diatasan_id and row.diatasan_id != row.id else None
    return UnitRecord(
        id=row.id,
        nama=" ".join((row.nama_unor or row.id).split()),
        parent_id=parent,
        eselon_id=row.eselon_id,
        nama_jabatan=row.nama_jabatan,
        pemimpin_pns_id=row.pemimpin_pns_id,
        instansi_id=row.instansi_id,
        jenis_unor_id=row.jenis_unor_id,
        cepat_kode=row.cepat_kode,
    )


class UnitTree:
    """Read-only view of a unit forest; tolerant of orphans and cycles."""

    def __init__(self, units: Iterable[UnitRecord]) -> None:
        self.units: dict[str, UnitRecord] = {u.id: u for u in units}
        self.children: dict[str, list[str]] = {}
        for unit in self.units.values():
            if unit.parent_id is not None:
                self.children.setdefault(unit.parent_id, []).append(unit.id)

    def get(self, unit_id: str | None) -> UnitRecord | None:
        """The unit with ``unit_id``, None when unknown."""
        return self.units.get(unit_id) if unit_id else None

    def ancestors(self, unit_id: str) -> Iterator[UnitRecord]:
        """Parents of ``unit_id``, nearest first; stops at a root, an orphan or a cycle."""
        seen = {unit_id}
        unit = self.units.get(unit_id)
        while unit is not None and unit.parent_id is not None and unit.parent_id not in seen:
            seen.add(unit.parent_id)
            unit = self.units.get(unit.parent_id)
            if unit is not None:
                yield unit

    def is_smallest(self, unit_id: str) -> bool:
        """True when no unit sits below ``unit_id``."""
        return not self.children.get(unit_id)

    def is_root(self, unit_id: str) -> bool:
        """True for a unit without a (known) parent."""
        unit = self.units.get(unit_id)
        return unit is not None and (unit.parent_id is None or unit.parent_id not in self.units)

    def opd_of(self, unit_id: str) -> UnitRecord | None:
        """The OPD a unit belongs to: its ancestor (or itself) directly below a root."""
        chain = [u for u in (self.units.get(unit_id),) if u is not None] + list(self.ancestors(unit_id))
        for unit in chain:
            if unit.parent_id is not None and self.is_root(unit.parent_id):
                return unit
        return None

    def orphans(self) -> list[UnitRecord]:
        """Units whose parent is not in the tree."""
        return [u for u in self.units.values() if u.parent_id and u.parent_id not in self.units]

    def cycles(self) -> list[str]:
        """Ids of units that are their own ancestor."""
        found: list[str] = []
        for unit_id in self.units:
            current = self.units[unit_id].parent_id
            for _ in range(len(self.units)):
                if current is None or current not in self.units:
                    break
                if current == unit_id:
                    found.append(unit_id)
                    break
                current = self.units[current].parent_id
        return found
