"""The admin console in headless Chromium: log in, filter, decide one conflict, export CSV and
XLSX, bulk-decide the filtered set, see history and audit, names as text; refusals for an
anonymous visitor, an operator of another unit and a forged form token. Screenshots of each page
go to tests/artifacts/console/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import Pegawai
from store.models_skp import PmmProblem
from sync.access.rules import unit_path
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.helpers import sinkron, staff_nip
from tests.konflik_helpers import Raised, raise_unit_conflicts
from tests.pmm_jobs_helpers import feed, stocked  # noqa: F401  (the fed store fixture)
from tests.test_console_runs import hold_a_run
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "console"
SCRIPT_NAME = "<script>window.dipanggil=1</script>Siti"


@pytest.fixture
def prepared(
    container: Container, world: World, sim_server: object
) -> Iterator[tuple[ConsoleSite, list[Raised], str]]:
    """Three conflicts (one employee named with a script tag), an operator of another unit, served.

    Everything that needs asyncio runs here, before Playwright's driver starts.
    """
    raised = raise_unit_conflicts(container, world, 3)
    with transaction(container.sessions) as session:
        person = session.query(Pegawai).filter_by(nip=raised[0].nip).one()
        person.nama = SCRIPT_NAME
        touched = {u for r in raised for u in unit_path(session, r.local_unit)}
    outsider = next(
        nip
        for i in range(40)
        if (nip := staff_nip(world, i))
        and world.pegawai[nip].unor_id not in touched
        and nip not in {r.nip for r in raised}
    )
    sinkron(container, outsider)
    with serve(container, {"outsider": outsider}) as site:
        yield site, raised, outsider


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page: Any, url: str) -> None:
    page.goto(url + "/admin/konflik")
    assert "/login?next=" in page.url
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_url(url + "/admin/konflik")


def _download(page: Any, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def test_admin_reviews_decides_and_exports(
    prepared: tuple[ConsoleSite, list[Raised], str],
    browser: Any,  # noqa: F811
) -> None:
    """The whole review in a browser, ending with no open conflict and an audit trail."""
    site, raised, _ = prepared
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.on("dialog", lambda dialog: dialog.dismiss())
    _login(page, site.url)
    _skip_link_then_main(page)
    _filter_and_export(page, raised)
    _decide_one(page, raised[0])
    _decide_the_rest(page, site.url)
    _proposals_and_profile(page, site.url, raised)
    _screens_offline(page, site.url, raised[1].nip)
    page.close()


def _skip_link_then_main(page: Any) -> None:
    """Keyboard users first reach the skip link, which moves the focus to the main content."""
    page.keyboard.press("Tab")  # keyboard users first reach the skip link, then the menu
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "isi"


def _filter_and_export(page: Any, raised: list[Raised]) -> None:
    """Filtered to ``unor_id``: the three raised conflicts, in the list and in both exports."""
    page.select_option("#f-field", "unor_id")
    page.click("#terapkan-saring")
    page.wait_for_selector("#tabel-konflik")
    assert "3 konflik" in page.inner_text("#jumlah-konflik")
    _shot(page, "konflik-daftar")
    rows = list(csv.DictReader(io.StringIO(_download(page, "#ekspor-csv").decode("utf-8-sig"))))
    assert sorted(r["nip"] for r in rows) == sorted(r.nip for r in raised)
    sheet = load_workbook(io.BytesIO(_download(page, "#ekspor-xlsx"))).active
    assert sheet is not None and sheet.max_row == 4


def _decide_one(page: Any, first: Raised) -> None:
    """The detail of ``first`` (safe name, values differing) decided with a reason of the admin's."""
    page.click(f"#konflik-{first.conflict_id} a")
    page.wait_for_selector("#form-putuskan")
    assert page.inner_text("#nama-pegawai") == SCRIPT_NAME
    assert page.evaluate("window.dipanggil") is None
    assert page.locator("#nilai td.beda").count() >= 1
    _shot(page, "konflik-detail")
    page.check("#k-ambil_siasn")  # the form picks no decision for the admin
    page.fill("#alasan", "SK mutasi sudah terbit")
    page.click("#putuskan")
    page.wait_for_selector("#pesan")
    assert "diputuskan" in page.inner_text("#riwayat")
    assert "SK mutasi sudah terbit" in page.inner_text("#keputusan")


def _decide_the_rest(page: Any, url: str) -> None:
    """The two left decided at once for the filtered list, which is then empty."""
    page.goto(url + "/admin/konflik?field=unor_id")
    assert "2 konflik" in page.inner_text("#jumlah-konflik")
    page.select_option("#m-cakupan", "tersaring")
    page.select_option("#m-keputusan", "pertahankan_lokal")
    page.fill("#m-alasan", "nilai lokal sesuai SK")
    page.click("#putuskan-massal")
    page.wait_for_selector("#pesan")
    assert "0 konflik" in page.inner_text("#jumlah-konflik")


def _proposals_and_profile(page: Any, url: str, raised: list[Raised]) -> None:
    """The kept local value is proposed as a correction; the profile's audit names the decision."""
    page.goto(url + "/admin/usulan-perbaikan")
    assert raised[1].nip in page.inner_text("main")
    _shot(page, "usulan-perbaikan")
    page.goto(f"{url}/admin/pegawai/{raised[0].nip}")
    assert "konflik diputuskan: ambil nilai SIASN" in page.inner_text("#audit")
    assert "konflik_ambil_siasn" not in page.inner_text("#audit")  # an action by its label
    assert page.evaluate("window.dipanggil") is None
    _shot(page, "pegawai-profil")


