"""A failing ref-unor does not throw the night away, and never deactivates units from a partial tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from service.container import Container
from service.settings import Settings, SiasnSettings
from simulators.events import naik_pangkat
from simulators.siasn import SiasnSimulator
from store.db import make_engine, upgrade
from store.models import AuditEntry, Pegawai, SupervisorLink, Unit
from tests.helpers import import_export, reconcile, staff_nip

pytestmark = pytest.mark.e2e
PAGE = 10


@pytest.fixture
def paged(database_url: str, siasn_settings: SiasnSettings) -> Iterator[Container]:
    """The container with ref-unor read in pages of ten units (so a page can fail halfway)."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    settings = siasn_settings.model_copy(update={"page_size": PAGE})
    built = Container.build(Settings(database_url=database_url, siasn=settings))
    yield built
    built.close()


def _active_units(container: Container) -> int:
    with container.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Unit).where(Unit.aktif.is_(True))) or 0)


def _unit_removals(container: Container) -> int:
    with container.sessions() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "unor_dihapus")
            )
            or 0
        )


@pytest.mark.parametrize("fault", [["404"], ["503"] * 8], ids=["404", "503"])
def test_failing_ref_unor_still_reconciles_employees(
    paged: Container, sim: SiasnSimulator, fault: list[str]
) -> None:
    """ref-unor 404/5xx: employees are reconciled against stored units; the report says why."""
    import_export(paged, sim.world)
    assert reconcile(paged)["status"] == "completed"
    units_before = _active_units(paged)
    nip = staff_nip(sim.world)
    naik_pangkat(sim.world, nip)
    sim.faults.script(*fault, path="referensi/ref-unor")
    report = reconcile(paged)
    sim.faults.clear()
    assert report["status"] == "completed", report
    assert report["unit_changes"]["status"] == "failed"
    assert "ref-unor gagal" in report["unit_changes"]["reason"]
    assert report["counts"]["updated"] >= 1 and report["counts"]["failed"] == 0
    assert _active_units(paged) == units_before and _unit_removals(paged) == 0


def test_page_failing_halfway_deactivates_no_unit(paged: Container, sim: SiasnSimulator) -> None:
    """Pages 1-2 arrive, page 3 fails for good: no unit is deactivated from the partial tree."""
    import_export(paged, sim.world)
    assert reconcile(paged)["status"] == "completed"
    units_before = _active_units(paged)
    assert units_before > 3 * PAGE
    sim.faults.script(*["500"] * 8, path=f"ref-unor?limit={PAGE}&offset={2 * PAGE}")
    report = reconcile(paged)
    sim.faults.clear()
    assert report["status"] == "completed", report
    assert report["unit_changes"]["status"] == "failed"
    assert _active_units(paged) == units_before and _unit_removals(paged) == 0


def test_dry_run_with_failing_ref_unor_plans_against_stored_units(
    paged: Container, sim: SiasnSimulator
) -> None:
    """A dry run whose ref-unor fails still plans every employee and says the unit phase failed."""
    import_export(paged, sim.world)
    assert reconcile(paged)["status"] == "completed"
    sim.faults.script("404", path="referensi/ref-unor")
    report = reconcile(paged, dry_run=True)
    assert report["status"] == "dry_run", report
    assert report["unit_changes"]["status"] == "failed"
    assert report["counts"]["confirmed"] == len(sim.world.pegawai)


def _units_and_links(container: Container) -> tuple[int, dict[str, str]]:
    with container.sessions() as session:
        units = int(session.scalar(select(func.count()).select_from(Unit)) or 0)
        links = {
            nip: reason
            for nip, reason in session.execute(
                select(Pegawai.nip, SupervisorLink.reason).join(
                    SupervisorLink, SupervisorLink.pegawai_id == Pegawai.id
                )
            )
        }
    return units, links


def test_first_night_with_failing_ref_unor_imports_employees_unconfirmed(
    paged: Container, sim: SiasnSimulator
) -> None:
    """No stored units and ref-unor 404: employees are stored with data-utama's unit id and name,
    flagged unconfirmed (integrity, supervisor reason), the unit phase reported failed; the next
    night with ref-unor working stores the tree and derives the supervisors."""
    import_export(paged, sim.world)
    sim.faults.script("404", path="referensi/ref-unor")
    report = reconcile(paged)
    sim.faults.clear()
    total = len(sim.world.pegawai)
    assert report["status"] == "completed", report
    assert report["counts"]["absent"] == total and report["counts"]["failed"] == 0
    assert report["unit_changes"]["status"] == "failed"
    assert "ref-unor gagal" in report["unit_changes"]["reason"]
    assert "belum dikonfirmasi ref-unor" in report["unit_changes"]["reason"]
    assert report["integrity"]["unor_belum_dikonfirmasi"]["jumlah"] == total
    assert report["integrity"]["tanpa_atasan"]["jumlah"] == 0
    units, links = _units_and_links(paged)
    assert units == 0 and set(links.values()) == {"unor_tidak_dikenal"}
    person = next(iter(sim.world.pegawai.values()))
    with paged.sessions() as session:
        stored = session.scalar(select(Pegawai).where(Pegawai.nip == person.nip))
        assert stored is not None and stored.unor_id == person.unor_id
        assert stored.unor_nama == sim.world.units[person.unor_id].nama

    second = reconcile(paged)
    assert second["status"] == "completed", second
    assert second["unit_changes"]["new"] == len(sim.world.units)
    assert second["integrity"]["unor_belum_dikonfirmasi"]["jumlah"] == 0
    assert second["counts"]["confirmed"] == total
    units, links = _units_and_links(paged)
    assert units == len(sim.world.units) and "unor_tidak_dikenal" not in links.values()


def test_first_dry_run_with_failing_ref_unor_plans_every_employee(
    paged: Container, sim: SiasnSimulator
) -> None:
    """A dry run on an empty store whose ref-unor fails plans every employee, writes nothing."""
    import_export(paged, sim.world)
    sim.faults.script("404", path="referensi/ref-unor")
    report = reconcile(paged, dry_run=True)
    assert report["status"] == "dry_run", report
    assert report["unit_changes"]["status"] == "failed"
    assert report["counts"]["absent"] == len(sim.world.pegawai)
    with paged.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Pegawai)) == 0


def test_empty_ref_unor_still_aborts(paged: Container, sim: SiasnSimulator) -> None:
    """ref-unor answering with no unit at all is an empty source: abort, nothing written."""
    import_export(paged, sim.world)
    sim.world.units.clear()
    report = reconcile(paged)
    assert report["status"] == "aborted" and "ref-unor" in report["guard_reason"]
    with paged.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Pegawai)) == 0
