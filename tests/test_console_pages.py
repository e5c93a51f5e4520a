"""The console's read pages over real HTTP: login required, admin and operator views, data as text,
NIK masked, the chart, and ``/docs`` with every Swagger UI asset served by us."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from service.console.demo import demo_login
from service.container import Container
from simulators.dataset import World
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import Pegawai
from tests.console_site import ConsoleSite, admin_client, build_site, serve

pytestmark = pytest.mark.e2e
SCRIPT_NAME = "<script>alert('x')</script> Budi"


@pytest.fixture
def site(
    container: Container, world: World, sim: SiasnSimulator, sim_server: object
) -> Iterator[ConsoleSite]:
    """The served app over the test database with the cast loaded."""
    cast = build_site(container, world, sim)
    with serve(container, cast) as served:
        yield served


def _rename(site: ConsoleSite, nip: str, name: str) -> None:
    with transaction(site.container.sessions) as session:
        person = session.query(Pegawai).filter_by(nip=nip).one()
        person.nama = name


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_anonymous_visitor_is_sent_to_login(site: ConsoleSite) -> None:
    """Every console page redirects a visitor without a session to /login, keeping the page."""
    for path in (
        "/admin/",
        "/admin/runs",
        "/admin/integritas",
        "/admin/pegawai?q=a",
        f"/admin/pegawai/{site.cast['employee']}",
    ):
        response = httpx.get(site.url + path, timeout=20)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2Fadmin"), path
    forged = httpx.get(site.url + "/admin/", cookies={"ekinerja_sesi": "palsu"}, timeout=20)
    assert forged.status_code == 303


def test_admin_pages_render_with_names_as_text(site: ConsoleSite) -> None:
    """Beranda, runs, integrity, search and profile render; a name with <script> is escaped."""
    _rename(site, site.cast["employee"], SCRIPT_NAME)
    with admin_client(site) as client:
        for path in ("/admin/", "/admin/runs", "/admin/integritas"):
            page = client.get(path)
            assert page.status_code == 200, (path, page.text)
            assert "<script" not in page.text.lower()
            assert page.headers["content-security-policy"].startswith("default-src 'self'")
        found = client.get("/admin/pegawai", params={"q": "budi"})
        assert site.cast["employee"] in found.text
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Budi" in found.text
        assert "<script>" not in found.text
        profile = client.get(f"/admin/pegawai/{site.cast['employee']}")
        assert profile.status_code == 200
        assert "&lt;script&gt;" in profile.text and "<script>" not in profile.text
        by_nip = client.get("/admin/pegawai", params={"q": site.cast["employee"][:10]})
        assert site.cast["employee"] in by_nip.text
        assert client.get("/admin/pegawai", params={"q": "%_\\"}).status_code == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_operator_sees_only_their_area(site: ConsoleSite) -> None:
    """An operator opens profiles inside their OPD; outside it the page refuses with 403."""
    sid = site.session_for(site.cast["operator"])
    with httpx.Client(base_url=site.url, cookies={"ekinerja_sesi": sid}, timeout=20) as client:
        assert client.get(f"/admin/pegawai/{site.cast['employee']}").status_code == 200
        outside = client.get(f"/admin/pegawai/{site.cast['outsider']}")
        assert outside.status_code == 403
        assert "di luar wilayah kerja" in outside.text
        found = client.get("/admin/pegawai", params={"q": site.cast["outsider"]})
        assert f"/admin/pegawai/{site.cast['outsider']}" not in found.text
        inside = client.get("/admin/pegawai", params={"q": site.cast["employee"]})
        assert f"/admin/pegawai/{site.cast['employee']}" in inside.text
        assert client.get("/admin/pegawai/12345").status_code == 400


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_docs_serve_swagger_ui_locally(site: ConsoleSite) -> None:
    """/docs references only our own assets, and each of them is served."""
    page = httpx.get(site.url + "/docs", timeout=20)
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)=["']([^"']+)""", page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        asset = httpx.get(site.url + source, timeout=20)
        assert asset.status_code == 200 and len(asset.content) > 100, source
    spec = httpx.get(site.url + "/openapi.json", timeout=20).json()
    assert spec["info"]["title"] and spec["info"]["description"]
    assert not any(p.startswith("/admin") for p in spec["paths"])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_demo_login_opens_the_console(site: ConsoleSite) -> None:
    """The login the demo prints works: it logs in and the console's beranda opens."""
    login = demo_login(site.container)
    text = login.text(site.container.settings.database_url)
    assert login.username in text and login.password in text and "/admin/" in text
    with httpx.Client(base_url=site.url, timeout=20) as client:
        done = client.post(
            "/login/lokal", data={"username": login.username, "password": login.password, "next": "/admin/"}
        )
        assert done.status_code == 303 and done.headers["location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
