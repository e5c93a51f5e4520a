"""Nightly reconciliation end to end over real sockets, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from simulators.nights import DayChanges, advance_day
from simulators.siasn import SiasnSimulator
from store.models import AuditEntry, Conflict, Pegawai, SupervisorLink, Unit
from tests.helpers import (
    conflicts,
    count_rows,
    edit,
    import_export,
    leaf_units,
    pegawai,
    reconcile,
    store_state,
)

pytestmark = pytest.mark.e2e


def test_night_one_imports_everyone(container: Container, world: World) -> None:
    """Night 1 creates every roster NIP (absent), with exact call counts, no conflicts."""
    import_export(container, world)
    report = reconcile(container)
    assert report["status"] == "completed"
    assert report["counts"] == {
        "confirmed": 0,
        "updated": 0,
        "conflict": 0,
        "absent": len(world.pegawai),
        "missing": 0,
        "left": 0,
        "ambiguous": 0,
        "failed": 0,
        "stale": 0,
    }
    assert report["calls"] == 1 + 3 * len(world.pegawai)  # ref-unor, then 3 per new employee
    assert report["conflicts_opened"] == 0
    assert report["unit_changes"]["new"] == len(world.units)
    assert count_rows(container, Pegawai) == len(world.pegawai)


def test_night_two_counts_every_situation_and_conflict(container: Container, world: World) -> None:
    """Night 1, a simulated day, local edits, new export, night 2: exact counts and conflicts."""
    import_export(container, world)
    reconcile(container)
    day = advance_day(world, 1)
    keeper = _edit_a_bystander(container, world, day)
    clash, base_unit, local_unit = _edit_a_moved_one(container, world, day)
    import_export(container, world)

    report = reconcile(container)

    left = day.left()
    conflicted = {clash} | set(day.stuck_in_removed_unit)
    updated = day.updated() - left - conflicted
    total = len(world.pegawai)
    assert report["status"] == "completed"
    assert report["counts"] == {
        "confirmed": total - len(day.cpns_baru) - len(left) - len(conflicted) - len(updated),
        "updated": len(updated),
        "conflict": len(conflicted),
        "absent": len(day.cpns_baru),
        "missing": 0,
        "left": len(left),
        "ambiguous": 0,
        "failed": 0,
        "stale": 0,
    }
    assert report["conflicts_opened"] == len(conflicted)
    assert report["unit_changes"]["removed"] == 1 and report["unit_changes"]["renamed"] == 1
    _check_conflicts(container, world, day, (clash, base_unit, local_unit))
    _check_left_kept_and_units(container, day, keeper)


def _edit_a_bystander(container: Container, world: World, day: DayChanges) -> str:
    """A local phone-number edit on a pelaksana SIASN did not change today; their NIP."""
    changed = day.updated() | day.left() | set(day.stuck_in_removed_unit)
    keeper = next(
        p.nip
        for p in world.pegawai.values()
        if p.nip not in changed and p.jenis_jabatan_id == 4 and not p.pppk
    )
    edit(container, keeper, no_hp="081377778888")
    return keeper


def _edit_a_moved_one(container: Container, world: World, day: DayChanges) -> tuple[str, str, str]:
    """A local unit edit on the first mutasi of the day: its NIP, the base unit and the local one."""
    clash = day.mutasi[0]
    before = pegawai(container, clash)
    assert before is not None and before.unor_id is not None
    local_unit = next(u for u in leaf_units(world, world.pegawai[clash].unor_id) if u != before.unor_id)
    edit(container, clash, unor_id=local_unit)
    return clash, before.unor_id, local_unit


def _check_conflicts(
    container: Container, world: World, day: DayChanges, clash_edit: tuple[str, str, str]
) -> None:
    """The moved one's merge conflict on ``unor_id``; an ``unor_dihapus`` one per stuck employee."""
    clash, base_unit, local_unit = clash_edit
    [mine] = conflicts(container, clash)
    assert (mine.kind, mine.field, mine.base_value, mine.local_value, mine.remote_value) == (
        "merge",
        "unor_id",
        base_unit,
        local_unit,
        world.pegawai[clash].unor_id,
    )
    for nip in day.stuck_in_removed_unit:
        [stuck] = conflicts(container, nip)
        gone = day.unit_merged[0][0]
        assert (stuck.kind, stuck.base_value, stuck.remote_value) == ("unor_dihapus", gone, None)
        assert "tidak ada lagi di ref-unor" in stuck.explanation