def _screens_offline(page: Any, url: str, nip: str) -> None:
    """The other screens and the API docs render with the network beyond our server cut off."""
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort()
    )  # the network beyond our own server is cut off
    for path, name in (
        ("/admin/", "beranda"),
        ("/admin/runs", "riwayat-sinkron"),
        ("/admin/integritas", "integritas-atasan"),
        (f"/admin/pegawai?q={nip[:8]}", "pegawai-cari"),
        ("/docs", "docs"),
    ):
        page.goto(url + path)
        _shot(page, name)
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_selector("[data-path='/api/v1/konflik']")
    _shot(page, "docs")


def test_refusals_in_the_browser(prepared: tuple[ConsoleSite, list[Raised], str], browser: Any) -> None:  # noqa: F811
    """Anonymous: sent to login. Operator of another unit: 404. Forged token: 403, nothing decided."""
    site, raised, outsider = prepared
    cid = raised[0].conflict_id
    anonymous = browser.new_page()
    anonymous.goto(f"{site.url}/admin/konflik/{cid}")
    assert "/login?next=" in anonymous.url
    anonymous.close()
    operator = browser.new_context()
    operator.add_cookies([{"name": "ekinerja_sesi", "value": site.session_for(outsider), "url": site.url}])
    page = operator.new_page()
    response = page.goto(f"{site.url}/admin/konflik/{cid}")
    assert response is not None and response.status == 404
    _shot(page, "operator-ditolak")
    operator.close()
    page = browser.new_page()
    _login(page, site.url)
    page.goto(f"{site.url}/admin/konflik/{cid}")
    page.evaluate("document.querySelector('#form-putuskan input[name=csrf]').value = 'palsu'")
    page.check("#k-ambil_siasn")
    page.fill("#alasan", "coba")
    page.click("#putuskan")
    page.wait_for_selector("#galat")
    assert "token keamanan" in page.inner_text("#galat")
    _shot(page, "csrf-ditolak")
    page.goto(f"{site.url}/admin/konflik/{cid}")
    assert "terbuka" in page.inner_text("#status")
    page.close()


@pytest.fixture
def held(
    container: Container, world: World, sim_server: object
) -> Iterator[tuple[ConsoleSite, str, list[str]]]:
    """A completed run and a held one (a fifth of the employees retiring), served."""
    run_id, leaving = hold_a_run(container, world)
    with serve(container, {}) as site:
        yield site, run_id, leaving


def test_admin_approves_a_held_run_after_viewing_its_plan(
    held: tuple[ConsoleSite, str, list[str]],
    browser: Any,  # noqa: F811
) -> None:
    """Riwayat sinkron lists the held run; its plan shows the leavers; approving applies it."""
    site, run_id, leaving = held
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, site.url)
    page.goto(site.url + "/admin/")
    assert page.locator("#grafik rect").count() >= 1
    assert "baru 160" in page.inner_html("#grafik")
    _shot(page, "beranda-grafik")
    page.click("#nav-runs")
    page.click(f"a[href='/admin/runs/{run_id}']")
    page.wait_for_selector("#form-setujui")
    assert all(nip in page.inner_text("#item-run") for nip in leaving)
    _shot(page, "run-ditahan")
    page.fill("#alasan-setujui", "pensiun massal sesuai SK")
    page.click("#setujui")
    page.wait_for_selector("#pesan", timeout=120_000)
    assert page.inner_text("#status-run") == "selesai"
    assert page.locator("#form-setujui").count() == 0
    _shot(page, "run-disetujui")
    page.close()


@pytest.fixture
def guru_site(stocked: Container) -> Iterator[ConsoleSite]:  # noqa: F811
    """The console over a store the real PMM feed ran on (before Playwright's loop starts)."""
    assert feed(stocked, "http")["problems"]
    with transaction(stocked.sessions) as session:
        session.execute(
            update(PmmProblem)
            .where(PmmProblem.id == session.scalar(select(func.min(PmmProblem.id))))
            .values(nama=SCRIPT_NAME)
        )
    with serve(stocked, {}) as site:
        yield site


def test_admin_reads_the_guru_pmm_page(guru_site: ConsoleSite, browser: Any) -> None:  # noqa: F811
    """From the menu to the Guru (PMM) page, filtered by one rule; the script name stays text."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    _login(page, guru_site.url)
    page.click("#nav-guru")
    page.wait_for_selector("#jumlah-guru")
    assert page.evaluate("window.dipanggil") is None
    assert SCRIPT_NAME in page.inner_text("main")
    rule = page.get_attribute("tr.masalah td.aturan >> nth=-1", "data-aturan") or ""
    label = page.inner_text("tr.masalah td.aturan >> nth=-1").split("\n")[0].strip()
    assert rule and label != rule  # the rule reads as a label; its code stays in the URL
    wanted = page.eval_on_selector_all(
        "td.aturan", f"cells => cells.filter(c => c.dataset.aturan === '{rule}').length"
    )
    assert 0 < wanted < page.locator("tr.masalah").count()
    page.select_option("#g-aturan", label=label)
    page.click("#terapkan-saring-guru")
    page.wait_for_url(f"**/admin/guru?*aturan={rule}*")
    assert page.locator("tr.masalah").count() == wanted
    _shot(page, "guru-pmm")
    page.close()
