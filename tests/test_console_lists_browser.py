"""The console's lists in headless Chromium over a generated store of 3,000 employees: pick a unit
by typing its name in the Konflik filter, page through every employee, open a night's detail on
what changed. Screenshots go to tests/artifacts/console/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.console_store import Generated, populate
from service.container import Container
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "console"
EMPLOYEES = 3000


@pytest.fixture
def province(container: Container) -> Iterator[tuple[ConsoleSite, Generated]]:
    """3,000 employees over 250 units with conflicts and nights, served (before Playwright)."""
    gen = populate(container.sessions, employees=EMPLOYEES, units=250)
    with serve(container, {}) as site:
        yield site, gen


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page: Any, url: str, target: str) -> None:
    page.goto(url + target)
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_url(url + target)


def test_pick_a_unit_by_name_in_the_konflik_filter(
    province: tuple[ConsoleSite, Generated],
    browser: Any,  # noqa: F811
) -> None:
    """Typing "pembinaan" lists ten "Bidang Pembinaan" told apart by their paths; choosing
    "Dinas Kesehatan" with the keyboard filters the list to its subtree, shown as a path."""
    site, gen = province
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, site.url, "/admin/konflik")
    page.fill("#f-unit", "pembinaan")
    page.wait_for_function(
        "() => { const o = [...document.querySelectorAll("
        "'#f-unit-daftar [role=option]')]; return o.length >= 10 && "
        "o.every(x => x.textContent.toLowerCase().includes('pembinaan')); }"
    )
    options = page.locator("#f-unit-daftar [role=option]")
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    assert len([x for x in texts if x.endswith("Bidang Pembinaan")]) == 10 == len(set(texts[:10]))
    _shot(page, "pemilih-unit")
    page.fill("#f-unit", "dinas kesehatan")
    page.wait_for_selector("#f-unit-daftar [data-unit=D01]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("input[name=unit]") == "D01"
    assert page.input_value("#f-unit") == "Pemerintah Provinsi Contoh › Dinas Kesehatan"
    page.click("#terapkan-saring")
    page.wait_for_url(re.compile(r".*unit=D01.*"))
    inside = [n for n in gen.nips[::40] if gen.unit_of[n].startswith("D01")]
    assert f"{len(inside)} konflik cocok" in page.inner_text("#jumlah-konflik")
    units = page.locator("#tabel-konflik td.jalur")
    assert units.count() == len(inside) > 0
    assert all("Dinas Kesehatan ›" in units.nth(i).inner_text() for i in range(units.count()))
    _shot(page, "konflik-saring-unit")
    page.close()


def test_page_through_3000_employees(province: tuple[ConsoleSite, Generated], browser: Any) -> None:  # noqa: F811
    """Every employee is listed with a total; next, last and previous pages walk the list."""
    site, gen = province
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, site.url, "/admin/pegawai")
    assert "3000 pegawai cocok" in page.inner_text("#jumlah-pegawai")
    assert "Halaman 1 dari 60" in page.inner_text("#posisi-halaman")
    seen = set()
    for _ in range(3):
        seen |= set(page.eval_on_selector_all("#hasil td a", "links => links.map(a => a.innerText)"))
        page.click("#hal-berikut")
        page.wait_for_load_state()
    assert len(seen) == 150 and "Halaman 4 dari 60" in page.inner_text("#posisi-halaman")
    page.click("#hal-terakhir")
    page.wait_for_selector("#hal-sebelum")
    assert "baris 2951–3000 dari 3000" in page.inner_text("#posisi-halaman")
    assert page.locator("#hal-berikut").count() == 0
    _shot(page, "pegawai-halaman-terakhir")
    page.select_option("#p-urut", "-nip")
    page.click("#cari")
    page.wait_for_url(re.compile(r".*urut=-nip.*"))
    assert page.inner_text("#hasil td a >> nth=0") == max(gen.nips)
    _shot(page, "pegawai-daftar")
    page.close()


def test_run_detail_opens_on_what_changed(province: tuple[ConsoleSite, Generated], browser: Any) -> None:  # noqa: F811
    """From Riwayat sinkron to the newest night: only the changed employees, with unit paths;
    "semua pegawai" shows all 3,000 in pages."""
    site, gen = province
    night = gen.nights[-1]
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, site.url, "/admin/runs")
    page.select_option("#r-jenis", "reconcile")
    page.click("#terapkan-saring-runs")
    page.wait_for_url(re.compile(r".*jenis=reconcile.*"))
    page.click(f"a[href='/admin/runs/{night}']")
    page.wait_for_selector("#item-run")
    assert f"Per pegawai ({gen.changed_last_night})" in page.inner_text("#h-item")
    situations = page.eval_on_selector_all("#item-run tbody tr", "rows => rows.map(r => r.className)")
    assert situations and "situasi-confirmed" not in situations
    assert "diperbarui dari SIASN · unit kerja: Pemerintah Provinsi Contoh ›" in page.inner_text("#item-run")
    _shot(page, "run-berubah")
    page.click("#hitungan >> text=semua pegawai")
    page.wait_for_url(re.compile(r".*situasi=semua.*"))
    assert f"Per pegawai ({EMPLOYEES})" in page.inner_text("#h-item")
    assert "Halaman 1 dari 60" in page.inner_text("#posisi-halaman")
    page.close()
