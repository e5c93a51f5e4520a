"""The guide's screenshots, taken in headless Chromium from a store with real situations.

Each picture goes to tests/artifacts/panduan/; with ``EKINERJA_PERBARUI_PANDUAN=1`` it is also
copied to docs/gambar/, the pictures docs/panduan-operator.md shows (commit them after a change of
the console's screens). The walk asserts what each picture must show, so a picture of an error
page or of an empty list is never taken for the guide.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.console.panduan import PICTURES
from service.container import Container
from simulators.dataset import World
from store.db import transaction
from sync.konflik.decide import Resolution, decide
from sync.konflik.scope import ADMIN_CLI
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.konflik_helpers import Raised, raise_unit_conflicts
from tests.pmm_jobs_helpers import feed, stocked  # noqa: F401  (the fed store fixture)
from tests.test_console_runs import hold_a_run
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "panduan"


def _shot(page: Any, name: str) -> None:
    """Save the page as ``name``.png in the artifacts, and in docs/gambar when asked to."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)
    if os.environ.get("EKINERJA_PERBARUI_PANDUAN") == "1":
        PICTURES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, PICTURES / f"{name}.png")


def _login(page: Any, url: str) -> None:
    page.goto(url + "/admin/")
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_url(url + "/admin/")


@pytest.fixture
def day(
    container: Container, world: World, sim_server: object
) -> Iterator[tuple[ConsoleSite, list[Raised], str]]:
    """Unit conflicts, a completed night and a held one, served (set up before Playwright starts)."""
    raised = raise_unit_conflicts(container, world, 4)
    with transaction(container.sessions) as session:  # one usulan perbaikan for its picture
        decide(
            session,
            ADMIN_CLI,
            [raised[-1].conflict_id],
            Resolution.KEEP_LOCAL,
            actor="admin",
            reason="SK lokal",
        )
    run_id, _leaving = hold_a_run(container, world)
    with serve(container, {}) as site:
        yield site, raised, run_id


def test_pictures_of_an_admins_day(day: tuple[ConsoleSite, list[Raised], str], browser: Any) -> None:  # noqa: F811
    """Beranda, konflik (list, detail), usulan, riwayat, a held run and a profile, as the guide shows."""
    site, raised, run_id = day
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, site.url)
    assert page.locator("#grafik").count() == 1
    _shot(page, "beranda")
    page.click("#nav-konflik")
    assert all(page.locator(f"text={r.nip}").count() >= 1 for r in raised[:3])
    _shot(page, "konflik-daftar")
    page.goto(f"{site.url}/admin/konflik/{raised[0].conflict_id}")
    assert raised[0].nip in page.inner_text("main")
    _shot(page, "konflik-detail")
    page.click("#nav-usulan")
    assert raised[-1].nip in page.inner_text("main")
    _shot(page, "usulan")
    page.click("#nav-runs")
    assert run_id in page.inner_html("main")
    _shot(page, "riwayat")
    page.goto(f"{site.url}/admin/runs/{run_id}")
    page.wait_for_selector("#form-setujui")
    _shot(page, "run-ditahan")
    page.goto(f"{site.url}/admin/pegawai/{raised[0].nip}")
    assert raised[0].nip in page.inner_text("main")
    _shot(page, "profil")
    page.close()


@pytest.fixture
def guru_site(stocked: Container) -> Iterator[ConsoleSite]:  # noqa: F811
    """The console over a store the real PMM feed ran on."""
    assert feed(stocked, "http")["problems"]
    with serve(stocked, {}) as site:
        yield site


def test_picture_of_the_guru_page(guru_site: ConsoleSite, browser: Any) -> None:  # noqa: F811
    """Guru (PMM) with teachers whose results did not flow, as the guide shows it."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, guru_site.url)
    page.click("#nav-guru")
    assert page.locator("table tbody tr").count() >= 1
    _shot(page, "guru")
    page.close()
