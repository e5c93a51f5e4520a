"""Helpers for tests of related fields decided together: raise a golongan group or a mutasi group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi, naik_pangkat
from store.db import transaction
from store.models import Conflict, Unit
from sync.unor.tree import open_removed_unit_conflicts
from tests.helpers import conflicts, edit, leaf_units, load_units, pegawai, sinkron, staff_nip

LOCAL_TMT = "2025-01-02"


@dataclass(frozen=True)
class Group:
    """A raised group: the employee and the open conflict id of each field, SIASN's values."""

    nip: str
    ids: dict[str, int]
    remote: dict[str, object]

    @property
    def first(self) -> int:
        """The id of the group's first field (the one an admin opens)."""
        return next(iter(self.ids.values()))


def _open(container: Container, nip: str) -> dict[str, Conflict]:
    return {c.field: c for c in conflicts(container, nip) if c.status == "open"}


def raise_golongan_group(container: Container, world: World, index: int = 0) -> Group:
    """A local golongan + TMT edit and a different SIASN kenaikan pangkat: two open conflicts."""
    load_units(container)
    nip = staff_nip(world, index)
    sinkron(container, nip)
    person = pegawai(container, nip)
    assert person is not None and person.golongan
    naik_pangkat(world, nip, tmt=date(2026, 4, 1))
    local = next(g for g in ("IV/e", "IV/d", "IV/c") if g != person.golongan)
    edit(container, nip, golongan=local, tmt_golongan=LOCAL_TMT)
    sinkron(container, nip)
    found = _open(container, nip)
    assert set(found) == {"golongan", "tmt_golongan"}, found
    return Group(
        nip,
        {f: found[f].id for f in ("golongan", "tmt_golongan")},
        {f: found[f].remote_value for f in found},
    )


def raise_mutasi_group(container: Container, world: World, index: int = 0) -> Group:
    """A local unit + jabatan + TMT edit and a different SIASN mutasi: three open conflicts."""
    load_units(container)
    nip = staff_nip(world, index)
    sinkron(container, nip)
    local_unit, remote_unit = leaf_units(world, world.pegawai[nip].unor_id)[:2]
    edit(container, nip, unor_id=local_unit, jabatan="Pengadministrasi Umum", tmt_jabatan=LOCAL_TMT)
    mutasi(world, nip, unor_id=remote_unit, jabatan="Analis Kepegawaian", tmt=date(2026, 3, 1))
    sinkron(container, nip)
    found = _open(container, nip)
    fields = ("unor_id", "jabatan", "tmt_jabatan")
    assert set(fields) <= set(found), found
    return Group(nip, {f: found[f].id for f in fields}, {f: found[f].remote_value for f in fields})


def raise_removed_unit(container: Container, world: World, index: int = 0) -> tuple[str, str]:
    """The employee's unit marked removed in the store, so a removed-unit conflict opens."""
    load_units(container)
    nip = staff_nip(world, index)
    sinkron(container, nip)
    unit = world.pegawai[nip].unor_id
    with transaction(container.sessions) as session:
        session.get_one(Unit, unit).aktif = False
        open_removed_unit_conflicts(session, actor="test")
    return nip, unit
