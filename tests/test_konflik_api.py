"""The konflik, runs and usulan API over real HTTP: access by role, decisions, export, OpenAPI."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from openapi_spec_validator import validate
from sqlalchemy import select, update

from simulators.dataset import SimUnit, World
from simulators.events import mutasi
from store.db import transaction
from store.models import AuditEntry, Pegawai
from tests.access_site import Site, logged_in, site_fixture  # noqa: F401
from tests.helpers import conflicts, edit, sinkron
from tests.konflik_helpers import known_account

pytestmark = pytest.mark.e2e


def _leaf_under(world: World, root: str, not_in: set[str]) -> str:
    """A unit in ``root``'s subtree with no children, not in ``not_in``."""
    parents = {u.parent_id for u in world.units.values()}
    for unit in world.units.values():
        current: SimUnit | None = unit
        path: list[str] = []
        while current is not None:
            path.append(current.id)
            current = world.units.get(current.parent_id or "")
        if root in path and unit.id not in parents and unit.id not in not_in:
            return unit.id
    raise AssertionError(f"no leaf unit under {root}")


def _raise(site: Site, world: World, nip: str, root: str) -> int:
    """A unit conflict for ``nip`` whose local unit stays under ``root``; its id."""
    local = _leaf_under(world, root, {world.pegawai[nip].unor_id})
    remote = _leaf_under(world, world.units[root].parent_id or root, {local, world.pegawai[nip].unor_id})
    edit(site.container, nip, unor_id=local)
    mutasi(world, nip, unor_id=remote)
    sinkron(site.container, nip)
    [row] = [c for c in conflicts(site.container, nip) if c.status == "open"]
    return row.id


@pytest.fixture
def raised(site: Site, world: World) -> dict[str, int]:
    """One conflict inside the operator's OPD (the employee's) and one outside (the outsider's)."""
    return {
        "inside": _raise(site, world, site.employee, site.opd),
        "outside": _raise(site, world, site.outsider, site.other_opd),
    }


def _key(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.url, timeout=20, headers={"X-API-Key": site.key})


def test_who_sees_and_decides_what(site: Site, raised: dict[str, int]) -> None:
    """Anonymous 401; operator only their units; employee reads own, cannot decide; admin all."""
    assert httpx.get(site.url + "/api/v1/konflik").status_code == 401
    with logged_in(site, site.operator) as operator:
        listed = operator.get("/api/v1/konflik").json()
        assert [i["id"] for i in listed["items"]] == [raised["inside"]]
        assert operator.get(f"/api/v1/konflik/{raised['outside']}").status_code == 404
        refused = operator.post(
            f"/api/v1/konflik/{raised['outside']}/keputusan", json={"decision": "ambil_siasn", "reason": "x"}
        )
        assert refused.status_code == 404 and "wilayah kerja" in refused.json()["detail"]
        assert operator.get("/api/v1/usulan-perbaikan").json()["count"] == 0
    with logged_in(site, site.employee) as employee:
        own = employee.get("/api/v1/konflik").json()
        assert [i["id"] for i in own["items"]] == [raised["inside"]]
        denied = employee.post(
            f"/api/v1/konflik/{raised['inside']}/keputusan",
            json={"decision": "ambil_siasn", "reason": "saya setuju"},
        )
        assert denied.status_code == 403 and "tidak memutuskan" in denied.json()["detail"]
        assert employee.get("/api/v1/runs").status_code == 403
    with logged_in(site, site.outsider) as outsider:
        assert [i["id"] for i in outsider.get("/api/v1/konflik").json()["items"]] == [raised["outside"]]
        assert outsider.get(f"/api/v1/konflik/{raised['inside']}").status_code == 404
    with logged_in(site, site.admin) as admin:
        assert admin.get("/api/v1/konflik").json()["total"] == 2


