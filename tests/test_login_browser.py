"""A person logs in with ASN Digital in headless Chromium: /login, the realm's authorize page with
its TOTP step, back to ekinerja-sync with a session; their own profile opens; logout ends it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.api import create_app
from service.container import Container
from service.settings import MyasnSettings, Settings
from simulators.dataset import World
from simulators.myasn import REALM_PATH, Account, RealmClient
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from simulators.totp import totp
from tests.helpers import load_units, sinkron, staff_nip

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("EKINERJA_TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "sandi-ASN-digital-2026"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not shutil.which(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("EKINERJA_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (EKINERJA_TEST_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def app_url(
    container: Container, world: World, sim: SiasnSimulator, sim_server: ServerThread
) -> Iterator[str]:
    """ekinerja-sync on a socket, logging people in against the realm simulator."""
    load_units(container)
    nip = staff_nip(world, 3)
    sinkron(container, nip)
    sim.realm.add_client(RealmClient("ekinerja-sync"))
    sim.realm.add_account(Account(nip, PASSWORD, "Rina", "Wulandari", totp_secret=SECRET))
    settings = Settings(
        database_url=container.settings.database_url,
        siasn=container.settings.siasn,
        myasn=MyasnSettings(issuer=sim_server.url + REALM_PATH, client_id="ekinerja-sync"),
    )
    served = Container.build(settings)
    with ServerThread(create_app(served)) as server:
        yield server.url
    served.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_login_with_mfa_through_the_authorize_page(app_url: str, browser: Any, world: World) -> None:
    """Click 'Masuk dengan ASN Digital', type NIP, password and the TOTP code; land home.

    ``app_url`` comes before ``browser``: Playwright's sync driver holds an event loop, so the
    store is prepared (asyncio.run) before it starts.
    """
    nip = staff_nip(world, 3)
    page = browser.new_page()
    page.goto(app_url + "/")
    assert page.url == app_url + "/login"
    page.click("#masuk-myasn")
    page.wait_for_selector("#kc-login")
    assert REALM_PATH + "/protocol/openid-connect/auth" in page.url
    page.fill("#username", nip)
    page.fill("#password", "salah")
    page.click("#kc-login")
    assert "Invalid username or password" in page.inner_text("#error")
    page.fill("#username", nip)
    page.fill("#password", PASSWORD)
    page.click("#kc-login")
    page.wait_for_selector("#otp")
    page.fill("#otp", totp(SECRET))
    page.click("#kc-otp")
    page.wait_for_selector("#keluar")
    assert page.url == app_url + "/"
    assert page.inner_text("#nama") == "Rina Wulandari"
    assert page.inner_text("#hak") == "pegawai (profil sendiri)"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ekinerja_sesi"]["httpOnly"] and cookies["ekinerja_sesi"]["sameSite"] == "Lax"
    page.click("#profil")
    assert f'"nip":"{nip}"' in page.content().replace(" ", "")
    other = page.request.get(f"{app_url}/api/v1/pegawai/{staff_nip(world, 4)}")
    assert other.status == 403
    page.goto(app_url + "/")
    page.click("#keluar")
    page.wait_for_url(app_url + "/login")
    gone = httpx.get(
        f"{app_url}/api/v1/pegawai/{nip}",
        timeout=20,
        cookies={"ekinerja_sesi": cookies["ekinerja_sesi"]["value"]},
    )
    assert gone.status_code == 401
    page.close()
