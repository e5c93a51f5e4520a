"""Numbers and JSON past what the store can hold are refused, never a 500 or a traceback (issue
13, items 2 and 3): ids, versions, bulk ids and page numbers of 20 digits, over real HTTP (API
and console, SQLite and PostgreSQL) and through the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.container import Container
from tests.console_site import ConsoleSite, admin_client, serve
from tests.helpers import new_api_key
from tests.test_cli import cli

pytestmark = pytest.mark.e2e
HUGE = "99999999999999999999"


@pytest.fixture
def served(container: Container, sim_server: object) -> Iterator[tuple[ConsoleSite, str]]:
    """The app on a socket over an empty store, and an API key."""
    with serve(container, {}) as site:
        yield site, new_api_key(site.container)


def _refused(response: httpx.Response, *codes: int) -> None:
    """A 4xx among ``codes`` whose body does not echo the number sent."""
    assert response.status_code in codes, (response.request.url, response.status_code, response.text)
    assert HUGE not in response.text


def test_api_refuses_integers_past_the_store(served: tuple[ConsoleSite, str]) -> None:
    """A 20-digit conflict id (path), version, bulk id, version map or page: 404/422, no 500."""
    site, key = served
    decide: dict[str, Any] = {"decision": "ambil_siasn", "reason": "SK"}
    with httpx.Client(base_url=site.url, timeout=30, headers={"X-API-Key": key}) as client:
        _refused(client.get(f"/api/v1/konflik/{HUGE}"), 404, 422)
        _refused(client.post(f"/api/v1/konflik/{HUGE}/tugaskan", json={}), 404, 422)
        _refused(client.post(f"/api/v1/konflik/{HUGE}/komentar", json={"text": "x"}), 404, 422)
        _refused(client.post(f"/api/v1/konflik/{HUGE}/keputusan", json=decide), 404, 422)
        _refused(
            client.post(
                "/api/v1/konflik/1/keputusan",
                content=f'{{"decision": "ambil_siasn", "reason": "SK", "version": {HUGE}}}',
                headers={"Content-Type": "application/json"},
            ),
            422,
        )
        _refused(
            client.post(
                "/api/v1/konflik/1/tugaskan",
                content=f'{{"assignee": "a", "version": {HUGE}}}',
                headers={"Content-Type": "application/json"},
            ),
            422,
        )
        _refused(
            client.post(
                "/api/v1/konflik/keputusan",
                content=f'{{"ids": [{HUGE}], "decision": "ambil_siasn", "reason": "SK"}}',
                headers={"Content-Type": "application/json"},
            ),
            422,
        )
        _refused(
            client.post("/api/v1/konflik/keputusan", json={"ids": [1], "versions": {HUGE: 1}, **decide}), 422
        )
        _refused(client.get("/api/v1/konflik", params={"page": HUGE}), 422)
        listed = client.get("/api/v1/konflik", params={"page": "2147483647"})
        assert listed.status_code == 200 and listed.json()["items"] == []


def test_console_refuses_integers_past_the_store(served: tuple[ConsoleSite, str]) -> None:
    """The console answers a 20-digit conflict id or page with a refusal page, not a 500."""
    site, _ = served
    with admin_client(site) as client:
        page = client.get(f"/admin/konflik/{HUGE}")
        _refused(page, 404)
        assert "text/html" in page.headers["content-type"] and "bilangan bulat" in page.text
        token = client.get("/admin/konflik").text.split('name="csrf" value="')[1][:64]
        _refused(
            client.post(
                f"/admin/konflik/{HUGE}/putuskan",
                data={"csrf": token, "versi": "1", "keputusan": "ambil_siasn", "alasan": "SK"},
            ),
            404,
        )
        _refused(
            client.post(
                "/admin/konflik/massal",
                data={"csrf": token, "pilih": f"{HUGE}:1", "keputusan": "ambil_siasn", "alasan": "SK"},
            ),
            422,
        )
        assert client.get("/admin/konflik", params={"hal": HUGE}).status_code == 400


@pytest.mark.parametrize(
    "args",
    [
        ["konflik", "show", HUGE],
        ["konflik", "assign", HUGE, "budi"],
        ["konflik", "comment", HUGE, "cek"],
        ["konflik", "resolve", HUGE, "--keputusan", "ambil_siasn", "--alasan", "SK"],
        ["konflik", "list", "--page", HUGE],
        ["konflik", "assign", "1", "budi", "--version", HUGE],
        ["konflik", "show", "abc"],
    ],
    ids=" ".join,
)
def test_cli_refuses_integers_past_the_store(args: list[str], tmp_path: Any) -> None:
    """Exit 2 with one line in Bahasa Indonesia naming the argument, no traceback, no echo."""
    result = cli(*args, env={"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: "), result.stderr
    assert "bilangan bulat" in lines[0] and HUGE not in lines[0]
    assert "Traceback" not in result.stderr


DEEP = b'{"tahun": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"  # 400 KB, under the 1 MB cap


@pytest.mark.parametrize(
    "method, path",
    [
        ("PUT", "/api/v1/pegawai/198609262015051001/skp"),
        ("PATCH", "/api/v1/pegawai/198609262015051001"),
        ("POST", "/api/v1/unor/A1/klaim-pimpinan"),
        ("POST", "/api/v1/konflik/1/keputusan"),
        ("POST", "/api/v1/konflik/1/tugaskan"),
        ("POST", "/api/v1/konflik/1/komentar"),
        ("POST", "/api/v1/konflik/keputusan"),
        ("POST", "/api/v1/runs/abc/setujui"),
    ],
)
def test_deeply_nested_json_is_refused_before_parsing(
    served: tuple[ConsoleSite, str], method: str, path: str
) -> None:
    """A 400 KB body nesting 200,000 arrays gets 422 in Bahasa Indonesia on every JSON route,
    never a 500 (RecursionError) nor FastAPI's English 400; a shallow body still parses."""
    site, key = served
    with httpx.Client(
        base_url=site.url, timeout=60, headers={"X-API-Key": key, "Content-Type": "application/json"}
    ) as client:
        answer = client.request(method, path, content=DEEP)
        assert answer.status_code == 422, answer.text
        assert answer.json() == {
            "detail": [
                {
                    "lokasi": "body",
                    "pesan": "isi permintaan bersarang terlalu dalam (maksimal 32 tingkat larik/objek JSON)",
                }
            ]
        }
        shallow = client.request(method, path, content=b'{"x": [[1]]}')
        assert shallow.status_code != 500 and "bersarang" not in shallow.text
