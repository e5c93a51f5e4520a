"""The HTTP API through real HTTP requests: Sinkron SIASN and the audited Edit Profil path."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from service.api import create_app
from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.models import AuditEntry
from tests.helpers import (
    audit_actions,
    count_rows,
    leaf_units,
    load_units,
    new_api_key,
    pegawai,
    staff_nip,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def api(container: Container) -> Iterator[httpx.Client]:
    """The ekinerja-sync API served on a loopback socket, with a client."""
    load_units(container)
    headers = {"X-API-Key": new_api_key(container)}
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, timeout=10, headers=headers) as client,
    ):
        yield client


def test_sinkron_endpoint_creates_then_confirms(api: httpx.Client, world: World) -> None:
    """POST sinkron-siasn returns the outcome object; a second call confirms."""
    nip = staff_nip(world)
    first = api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
    assert first.status_code == 200
    body = first.json()
    assert body["status"] == "created" and body["nip"] == nip
    assert set(body) >= {"pegawai", "applied", "conflicts", "warnings", "atasan"}
    again = api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn").json()
    assert again["status"] == "confirmed"


def test_sinkron_endpoint_conflict_then_visible_on_get(api: httpx.Client, world: World) -> None:
    """A conflicting local edit and mutasi give status conflict, visible on GET."""
    nip = staff_nip(world)
    api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
    local_unit, remote_unit = leaf_units(world, world.pegawai[nip].unor_id)[:2]
    patch = api.patch(
        f"/api/v1/pegawai/{nip}",
        json={"changes": {"unor_id": local_unit}, "actor": "operator.bkd", "reason": "SK mutasi lokal"},
    )
    assert patch.status_code == 200, patch.text
    mutasi(world, nip, unor_id=remote_unit)
    body = api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn").json()
    assert body["status"] == "conflict"
    assert body["conflicts"][0]["remote"] == remote_unit
    profile = api.get(f"/api/v1/pegawai/{nip}").json()
    assert profile["pegawai"]["unor_id"] == local_unit
    assert profile["conflicts"][0]["field"] == "unor_id"


def test_sinkron_endpoint_not_found_and_failed_codes(
    api: httpx.Client, world: World, sim: SiasnSimulator
) -> None:
    """not_found answers 404 and failed 502, each with the outcome object and a reason."""
    missing = api.post("/api/v1/pegawai/199001012020011999/sinkron-siasn")
    assert missing.status_code == 404 and missing.json()["status"] == "not_found"
    sim.faults.script(*["503"] * 10, path="data-utama")
    failed = api.post(f"/api/v1/pegawai/{staff_nip(world)}/sinkron-siasn")
    assert failed.status_code == 502
    assert failed.json()["status"] == "failed" and failed.json()["reason"]


def test_invalid_nip_is_422(api: httpx.Client) -> None:
    """A NIP that is not 18 digits is refused before any upstream call."""
    response = api.post("/api/v1/pegawai/12345/sinkron-siasn")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"lokasi": "path.nip", "pesan": "NIP harus 18 digit angka 0-9 (spasi boleh)"}
    ]


def test_patch_is_audited_with_who_and_why(api: httpx.Client, container: Container, world: World) -> None:
    """A local edit changes the field and leaves an audit entry with actor and reason."""
    nip = staff_nip(world)
    api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
    response = api.patch(
        f"/api/v1/pegawai/{nip}",
        json={
            "changes": {"no_hp": "081200000000", "golongan": "3c"},
            "actor": "ani.bkd",
            "reason": "pembaruan berkas",
        },
    )
    assert response.status_code == 200
    changed = {c["field"]: c["new"] for c in response.json()["changed"]}
    assert changed == {"no_hp": "081200000000", "golongan": "III/c"}
    stored = pegawai(container, nip)
    assert stored is not None and stored.pangkat == "Penata"
    assert ("edit_lokal", "no_hp") in audit_actions(container, nip)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"changes": {"nama": "X"}, "actor": "a", "reason": "r"}, "milik SIASN"),
        ({"changes": {"warna": "X"}, "actor": "a", "reason": "r"}, "kolom tidak dikenal"),
        ({"changes": {"golongan": "VI/z"}, "actor": "a", "reason": "r"}, "bukan golongan"),
        ({"changes": {"unor_id": "NOPE"}, "actor": "a", "reason": "r"}, "bukan unit aktif"),
        ({"changes": {"tmt_jabatan": "31-02-2024"}, "actor": "a", "reason": "r"}, "bukan tanggal"),
        ({"changes": {"no_hp": "1"}, "actor": "a", "reason": ""}, "reason"),
    ],
)
def test_patch_refuses_bad_input_and_writes_nothing(
    api: httpx.Client, container: Container, world: World, body: dict[str, object], message: str
) -> None:
    """Each bad edit is refused with 422 naming the problem; no field or audit row changes."""
    nip = staff_nip(world)
    api.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
    before = count_rows(container, AuditEntry)
    response = api.patch(f"/api/v1/pegawai/{nip}", json=body)
    assert response.status_code == 422
    assert message in response.text
    assert count_rows(container, AuditEntry) == before


def test_unknown_pegawai_is_404(api: httpx.Client) -> None:
    """Reading or editing an employee the store does not have is 404."""
    assert api.get("/api/v1/pegawai/199001012020011999").status_code == 404
    response = api.patch(
        "/api/v1/pegawai/199001012020011999", json={"changes": {"no_hp": "1"}, "actor": "a", "reason": "r"}
    )
    assert response.status_code == 404


def test_login_without_myasn_client_offers_only_local_accounts(api: httpx.Client) -> None:
    """No EKINERJA_MYASN__CLIENT_ID: /login says so, /login/myasn answers 503, / goes to /login."""
    page = api.get("/login")
    assert page.status_code == 200 and "belum dikonfigurasi" in page.text
    assert 'id="masuk-lokal"' in page.text and "masuk-myasn" not in page.text
    assert api.get("/login/myasn").status_code == 503
    home = api.get("/", headers={"X-API-Key": ""})
    assert home.status_code == 303 and home.headers["location"] == "/login"
