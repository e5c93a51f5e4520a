"""Runs in detail: a dry run's plan, a held run's plan and the applied run read the same way."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from service.api import create_app
from service.container import Container
from simulators.dataset import World
from simulators.server import ServerThread
from store.models import SyncRun
from sync.access.rules import Principal, RoleMap
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.scope import ADMIN_CLI, Scope, scope_for
from sync.run_detail import (
    RunItemView,
    approve_held_run,
    held_run_id,
    list_runs,
    resolve_run_id,
    run_items,
)
from tests.helpers import import_export, new_api_key, reconcile

pytestmark = pytest.mark.e2e


def _digest(items: list[RunItemView]) -> dict[str, Any]:
    """Per NIP: situation and the changes (action, field, old, new), for comparison."""
    return {i.nip: (i.situation, [(c.action, c.field, c.old, c.new) for c in i.changes]) for i in items}


def _held(container: Container, world: World) -> tuple[str, list[str]]:
    """A first run, then a fifth of the employees retiring at once: the run is held."""
    import_export(container, world)
    reconcile(container)
    leaving = [p.nip for p in list(world.pegawai.values())[: len(world.pegawai) // 5]]
    for nip in leaving:
        world.pegawai[nip].kedudukan_id, world.pegawai[nip].kedudukan_nama = "99", "Pensiun"
    held = reconcile(container)
    assert held["status"] == "held"
    return held["run_id"], leaving


def test_held_run_plan_matches_dry_run_and_applied_run(container: Container, world: World) -> None:
    """Held plan == dry-run plan == what the approved run changed, per employee."""
    held_id, leaving = _held(container, world)
    dry = reconcile(container, dry_run=True)
    assert dry["status"] == "dry_run_held"
    with container.sessions() as session:
        held_plan = _digest(run_items(session, ADMIN_CLI, held_id[:6]))
        dry_plan = _digest(run_items(session, ADMIN_CLI, dry["run_id"]))
        left = run_items(session, ADMIN_CLI, held_id, situation="left")
    assert held_plan == dry_plan
    with container.sessions() as session:
        held_run = session.get(SyncRun, held_id)
        assert held_run is not None and held_run.integrity == dry["integrity"]
    assert sorted(i.nip for i in left) == sorted(leaving)
    assert all(i.left_reason and "Pensiun" in i.left_reason for i in left)

    async def approve() -> dict[str, Any]:
        async with container.siasn() as siasn:
            return await approve_held_run(
                siasn,
                container.sessions,
                ADMIN_CLI,
                held_id[:8],
                actor="local:admin",
                reason="pensiun massal sah",
            )

    report = asyncio.run(approve())
    assert (report["run_id"], report["status"]) == (held_id, "completed")
    with container.sessions() as session:
        applied = _digest(run_items(session, ADMIN_CLI, held_id))
        with pytest.raises(KonflikRefused, match="tidak sedang ditahan"):
            held_run_id(session, ADMIN_CLI, held_id)
    assert applied == held_plan


def test_run_ids_by_prefix_and_scope(container: Container, world: World) -> None:
    """Unique prefixes resolve; unknown and ambiguous ones are named; employees see no runs."""
    import_export(container, world)
    first = reconcile(container)["run_id"]
    with container.sessions() as session:
        assert resolve_run_id(session, first[:4]) == first
        original = session.get(SyncRun, first)
        assert original is not None
        session.add(
            SyncRun(
                id=first[:4] + "zz",
                kind="x",
                status="completed",
                phase="done",
                started_at=original.started_at,
            )
        )
        session.flush()
        with pytest.raises(KonflikError, match="lebih dari satu run"):
            resolve_run_id(session, first[:4])
        with pytest.raises(KonflikNotFound, match="tidak ada run"):
            resolve_run_id(session, "ffffnope")
        with pytest.raises(KonflikError, match="tidak sah"):
            resolve_run_id(session, "a%")
        session.rollback()
        employee = scope_for(
            session, Principal("myasn", next(iter(world.pegawai))), RoleMap(frozenset(), frozenset())
        )
        with pytest.raises(KonflikForbidden):
            list_runs(session, employee)
        nobody = Scope(level="operator", actor="op", units=frozenset({"no-such-unit"}))
        assert run_items(session, nobody, first) == []
        assert len(run_items(session, ADMIN_CLI, first)) == len(world.pegawai)


def test_held_run_reviewed_and_approved_over_http(container: Container, world: World) -> None:
    """Items of a held run by prefix, then approval with a reason; a second approval is 409."""
    held_id, leaving = _held(container, world)
    key = new_api_key(container)
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as api,
    ):
        listed = api.get("/api/v1/runs").json()
        assert listed[0]["run_id"] == held_id and listed[0]["status"] == "held"
        items = api.get(f"/api/v1/runs/{held_id[:6]}/items", params={"situasi": "left"}).json()
        assert sorted(i["nip"] for i in items["items"]) == sorted(leaving)
        no_reason = api.post(f"/api/v1/runs/{held_id[:6]}/setujui", json={"reason": ""})
        assert no_reason.status_code == 422
        approved = api.post(f"/api/v1/runs/{held_id[:6]}/setujui", json={"reason": "sah"})
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "completed"
        again = api.post(f"/api/v1/runs/{held_id}/setujui", json={"reason": "sah"})
        assert again.status_code == 409 and "tidak sedang ditahan" in again.json()["detail"]
        assert api.get("/api/v1/runs/zz").status_code == 404
