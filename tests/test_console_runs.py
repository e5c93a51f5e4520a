"""Riwayat sinkron pages over real HTTP: run list, a held run's plan per employee, approving it
(form token, reason, admins only), and run ids by unique prefix."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from service.container import Container
from simulators.dataset import World
from tests.console_site import ConsoleSite, admin_client, serve
from tests.helpers import import_export, reconcile

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def hold_a_run(container: Container, world: World) -> tuple[str, list[str]]:
    """A first run, then a fifth of the employees retiring at once: the next run is held."""
    import_export(container, world)
    reconcile(container)
    leaving = [p.nip for p in list(world.pegawai.values())[: len(world.pegawai) // 5]]
    for nip in leaving:
        world.pegawai[nip].kedudukan_id, world.pegawai[nip].kedudukan_nama = "99", "Pensiun"
    held = reconcile(container)
    assert held["status"] == "held"
    return held["run_id"], leaving


@pytest.fixture
def held(
    container: Container, world: World, sim_server: object
) -> Iterator[tuple[ConsoleSite, str, list[str]]]:
    """The served app over a store with one completed and one held run."""
    run_id, leaving = hold_a_run(container, world)
    with serve(container, {}) as site:
        yield site, run_id, leaving


def test_held_run_plan_is_shown_and_approved(held: tuple[ConsoleSite, str, list[str]]) -> None:
    """The plan lists each leaver; approval needs the form token and a reason, then applies."""
    site, run_id, leaving = held
    with admin_client(site) as client:
        listed = client.get("/admin/runs")
        assert run_id in listed.text and "ditahan pengaman" in listed.text
        assert client.get("/admin/").status_code == 200
        plan = client.get(f"/admin/runs/{run_id[:8]}", params={"situasi": "left"})
        assert plan.status_code == 200 and 'id="form-setujui"' in plan.text
        assert all(nip in plan.text for nip in leaving)
        token = TOKEN.findall(plan.text)[0]
        forged = client.post(f"/admin/runs/{run_id}/setujui", data={"csrf": "x", "alasan": "ok"})
        assert forged.status_code == 403
        no_reason = client.post(f"/admin/runs/{run_id}/setujui", data={"csrf": token, "alasan": " "})
        assert no_reason.status_code == 422 and "alasan" in no_reason.text
        done = client.post(
            f"/admin/runs/{run_id[:10]}/setujui", data={"csrf": token, "alasan": "pensiun massal sesuai SK"}
        )
        assert done.status_code == 303, done.text
        after = client.get(done.headers["location"])
        assert "selesai" in after.text and 'id="form-setujui"' not in after.text
        again = client.post(f"/admin/runs/{run_id}/setujui", data={"csrf": token, "alasan": "lagi"})
        assert again.status_code == 409
        assert client.get("/admin/runs/zzzz").status_code == 404
        assert client.get("/admin/runs/a b").status_code == 422


def test_operator_cannot_approve(held: tuple[ConsoleSite, str, list[str]], world: World) -> None:
    """An operator may read runs of their area but approving is for admins only."""
    site, run_id, leaving = held
    operator = next(p.nip for p in world.pegawai.values() if p.nip not in leaving)
    sid = site.session_for(operator)
    with httpx.Client(base_url=site.url, cookies={"ekinerja_sesi": sid}, timeout=30) as client:
        plan = client.get(f"/admin/runs/{run_id}")
        assert plan.status_code == 200 and 'id="form-setujui"' not in plan.text
        token = TOKEN.findall(client.get("/admin/konflik").text)[0]
        refused = client.post(f"/admin/runs/{run_id}/setujui", data={"csrf": token, "alasan": "coba"})
        assert refused.status_code == 403 and "hanya admin" in refused.text


def test_dry_run_plan_reads_like_the_held_one(held: tuple[ConsoleSite, str, list[str]]) -> None:
    """A dry run's plan lists the same leavers, marked as a plan, with nothing to approve."""
    site, _, leaving = held
    dry = reconcile(site.container, dry_run=True)
    assert dry["status"] == "dry_run_held"
    with admin_client(site) as client:
        assert "rencana (akan ditahan)" in client.get("/admin/runs").text
        plan = client.get(f"/admin/runs/{dry['run_id']}", params={"situasi": "left"})
        assert plan.status_code == 200 and 'id="form-setujui"' not in plan.text
        assert all(nip in plan.text for nip in leaving)
