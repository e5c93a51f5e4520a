"""The API answers as its OpenAPI document says (issue 13, item 16), over real HTTP: one 422
shape in Bahasa Indonesia on every route (no English 400 from the body parser), bodies read
only after the caller is known, 405 with a complete ``Allow``, and a document that declares the
422 body, NIP formats, status enums and request bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from service.api import create_app
from service.container import Container
from service.settings import AuthSettings, Settings
from simulators.server import ServerThread
from store.db import transaction
from sync.access.accounts import set_local_account
from sync.konflik.query import KINDS
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, admin_client, serve
from tests.helpers import new_api_key

pytestmark = pytest.mark.e2e
NIP = "198609262015051001"
JSON_ROUTES = [
    ("PUT", f"/api/v1/pegawai/{NIP}/skp"),
    ("PATCH", f"/api/v1/pegawai/{NIP}"),
    ("POST", "/api/v1/unor/A1/klaim-pimpinan"),
    ("POST", "/api/v1/konflik/1/keputusan"),
    ("POST", "/api/v1/konflik/1/tugaskan"),
    ("POST", "/api/v1/konflik/1/komentar"),
    ("POST", "/api/v1/konflik/keputusan"),
    ("POST", "/api/v1/runs/abc/setujui"),
]


@pytest.fixture
def served(container: Container, sim_server: object) -> Iterator[tuple[ConsoleSite, str]]:
    """The app on a socket over an empty store, and an API key."""
    with serve(container, {}) as site:
        yield site, new_api_key(site.container)


def _problems(answer: httpx.Response) -> list[dict[str, Any]]:
    """The 422 body, checked to be the documented shape."""
    assert answer.status_code == 422, (answer.request.url, answer.text)
    detail = answer.json()["detail"]
    assert isinstance(detail, list) and detail, answer.text
    assert all(
        set(p) == {"lokasi", "pesan"} and all(isinstance(v, str) for v in p.values()) for p in detail
    ), answer.text
    return list(detail)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("method, path", JSON_ROUTES)
def test_every_json_route_answers_one_422_shape(
    served: tuple[ConsoleSite, str], method: str, path: str
) -> None:
    """Bytes that are not UTF-8, and a JSON array where an object belongs, get 422 with
    ``[{"lokasi", "pesan"}]`` in Bahasa Indonesia (never "There was an error parsing the body");
    without a key the same bodies get 401 before anything reads them."""
    site, key = served
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    with httpx.Client(base_url=site.url, timeout=30) as client:
        garbage = client.request(method, path, content=b"\xff\xfe{", headers=headers)
        assert _problems(garbage) == [
            {
                "lokasi": "body",
                "pesan": "isi permintaan bukan JSON "
                "yang valid (UTF-8, tanpa NaN/Infinity, angka dalam batas)",
            }
        ]
        assert "parsing" not in garbage.text
        _problems(client.request(method, path, content=b"[1, 2]", headers=headers))
        anonymous = client.request(
            method, path, content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
        )
        assert anonymous.status_code == 401, anonymous.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_query_and_path_refusals_use_the_same_shape(served: tuple[ConsoleSite, str]) -> None:
    """Bad query values, path ids and NIPs: the same 422 list with where and what, in Bahasa."""
    site, key = served
    with httpx.Client(base_url=site.url, timeout=30, headers={"X-API-Key": key}) as client:
        status = _problems(client.get("/api/v1/konflik", params={"status": "tutup"}))
        assert status == [{"lokasi": "query.status.0", "pesan": "pilihan tidak dikenal"}]
        _problems(client.get("/api/v1/konflik", params={"sort": "gaji"}))
        _problems(client.get("/api/v1/konflik/abc"))
        assert _problems(client.get("/api/v1/pegawai/123")) == [
            {"lokasi": "path.nip", "pesan": "NIP harus 18 digit angka 0-9 (spasi boleh)"}
        ]
        _problems(client.put("/api/v1/pegawai/123/skp", json={}))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_wrong_method_answers_405_with_allow(served: tuple[ConsoleSite, str]) -> None:
    """OPTIONS or another method a path does not serve: 405 listing every method it does serve
    in ``Allow`` (a path served by two routes lists both), said in Bahasa Indonesia."""
    site, key = served
    with httpx.Client(base_url=site.url, timeout=30, headers={"X-API-Key": key}) as client:
        expected = {
            f"/api/v1/pegawai/{NIP}": "GET, PATCH",
            "/api/v1/konflik": "GET",
            "/login": "GET",
            "/admin/konflik": "GET",
            "/api/v1/konflik/keputusan": "GET, POST",
        }  # GET: /konflik/{id}
        for path, allow in expected.items():
            for method in ("OPTIONS", "DELETE"):
                answer = client.request(method, path)
                assert answer.status_code == 405, (method, path, answer.text)
                assert answer.headers.get("allow") == allow, (method, path, answer.headers)
                assert "tidak dilayani" in answer.json()["detail"]
        assert client.get("/tidak-ada").json() == {"detail": "alamat ini tidak ada"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_openapi_documents_errors_formats_enums_and_bodies(served: tuple[ConsoleSite, str]) -> None:
    """Every operation that can answer 422 documents the ``lokasi``/``pesan`` body (FastAPI's
    own shape is gone); NIP paths carry their pattern, the konflik filters their enums, and the
    bodies the routes read themselves are documented."""
    site, _ = served
    schema = httpx.get(site.url + "/openapi.json", timeout=30).json()
    validate(schema)
    components = schema["components"]["schemas"]
    assert "HTTPValidationError" not in components and "ValidationError" not in components
    assert components["Masalah"]["required"] == ["lokasi", "pesan"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            if path.startswith("/api/") and (params or "requestBody" in operation):
                content = operation["responses"]["422"]["content"]["application/json"]
                assert content["schema"]["$ref"].endswith("/GalatValidasi"), (method, path)
            for param in params:
                if param["name"] == "nip":
                    assert param["schema"]["pattern"] == "^ *(?:[0-9] *){18}$", (method, path)
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/konflik"]["get"]["parameters"]}
    assert _enum(listing["status"]["schema"]) == ["open", "assigned", "resolved", "superseded"]
    assert _enum(listing["situasi"]["schema"]) == list(KINDS)  # every situation the store knows
    for path, method in (
        ("/api/v1/pegawai/{nip}", "patch"),
        ("/api/v1/unor/{unit_id}/klaim-pimpinan", "post"),
        ("/api/v1/pegawai/{nip}/skp", "put"),
        ("/api/v1/runs/{run_id}/setujui", "post"),
    ):
        body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]
        name = body["schema"]["$ref"].rsplit("/", 1)[1]
        assert components[name]["properties"], (path, name)


def _enum(schema: dict[str, Any]) -> list[str]:
    """The enum of a (possibly optional, possibly array) parameter schema."""
    for option in schema.get("anyOf", [schema]):
        found = option.get("items", option)
        if "enum" in found:
            return list(found["enum"])
    raise AssertionError(schema)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_approving_without_siasn_settings_is_503_not_500(container: Container) -> None:
    """``serve`` without SIASN settings still serves the review: approving a held run answers
    503 saying SIASN is not configured (API and console), not a server error."""
    bare = Container.build(
        Settings(
            database_url=container.settings.database_url,
            auth=AuthSettings(csrf_secret="rahasia-uji-formulir"),
        )
    )
    try:
        with transaction(bare.sessions) as session:
            set_local_account(session, ADMIN, PASSWORD)
        key = new_api_key(bare)
        with ServerThread(create_app(bare)) as server:
            api = httpx.post(
                f"{server.url}/api/v1/runs/abc/setujui",
                json={"reason": "cek"},
                headers={"X-API-Key": key},
                timeout=30,
            )
            assert api.status_code == 503 and "SIASN belum" in api.json()["detail"], api.text
            with admin_client(ConsoleSite(server.url, bare, {})) as client:
                token = client.get("/admin/konflik").text.split('name="csrf" value="')[1][:64]
                page = client.post("/admin/runs/abc/setujui", data={"csrf": token, "alasan": "cek"})
                assert page.status_code == 503 and "SIASN belum" in page.text, page.text
    finally:
        bare.close()