def _check_left_kept_and_units(container: Container, day: DayChanges, keeper: str) -> None:
    """Leavers inactive with a reason, the local edit kept, the merged unit inactive, new head linked."""
    for nip in day.left():
        person = pegawai(container, nip)
        assert person is not None and not person.aktif and person.nonaktif_alasan
    kept = pegawai(container, keeper)
    assert kept is not None and kept.no_hp == "081377778888"
    with container.sessions() as session:
        removed = session.get(Unit, day.unit_merged[0][0])
        assert removed is not None and not removed.aktif
        unit_id, head_nip = day.new_head[0]
        head = session.scalar(select(Pegawai).where(Pegawai.nip == head_nip))
        staff = session.scalar(
            select(Pegawai).where(
                Pegawai.unor_id == unit_id, Pegawai.nip != head_nip, Pegawai.aktif.is_(True)
            )
        )
        if staff is not None and head is not None:
            link = session.get(SupervisorLink, staff.id)
            assert link is not None and link.atasan_id == head.id


def test_rerun_raises_nothing_twice(container: Container, world: World) -> None:
    """A third night with no changes opens no conflict and writes no audit entry again."""
    import_export(container, world)
    reconcile(container)
    day = advance_day(world, 1)
    nip = day.mutasi[0]
    edit(container, nip, unor_id=next(u for u in leaf_units(world, world.pegawai[nip].unor_id)))
    reconcile(container)
    open_before = count_rows(container, Conflict)
    audit_before = count_rows(container, AuditEntry)
    report = reconcile(container)
    assert report["conflicts_opened"] == 0
    assert count_rows(container, Conflict) == open_before
    assert count_rows(container, AuditEntry) == audit_before
    assert report["counts"]["conflict"] == 1 + len(day.stuck_in_removed_unit)


def test_dry_run_changes_no_table_and_predicts_the_run(container: Container, world: World) -> None:
    """--dry-run computes the full report and leaves every table unchanged."""
    import_export(container, world)
    reconcile(container)
    advance_day(world, 1)
    import_export(container, world)
    before = store_state(container)
    with container.sessions() as session:
        runs_before = session.execute(select(Pegawai.id)).all()
    plan = reconcile(container, dry_run=True)
    assert store_state(container) == before
    with container.sessions() as session:
        assert session.execute(select(Pegawai.id)).all() == runs_before
    real = reconcile(container)
    assert plan["counts"] == real["counts"]
    assert plan["conflicts_opened"] == real["conflicts_opened"]


def test_empty_source_aborts_with_no_changes(container: Container, world: World, sim: SiasnSimulator) -> None:
    """ref-unor empty: aborted, nothing changed."""
    import_export(container, world)
    reconcile(container)
    before = store_state(container)
    sim.world.units.clear()
    report = reconcile(container)
    assert report["status"] == "aborted" and "kosong" in report["guard_reason"]
    assert store_state(container) == before


def test_mostly_failing_source_aborts_with_no_changes(
    container: Container, world: World, sim: SiasnSimulator
) -> None:
    """Most data-utama calls failing: aborted before applying anything."""
    import_export(container, world)
    reconcile(container)
    advance_day(world, 1)
    before = store_state(container)
    sim.faults.script(*["503"] * int(len(world.pegawai) * 4 * 0.8), path="data-utama")
    report = reconcile(container)
    sim.faults.clear()
    assert report["status"] == "aborted" and "gagal" in report["guard_reason"]
    assert store_state(container) == before


def test_mass_unit_change_holds_until_confirmed(container: Container, world: World) -> None:
    """Over a third changing unit: held with nothing applied; --confirm applies it."""
    import_export(container, world)
    reconcile(container)
    target = leaf_units(world, "")[0]
    movers = [p.nip for p in world.pegawai.values() if p.unor_id != target][: len(world.pegawai) // 2]
    for nip in movers:
        mutasi(world, nip, unor_id=target)
    before = store_state(container)
    held = reconcile(container)
    assert held["status"] == "held" and "pindah unit" in held["guard_reason"]
    assert store_state(container) == before
    done = reconcile(container, confirm=True)
    assert done["status"] == "completed" and done["run_id"] == held["run_id"]
    assert done["counts"]["updated"] >= len(movers) - 1


def test_many_missing_nips_abort(container: Container, world: World, sim: SiasnSimulator) -> None:
    """SIASN suddenly not knowing most NIPs looks like an empty source: aborted."""
    import_export(container, world)
    reconcile(container)
    for nip in list(world.pegawai)[: int(len(world.pegawai) * 0.6)]:
        del sim.world.pegawai[nip]
    before = store_state(container)
    report = reconcile(container)
    assert report["status"] == "aborted" and "tidak mengenal" in report["guard_reason"]
    assert store_state(container) == before
