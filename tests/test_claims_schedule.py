"""Klaim Pimpinan Unit Kerja (HTTP API and reconciliation) and the nightly scheduler."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from service.api import create_app
from service.container import Container
from service.scheduler import JOB_ID, build_scheduler, nightly_reconcile
from simulators.dataset import World
from simulators.server import ServerThread
from store.db import transaction
from store.models import Conflict, Pegawai, RunLock, SupervisorLink
from tests.helpers import edit, import_export, new_api_key, reconcile
from tests.test_cli import cli

pytestmark = pytest.mark.e2e


@pytest.fixture
def api(container: Container, world: World) -> Iterator[httpx.Client]:
    """The API over a reconciled store (with one vacant eselon IV post)."""
    _vacant_unit_with_staff(world)
    import_export(container, world)
    reconcile(container)
    headers = {"X-API-Key": new_api_key(container)}
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, timeout=20, headers=headers) as client,
    ):
        yield client


def _vacant_unit_with_staff(world: World) -> tuple[str, list[str]]:
    """An eselon IV unit whose head post is vacant in SIASN (made vacant if none is)."""
    for unit in sorted(world.units.values(), key=lambda u: u.id):
        staff = sorted(
            p.nip
            for p in world.pegawai.values()
            if p.unor_id == unit.id
            and not p.pppk
            and p.pns_id != unit.pemimpin_pns_id
            and p.jenis_jabatan_id != 1
        )
        if unit.eselon_id == 41 and len(staff) >= 2:
            unit.pemimpin_pns_id = None
            return unit.id, staff
    raise AssertionError("the generated world has no eselon IV unit with two staff")


def _claim(api: httpx.Client, unit_id: str, nip: str) -> httpx.Response:
    return api.post(
        f"/api/v1/unor/{unit_id}/klaim-pimpinan",
        json={"nip": nip, "actor": "operator.bkd", "reason": "SK 821/1/2026"},
    )


def test_claim_fills_a_vacant_head_and_moves_supervisors(
    api: httpx.Client, container: Container, world: World
) -> None:
    """An eselon IV official claiming their vacant unit becomes its staff's atasan."""
    unit_id, (claimant, colleague, *_) = _vacant_unit_with_staff(world)
    refused = _claim(api, unit_id, claimant)
    assert refused.status_code == 422 and "eselon II-IV" in refused.text
    edit(container, claimant, jenis_jabatan_id=1, eselon_id=41)
    accepted = _claim(api, unit_id, claimant)
    assert accepted.status_code == 200 and accepted.json()["status"] == "diterima"
    with container.sessions() as session:
        them = session.scalar(sa.select(Pegawai).where(Pegawai.nip == colleague))
        boss = session.scalar(sa.select(Pegawai).where(Pegawai.nip == claimant))
        assert them is not None and boss is not None
        link = session.get(SupervisorLink, them.id)
        assert link is not None and link.atasan_id == boss.id and link.source == "klaim"


def test_claim_of_another_unit_is_refused(api: httpx.Client, container: Container, world: World) -> None:
    """Only the unit one sits in can be claimed."""
    unit_id, (claimant, *_) = _vacant_unit_with_staff(world)
    edit(container, claimant, jenis_jabatan_id=1, eselon_id=41)
    other = next(u for u in world.units.values() if u.id != unit_id and u.eselon_id == 41)
    response = _claim(api, other.id, claimant)
    assert response.status_code == 422 and "hanya unit tempat pegawai itu berada" in response.text


def test_claim_contradicting_siasn_is_a_conflict_once(
    api: httpx.Client, container: Container, world: World
) -> None:
    """A claim on a unit SIASN says someone else leads: a conflict, raised once."""
    unit = next(
        u
        for u in world.units.values()
        if u.eselon_id == 41
        and u.pemimpin_pns_id
        and any(
            p.unor_id == u.id and p.pns_id != u.pemimpin_pns_id and not p.pppk for p in world.pegawai.values()
        )
    )
    nip = next(
        p.nip
        for p in world.pegawai.values()
        if p.unor_id == unit.id and p.pns_id != unit.pemimpin_pns_id and not p.pppk
    )
    edit(container, nip, jenis_jabatan_id=1, eselon_id=41)
    first = _claim(api, unit.id, nip).json()
    assert first["status"] == "konflik" and "SIASN mencatat" in first["explanation"]
    _claim(api, unit.id, nip)
    with container.sessions() as session:
        rows = session.scalars(sa.select(Conflict).where(Conflict.kind == "klaim")).all()
        assert len(rows) == 1 and rows[0].remote_value == unit.pemimpin_pns_id


def test_reconciliation_raises_claim_conflict_when_siasn_changes(container: Container, world: World) -> None:
    """A claim in force becomes a conflict when ref-unor later names another head."""
    unit_id, (claimant, colleague, *_) = _vacant_unit_with_staff(world)
    import_export(container, world)
    reconcile(container)
    edit(container, claimant, jenis_jabatan_id=1, eselon_id=41)
    from sync.unor.claims import claim_unit

    with transaction(container.sessions) as session:
        assert claim_unit(session, unit_id, claimant, actor="op", reason="SK").status == "diterima"
    world.units[unit_id].pemimpin_pns_id = world.pegawai[colleague].pns_id
    report = reconcile(container)
    assert report["conflicts_opened"] == 1 and report["counts"]["conflict"] >= 1


def test_schedule_list_shows_the_nightly_job(tmp_path: object) -> None:
    """`schedule list --json`: the cron from settings, coalesced, one instance, next run."""
    env = {
        "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/s.db",
        "EKINERJA_SCHEDULE__RECONCILE_CRON": "15 2 * * *",
    }
    assert cli("db", "upgrade", env=env).returncode == 0  # a read command never creates the store
    result = cli("schedule", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    [job] = json.loads(result.stdout)
    assert job["id"] == JOB_ID and "hour='2'" in job["trigger"] and "minute='15'" in job["trigger"]
    assert job["coalesce"] is True and job["max_instances"] == 1
    assert job["next_run_time"].endswith("+07:00")


def test_serve_runs_the_scheduler_with_a_persistent_job(container: Container) -> None:
    """`serve` starts APScheduler; the job is stored in our database's job store."""
    app = create_app(container, scheduler=True)
    with ServerThread(app) as server:
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        scheduler = app.state.scheduler
        assert scheduler.running and scheduler.get_job(JOB_ID).next_run_time is not None
    with container.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert stored == [JOB_ID]


def test_nightly_job_reconciles_and_skips_an_overlap(container: Container, world: World) -> None:
    """The job runs a reconciliation; with another run holding the lease it is skipped."""
    schedule = container.settings.schedule.model_copy(update={"rate": 0})
    container.settings = container.settings.model_copy(update={"schedule": schedule})
    import_export(container, world)
    build_scheduler(container)
    report = nightly_reconcile()
    assert report is not None and report["status"] == "completed"
    with transaction(container.sessions) as session:
        lock = session.get(RunLock, "reconcile")
        assert lock is not None
        lock.owner, lock.expires_at = "another-host:1", time.time() + 600
    assert nightly_reconcile() is None