def test_decisions_stale_refused_audited_and_exported(site: Site, raised: dict[str, int]) -> None:
    """Stale and repeated decisions get 409 with the reason; keep-local shows up in the export."""
    inside, outside = raised["inside"], raised["outside"]
    known_account(site.container, "operator.opd")
    with transaction(site.container.sessions) as session:
        session.execute(
            update(Pegawai).where(Pegawai.nip == site.employee).values(nama='=HYPERLINK("http://x")<script>')
        )
    with _key(site) as api:
        assert (
            api.post(
                f"/api/v1/konflik/{inside}/tugaskan", json={"assignee": "operator.opd", "version": 1}
            ).json()["version"]
            == 2
        )
        stale = api.post(
            f"/api/v1/konflik/{inside}/keputusan",
            json={"decision": "ambil_siasn", "reason": "SK", "version": 1},
        )
        assert stale.status_code == 409 and "ditugaskan kepada operator.opd" in stale.text
        empty = api.post(
            f"/api/v1/konflik/{inside}/keputusan", json={"decision": "ambil_siasn", "reason": ""}
        )
        assert empty.status_code == 422
        assert [p["lokasi"] for p in empty.json()["detail"]] == ["body.reason"]
        bulk = api.post(
            "/api/v1/konflik/keputusan",
            json={
                "filter": {"field": "unor_id"},
                "decision": "pertahankan_lokal",
                "reason": "nilai lokal sesuai SK",
                "actor": "admin.bkd",
            },
        )
        assert bulk.status_code == 200 and sorted(bulk.json()["decided"]) == [inside, outside]
        again = api.post(
            f"/api/v1/konflik/{inside}/keputusan", json={"decision": "ambil_siasn", "reason": "ubah pikiran"}
        )
        assert again.status_code == 409 and "sudah diputuskan" in again.json()["detail"]
        detail = api.get(f"/api/v1/konflik/{inside}").json()
        exported = api.get("/api/v1/usulan-perbaikan/ekspor", params={"format": "csv"})
        grouped = api.get("/api/v1/usulan-perbaikan").json()
    assert [h["kind"] for h in detail["history"]] == ["opened", "assigned", "resolved"]
    assert detail["opened_at"].endswith("+07:00")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert {r["konflik_id"] for r in rows} == {str(inside), str(outside)}
    name = next(r["nama"] for r in rows if r["nip"] == site.employee)
    assert name.startswith("'=HYPERLINK")
    assert grouped["count"] == 2 and len(grouped["units"]) == 2
    with site.container.sessions() as session:
        actors = set(
            session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "usul_perbaikan_siasn"))
        )
    assert actors == {"apikey:ekinerja-app/admin.bkd"}


def test_openapi_validates_and_declares_security(site: Site) -> None:
    """The document validates, every /api route has security, review routes are described."""
    schema = httpx.get(site.url + "/openapi.json").json()
    validate(schema)
    assert set(schema["components"]["securitySchemes"]) == {"ApiKey", "BearerApiKey", "Session"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/"):
                assert operation.get("security"), f"{method} {path}"
            if path.startswith(("/api/v1/konflik", "/api/v1/runs", "/api/v1/usulan")):
                assert operation.get("summary") and operation.get("description"), path
    body = schema["paths"]["/api/v1/konflik/keputusan"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref].get("examples")


def test_operator_bulk_with_one_foreign_id_changes_nothing(site: Site, raised: dict[str, int]) -> None:
    """An operator's bulk naming a conflict outside their area is refused whole (404)."""
    with logged_in(site, site.operator) as operator:
        bulk = operator.post(
            "/api/v1/konflik/keputusan",
            json={"ids": [raised["inside"], raised["outside"]], "decision": "ambil_siasn", "reason": "semua"},
        )
        assert bulk.status_code == 404, bulk.text
        assert operator.get("/api/v1/konflik", params={"per_page": 100000}).status_code == 422
        both = operator.post(
            "/api/v1/konflik/keputusan",
            json={"ids": [raised["inside"]], "filter": {}, "decision": "ambil_siasn", "reason": "x"},
        )
        assert both.status_code == 422 and "tepat satu" in both.json()["detail"][0]["pesan"]
        assert operator.get("/api/v1/konflik/abc").status_code == 422
    with _key(site) as api:
        statuses = {i["id"]: i["status"] for i in api.get("/api/v1/konflik").json()["items"]}
    assert statuses == {raised["inside"]: "open", raised["outside"]: "open"}
