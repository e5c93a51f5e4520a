"""Resolved conflicts stay resolved until values change; failures retry; the leaver guard holds."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import AuditEntry, Conflict
from sync.konflik.decide import Resolution, decide
from sync.konflik.errors import KonflikError
from sync.konflik.scope import ADMIN_CLI
from tests.helpers import (
    conflicts,
    count_rows,
    edit,
    import_export,
    leaf_units,
    pegawai,
    reconcile,
    staff_nip,
    store_state,
)

pytestmark = pytest.mark.e2e


def _conflicted(container: Container, world: World) -> tuple[str, str, str]:
    """A unit conflict: returns (nip, local unit, SIASN unit)."""
    import_export(container, world)
    reconcile(container)
    nip = staff_nip(world)
    local_unit, remote_unit = leaf_units(world, world.pegawai[nip].unor_id)[:2]
    edit(container, nip, unor_id=local_unit)
    mutasi(world, nip, unor_id=remote_unit)
    assert reconcile(container)["conflicts_opened"] == 1
    return nip, local_unit, remote_unit


def _resolve(container: Container, nip: str, how: Resolution, value: object = None) -> None:
    [conflict] = [c for c in conflicts(container, nip) if c.status == "open"]
    with transaction(container.sessions) as session:
        decide(session, ADMIN_CLI, [conflict.id], how, actor="admin.bkd", reason="cek SK", value=value)


@pytest.mark.parametrize("how", [Resolution.TAKE_SIASN, Resolution.KEEP_LOCAL])
def test_resolved_conflict_stays_resolved_until_values_change(
    container: Container, world: World, how: Resolution
) -> None:
    """After a decision the next run raises nothing; a new SIASN change is judged afresh."""
    nip, local_unit, remote_unit = _conflicted(container, world)
    _resolve(container, nip, how)
    person = pegawai(container, nip)
    assert person is not None
    assert person.unor_id == (remote_unit if how is Resolution.TAKE_SIASN else local_unit)
    report = reconcile(container)
    assert report["conflicts_opened"] == 0
    assert [c.status for c in conflicts(container, nip)] == ["resolved"]
    with container.sessions() as session:
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.pegawai_nip == nip)))
    assert f"konflik_{how.value}" in actions
    assert ("usul_perbaikan_siasn" in actions) == (how is Resolution.KEEP_LOCAL)
    third = next(u for u in leaf_units(world, remote_unit) if u != local_unit)
    mutasi(world, nip, unor_id=third)
    again = reconcile(container)
    if how is Resolution.KEEP_LOCAL:
        assert again["conflicts_opened"] == 1  # local kept, SIASN moved again: a new conflict
    else:
        assert again["conflicts_opened"] == 0  # local followed SIASN: the move just applies
        moved = pegawai(container, nip)
        assert moved is not None and moved.unor_id == third


def test_set_value_is_validated(container: Container, world: World) -> None:
    """Setting a value checks it like an edit; a bad value resolves nothing."""
    nip, _, _ = _conflicted(container, world)
    with pytest.raises(KonflikError, match="bukan unit aktif"):
        _resolve(container, nip, Resolution.SET_VALUE, "NOPE")
    assert [c.status for c in conflicts(container, nip)] == ["open"]
    unit = leaf_units(world, "")[-1]
    _resolve(container, nip, Resolution.SET_VALUE, unit)
    person = pegawai(container, nip)
    assert person is not None and person.unor_id == unit


def test_failed_employees_are_retried_by_the_next_run(
    container: Container, world: World, sim: SiasnSimulator
) -> None:
    """A few employees failing are reported failed, then picked up by the next run."""
    import_export(container, world)
    first_nips = sorted(world.pegawai)[:3]
    for nip in first_nips:
        sim.faults.script(*["503"] * 4, path=f"data-utama/{nip}")
    first = reconcile(container)
    assert first["status"] == "completed" and first["counts"]["failed"] == 3
    assert all(pegawai(container, nip) is None for nip in first_nips)
    second = reconcile(container)
    assert second["counts"]["failed"] == 0 and second["counts"]["absent"] == 3


def test_mass_deactivation_holds(container: Container, world: World) -> None:
    """Over a tenth of employees leaving at once: held, nothing applied."""
    import_export(container, world)
    reconcile(container)
    for person in list(world.pegawai.values())[: len(world.pegawai) // 5]:
        person.kedudukan_id, person.kedudukan_nama = "99", "Pensiun"
    before = store_state(container)
    held = reconcile(container)
    assert held["status"] == "held" and "dinonaktifkan" in held["guard_reason"]
    assert store_state(container) == before
    assert count_rows(container, Conflict) == 0
