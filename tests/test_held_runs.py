"""Held runs (issue 16.7): the reason first on the page and in `reconcile`'s stdout, one pending
held run (a rerun replaces the older, which says so), and approval recording who and why (run
page, `runs show`, audit log); the banner speaks of the console's button, not a CLI flag."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.events import mutasi
from store.models import AuditEntry, SyncRun
from sync.reconcile.approval import APPROVED, REPLACED
from tests.console_site import admin_client, serve
from tests.helpers import import_export, leaf_units, reconcile
from tests.test_cli import cli, cli_environment

pytestmark = pytest.mark.e2e
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def move_many(container: Container, world: World) -> tuple[str, list[str]]:
    """A first run, then half the employees moved into one unit: the target unit and the movers."""
    import_export(container, world)
    reconcile(container)
    target = leaf_units(world, "")[0]
    movers = [p.nip for p in world.pegawai.values() if p.unor_id != target][: len(world.pegawai) // 2]
    for nip in movers:
        mutasi(world, nip, unor_id=target)
    return target, movers


def statuses(container: Container) -> dict[str, str]:
    """Every run's status by id."""
    with container.sessions() as session:
        return {run_id: status for run_id, status in session.execute(select(SyncRun.id, SyncRun.status))}


def audit_of(container: Container, run_id: str, action: str) -> list[AuditEntry]:
    """The audit entries of one run with ``action``."""
    with container.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.run_id == run_id, AuditEntry.action == action)
            )
        )


def test_rerun_replaces_the_pending_held_run(container: Container, world: World) -> None:
    """Two reruns of a held night leave one held run; the older ones read "digantikan" and link
    to their replacement on their page, and the replacement is audited."""
    move_many(container, world)
    first = reconcile(container)["run_id"]
    second = reconcile(container)["run_id"]
    third = reconcile(container)["run_id"]
    found = statuses(container)
    assert [found[r] for r in (first, second, third)] == ["superseded", "superseded", "held"]
    assert sum(1 for s in found.values() if s == "held") == 1
    assert [e.new_value for e in audit_of(container, first, REPLACED)] == [second]
    with serve(container, {}) as site, admin_client(site) as client:
        listed = client.get("/admin/runs").text
        held_part = listed.split('id="h-held"')[1].split("</section>")[0]
        assert third[:12] in held_part and first[:12] not in held_part and second[:12] not in held_part
        old = client.get(f"/admin/runs/{first}").text
        assert 'id="banner-digantikan"' in old and f'href="/admin/runs/{second}"' in old
        assert 'id="form-setujui"' not in old and "digantikan" in old


def test_held_page_reason_first_then_approval_recorded(container: Container, world: World) -> None:
    """The page opens on the hold's reason and the console's button (no CLI flag), the plan
    names units by path; approving records the admin and the reason on the run and the audit."""
    target, _ = move_many(container, world)
    held = reconcile(container)
    assert held["status"] == "held" and "--confirm" not in held["guard_reason"]
    with serve(container, {}) as site, admin_client(site) as client:
        home = client.get("/admin/").text
        assert 'id="beranda-ditahan"' in home and f"/admin/runs/{held['run_id']}" in home
        page = client.get(f"/admin/runs/{held['run_id']}").text
        banner = page.index('id="banner-ditahan"')
        assert banner < page.index('id="ringkasan-run"') and banner < page.index('id="hitungan"')
        assert "pindah unit" in page[banner:] and "Setujui dan terapkan" in page[banner:]
        assert "--confirm" not in page and "reconcile" not in page.split('id="item-run"')[0]
        plan = page.split('id="item-run"')[1]
        assert " › " in plan and world.units[target].nama in plan  # units by name and path
        token = TOKEN.findall(page)[0]
        done = client.post(
            f"/admin/runs/{held['run_id']}/setujui",
            data={"csrf": token, "alasan": "mutasi massal SK 12/2026"},
        )
        assert done.status_code == 303, done.text
        after = client.get(done.headers["location"]).text
        assert "disetujui" in after.lower() and 'id="banner-ditahan"' not in after
        assert re.search(r'id="disetujui-oleh">local:admin-bkd<', after)
        assert re.search(r'id="alasan-persetujuan">mutasi massal SK 12/2026<', after)
        assert "sinkron yang ditahan disetujui" not in after.split('id="item-run"')[0]  # not a unit row
    entries = audit_of(container, held["run_id"], APPROVED)
    assert [(e.actor, e.reason) for e in entries] == [("local:admin-bkd", "mutasi massal SK 12/2026")]


def test_reconcile_cli_says_why_first_and_runs_setujui_records_who(
    container: Container, world: World, siasn_settings: SiasnSettings, tmp_path: Path
) -> None:
    """`reconcile` prints the hold's reason before its table (the plan's counts) on stdout and
    where to approve;
    `--confirm` without `--alasan` is refused; `runs setujui` approves, `runs show` says who/why."""
    move_many(container, world)
    env = {
        **cli_environment(siasn_settings, tmp_path),
        "EKINERJA_DATABASE_URL": container.settings.database_url,
    }
    held = cli("reconcile", env=env)
    assert held.returncode == 3, held.stderr
    lines = [line for line in held.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("DITAHAN PENGAMAN:") and "pindah unit" in lines[0]
    assert "Setujui dan terapkan" in held.stdout and "runs setujui" in held.stdout
    assert re.search(r"diperbarui\s*│\s*80", held.stdout), held.stdout  # the plan's counts
    assert "--confirm" not in held.stdout + held.stderr
    run_id = next(r for r, s in statuses(container).items() if s == "held")
    refused = cli("reconcile", "--confirm", env=env)
    assert refused.returncode == 2 and "--alasan" in refused.stderr
    assert statuses(container)[run_id] == "held"
    approved = cli(
        "runs", "setujui", run_id[:8], "--alasan", "mutasi massal sesuai SK", "--oleh", "budi", env=env
    )
    assert approved.returncode == 0, approved.stderr
    shown = cli("runs", "show", run_id, env=env)
    assert "disetujui oleh cli:budi" in shown.stdout and "mutasi massal sesuai SK" in shown.stdout
    assert [e.actor for e in audit_of(container, run_id, APPROVED)] == ["cli:budi"]
