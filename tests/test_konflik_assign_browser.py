"""Assigning a conflict in headless Chromium: the admin picks a person from the list of people the
system knows (16.9), and the decision form will not submit without a choice. Screenshots go to
tests/artifacts/konflik/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import Conflict
from sync.access.people import note_login
from sync.access.rules import RoleMap
from sync.access.sessions import SessionInfo
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.konflik_helpers import Raised, known_account, raise_unit_conflicts
from tests.test_login_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
ARTIFACTS = Path(__file__).parent / "artifacts" / "konflik"
SITI = "199001012015012001"


@pytest.fixture
def site(container: Container, world: World, sim_server: object) -> Iterator[tuple[ConsoleSite, Raised]]:
    """One unit conflict; a local operator account and a MyASN operator seen at login; served."""
    [raised] = raise_unit_conflicts(container, world)
    known_account(container, "operator.opd")
    info = SessionInfo(source="myasn", username=SITI, name="Siti Aminah", roles=("op",), id_token=None)
    with transaction(container.sessions) as session:
        note_login(session, info, RoleMap(admin=frozenset(), operator=frozenset({"op"})))
    with serve(container, {}) as served:
        yield served, raised


def test_admin_assigns_a_conflict_to_a_person_picked_from_the_list(
    site: tuple[ConsoleSite, Raised],
    browser: Any,  # noqa: F811
) -> None:
    """The assignment list offers the known people by name; picking Siti Aminah assigns the
    conflict to her NIP and the page shows her name; deciding with no choice does not submit."""
    served, raised = site
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    target = f"/admin/konflik/{raised.conflict_id}"
    page.goto(served.url + target)
    page.fill("#username", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("#masuk-lokal")
    page.wait_for_url(served.url + target)
    options = page.locator("#penerima option")
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    assert any(x.startswith(f"Siti Aminah ({SITI})") for x in texts)
    assert any(x.startswith("operator.opd (akun lokal)") for x in texts)
    page.fill("#alasan", "SK mutasi")
    page.click("#putuskan")  # no decision picked: the browser keeps the form
    assert page.url == served.url + target
    assert page.evaluate("document.querySelector('#k-ambil_siasn').validity.valueMissing")
    page.select_option("#penerima", value=SITI)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pilih-penerima.png"), full_page=True)
    page.click("#tugaskan")
    page.wait_for_url(re.compile(r".*pesan=ditugaskan.*"))
    page.goto(served.url + target)
    assert page.inner_text("#penerima-sekarang") == f"Siti Aminah ({SITI})"
    assert page.input_value("#penerima") == SITI
    assert f"ditugaskan kepada Siti Aminah ({SITI})" in page.inner_text("#riwayat")
    page.screenshot(path=str(ARTIFACTS / "konflik-ditugaskan.png"), full_page=True)
    page.close()
    with served.container.sessions() as session:
        row = session.get_one(Conflict, raised.conflict_id)
    assert (row.status, row.assignee) == ("assigned", SITI)
