"""An admin decides a golongan group in headless Chromium (issue 16.6): the list links golongan
and TMT golongan, the detail page shows both side by side, one "tetapkan nilai" with a value per
field decides both. Screenshots go to tests/artifacts/konflik/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.container import Container
from simulators.dataset import World
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.group_helpers import Group, raise_golongan_group
from tests.helpers import conflicts, pegawai
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "konflik"


@pytest.fixture
def served(container: Container, world: World, sim_server: object) -> Iterator[tuple[ConsoleSite, Group]]:
    """A golongan group raised through Sinkron SIASN, the app on a socket."""
    group = raise_golongan_group(container, world)
    with serve(container, {}) as site:
        yield site, group


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_admin_decides_a_golongan_group_in_the_browser(
    served: tuple[ConsoleSite, Group],
    browser: Any,  # noqa: F811
) -> None:
    """From the list's link to the group's form: both fields shown, one value each, one submit."""
    site, group = served
    gol, tmt = group.ids["golongan"], group.ids["tmt_golongan"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(site.url + "/admin/konflik")
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_url(site.url + "/admin/konflik")
    assert "TMT golongan" in page.inner_text(f"#bersama-{gol}")
    _shot(page, "daftar-kelompok")
    page.click(f"#konflik-{tmt} a")
    page.wait_for_url(site.url + f"/admin/konflik/{tmt}")
    rows = page.locator("#kelompok tbody tr")
    assert [rows.nth(i).locator("th").inner_text() for i in range(rows.count())] == [
        "Golongan",
        "TMT golongan",
    ]
    page.check("#k-tetapkan_nilai")
    page.fill("#nilai-golongan", "III/c")
    page.fill("#nilai-tmt_golongan", "01-05-2026")
    page.fill("#alasan", "SK kenaikan pangkat yang benar")
    _shot(page, "kelompok-golongan")
    page.click("#putuskan")
    page.wait_for_url(site.url + f"/admin/konflik/{tmt}?pesan=diputuskan")
    assert "diputuskan" in page.inner_text("#status")
    assert page.inner_text("#nilai-keputusan") == "2026-05-01"
    _shot(page, "kelompok-golongan-diputuskan")
    page.close()
    assert {c.field: c.status for c in conflicts(site.container, group.nip)} == {
        "golongan": "resolved",
        "tmt_golongan": "resolved",
    }
    person = pegawai(site.container, group.nip)
    assert person is not None and (person.golongan, str(person.tmt_golongan)) == ("III/c", "2026-05-01")
