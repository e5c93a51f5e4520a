"""Helpers for the konflik tests: raise real unit conflicts through Sinkron SIASN."""

from __future__ import annotations

from dataclasses import dataclass

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from store.db import transaction
from sync.access.accounts import set_local_account
from tests.helpers import conflicts, edit, leaf_units, load_units, sinkron, staff_nip


@dataclass(frozen=True)
class Raised:
    """One raised unit conflict: the employee, the local and SIASN units, the conflict id."""

    nip: str
    local_unit: str
    remote_unit: str
    conflict_id: int


def raise_unit_conflicts(container: Container, world: World, count: int = 1) -> list[Raised]:
    """Give ``count`` staff a local and a different SIASN move, then Sinkron: one conflict each."""
    load_units(container)
    out: list[Raised] = []
    for index in range(count):
        nip = staff_nip(world, index)
        sinkron(container, nip)
        local_unit, remote_unit = leaf_units(world, world.pegawai[nip].unor_id)[:2]
        edit(container, nip, unor_id=local_unit)
        mutasi(world, nip, unor_id=remote_unit)
        sinkron(container, nip)
        [row] = [c for c in conflicts(container, nip) if c.status == "open"]
        out.append(Raised(nip, local_unit, remote_unit, row.id))
    return out


def known_account(container: Container, *usernames: str) -> None:
    """Local accounts a conflict can be assigned to (assignment takes only people it knows)."""
    with transaction(container.sessions) as session:
        for username in usernames:
            set_local_account(session, username, "kata-sandi-uji-yang-panjang")
