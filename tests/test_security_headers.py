"""Headers on every answer (issue 13, item 17), over real HTTP: every HTML page (login, home,
login error, every console page, error pages, /docs) refuses framing with ``frame-ancestors
'none'`` merged into its CSP and ``X-Frame-Options: DENY``; pages, exports and API answers with
personal data carry ``Cache-Control: no-store``; static assets stay cacheable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from service.auth import Gate
from service.console.csrf import CsrfSigner
from service.console.guru import guru_router
from service.console.konflik import konflik_router
from service.console.pages import read_router
from service.console.profil import profil_router
from service.console.runs import runs_router
from service.console.usulan import usulan_router
from service.console.views import Views, build_environment
from service.container import Container
from service.web import web_router
from simulators.dataset import World
from simulators.siasn import SiasnSimulator
from store.models import SyncRun
from tests.console_site import ConsoleSite, admin_client, build_site, serve
from tests.helpers import new_api_key, reconcile
from tests.konflik_helpers import raise_unit_conflicts

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(
    container: Container, world: World, sim: SiasnSimulator, sim_server: object
) -> Iterator[ConsoleSite]:
    """Employees, a unit conflict and a finished run; the app on a socket."""
    cast = build_site(container, world, sim)
    raised = raise_unit_conflicts(container, world, 1)
    reconcile(container)
    with container.sessions() as session:
        cast["run"] = session.scalars(select(SyncRun.id)).first() or ""
    cast["konflik"] = str(raised[0].conflict_id)
    with serve(container, cast) as served:
        yield served


def _pages(cast: dict[str, str]) -> list[str]:
    """Every page a person opens, with real ids (and the refusal and login error pages)."""
    return [
        "/",
        "/login",
        "/login?galat=x",
        "/auth/callback?error=access_denied",
        "/login/myasn",
        "/docs",
        "/admin/",
        "/admin/konflik",
        f"/admin/konflik/{cast['konflik']}",
        "/admin/konflik/999999",
        "/admin/usulan-perbaikan",
        "/admin/runs",
        f"/admin/runs/{cast['run']}",
        "/admin/integritas",
        "/admin/pegawai",
        f"/admin/pegawai?q={cast['employee'][:8]}",
        f"/admin/pegawai/{cast['employee']}",
        f"/admin/pegawai/{cast['employee']}/ubah",
        "/admin/guru",
    ]


EXPORTS = [
    "/admin/konflik/ekspor.csv",
    "/admin/konflik/ekspor.xlsx",
    "/admin/usulan-perbaikan/ekspor.csv",
    "/admin/usulan-perbaikan/ekspor.xlsx",
    "/admin/guru/ekspor.csv",
    "/admin/guru/ekspor.xlsx",
]


def _refuses_framing(answer: httpx.Response) -> None:
    where = (answer.request.url, answer.status_code)
    assert answer.headers["content-type"].startswith("text/html"), where
    policy = answer.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy and policy.count("frame-ancestors") == 1, where
    assert answer.headers.get("x-frame-options") == "DENY", where
    assert answer.headers.get("cache-control") == "no-store", where


def test_every_page_refuses_framing_and_caching(site: ConsoleSite) -> None:
    """Logged in as the admin: every page, the refusal page and the login error pages; the
    console's own CSP keeps its directives; a page asked for without login redirects no-store."""
    with admin_client(site) as client:
        for path in _pages(site.cast):
            answer = client.get(path)
            assert answer.status_code in (200, 400, 404, 503), (path, answer.text[:200])
            _refuses_framing(answer)
        console = client.get("/admin/konflik").headers["content-security-policy"]
        assert "script-src 'self'" in console and "form-action 'self'" in console
        wrong = client.post("/login/lokal", data={"username": "admin-bkd", "password": "salah"})
        _refuses_framing(wrong)
    anonymous = httpx.get(site.url + "/admin/konflik", timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["cache-control"] == "no-store"


def test_exports_and_api_answers_are_not_stored(site: ConsoleSite) -> None:
    """CSV/XLSX exports and API answers with personal data: ``no-store``; a static asset
    (the console's stylesheet, Swagger UI's bundle) stays cacheable."""
    with admin_client(site) as client:
        for path in EXPORTS:
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert answer.headers.get("cache-control") == "no-store", path
        for path in ("/admin/static/console.css", "/docs/assets/swagger-ui.css"):
            answer = client.get(path)
            assert answer.status_code == 200 and "cache-control" not in answer.headers, path
    key = new_api_key(site.container)
    with httpx.Client(base_url=site.url, timeout=30, headers={"X-API-Key": key}) as api:
        for path in (
            f"/api/v1/pegawai/{site.cast['employee']}",
            "/api/v1/konflik",
            "/api/v1/usulan-perbaikan/ekspor",
            "/api/v1/runs",
        ):
            answer = api.get(path)
            assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"


def test_the_page_list_covers_every_page_route(site: ConsoleSite) -> None:
    """Every GET route of the console and login routers is among the pages (or exports) tested,
    so a new page cannot be added without these headers being checked on it."""
    gate = Gate(site.container)
    views = Views(gate, CsrfSigner.from_setting("x" * 32), build_environment())
    routers = [web_router(gate)] + [
        make(views)
        for make in (read_router, profil_router, konflik_router, usulan_router, runs_router, guru_router)
    ]
    tested = [p.split("?")[0] for p in _pages(site.cast) + EXPORTS]
    for router in routers:
        prefix = "" if router is routers[0] else "/admin"
        for route in router.routes:
            if "GET" not in getattr(route, "methods", set()):
                continue
            pattern = re.sub(r"\{[^}]+\}", "[^/]+", prefix + getattr(route, "path", ""))
            assert any(re.fullmatch(pattern, p) for p in tested), pattern
