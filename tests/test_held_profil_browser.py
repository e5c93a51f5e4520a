"""An admin's walk in headless Chromium (issue 16.7 and 16.8): open a night held because half the
employees would change unit, read the reason first and the plan in unit names, approve it with a
reason and see who approved; then press Sinkron SIASN on a profile and read its result.
Screenshots go to tests/artifacts/held/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from store.models import AuditEntry
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.helpers import leaf_units, reconcile
from tests.test_held_runs import move_many
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "held"


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the viewport: what a person sees first


@pytest.fixture
def held_site(
    container: Container, world: World, sim_server: object
) -> Iterator[tuple[ConsoleSite, dict[str, Any], str, list[str]]]:
    """A night held by the unit-change guard, served (set up before Playwright's loop starts)."""
    target, movers = move_many(container, world)
    held = reconcile(container)
    assert held["status"] == "held"
    with serve(container, {}) as site:
        yield site, held, target, movers


def test_approve_a_held_run_then_press_sinkron(
    held_site: tuple[ConsoleSite, dict[str, Any], str, list[str]],
    world: World,
    browser: Any,  # noqa: F811
) -> None:
    """The held run's page opens on its reason and the button, the plan names the target unit
    with its path; approving with a reason shows the approver and the reason; Sinkron SIASN on a
    moved employee's profile shows the new unit by path; Edit Profil saves only the field changed
    (the whole form is sent, dates, selects and the unit picker included)."""
    site, held, target, movers = held_site
    name = world.units[target].nama
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{site.url}/admin/runs/{held['run_id']}")
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_selector("#banner-ditahan")
    banner = page.inner_text("#banner-ditahan")
    assert "pindah unit" in banner and "Setujui dan terapkan" in banner and "--confirm" not in banner
    plan = page.inner_text("#item-run")
    assert name in plan and "›" in plan
    _shot(page, "run-ditahan")
    page.fill("#alasan-setujui", "Mutasi massal sesuai SK Gubernur 12/2026")
    page.click("#setujui")
    page.wait_for_selector("#disetujui-oleh", timeout=120_000)
    assert page.inner_text("#disetujui-oleh") == f"local:{ADMIN}"
    assert page.inner_text("#alasan-persetujuan") == "Mutasi massal sesuai SK Gubernur 12/2026"
    assert not page.locator("#banner-ditahan").count()
    _shot(page, "run-disetujui")
    nip = movers[0]
    other = next(u for u in leaf_units(world, target))
    mutasi(world, nip, unor_id=other)
    page.goto(f"{site.url}/admin/pegawai/{nip}")
    page.click("#sinkron")
    page.wait_for_selector("#hasil-sinkron")
    result = page.inner_text("#hasil-sinkron")
    assert "diperbarui" in result and world.units[other].nama in result
    assert world.units[other].nama in page.inner_text("#jalur-unit")
    _shot(page, "profil-sinkron")
    page.click("#edit-profil")
    page.wait_for_selector("#form-ubah")
    page.fill("#ubah-jabatan", "Analis Kebijakan Ahli Muda")
    page.fill("#ubah-alasan", "SK pengangkatan 3/2026")
    _shot(page, "profil-ubah")
    page.click("#simpan-profil")
    page.wait_for_selector("#pesan")
    assert "Analis Kebijakan Ahli Muda" in page.inner_text("#profil")
    page.close()
    with site.container.sessions() as session:
        edits = session.execute(
            select(AuditEntry.field, AuditEntry.reason).where(
                AuditEntry.pegawai_nip == nip, AuditEntry.action == "edit_lokal"
            )
        ).all()
    assert [tuple(e) for e in edits] == [("jabatan", "SK pengangkatan 3/2026")]  # only what changed
