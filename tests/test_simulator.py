"""The simulated SIASN is faithful: deterministic data, real validation of tokens and headers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from mappings.nip import check_nip
from mappings.pegawai import normalize_gender
from simulators.dataset import bup_date, generate_world
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator


def test_world_is_deterministic_for_a_seed() -> None:
    """The same seed gives the same province; another seed a different one."""
    a, b, c = generate_world(5, 300), generate_world(5, 300), generate_world(6, 300)
    assert list(a.pegawai) == list(b.pegawai) and list(a.units) == list(b.units)
    assert list(a.pegawai) != list(c.pegawai)


def test_generated_people_are_plausible() -> None:
    """Valid unique NIPs matching birth date/gender/TMT; ranks fit education and age; heads
    hold their unit's eselon; schools have teachers; some PPPK; some vacant posts."""
    world = generate_world(3, 1500)
    assert len(world.pegawai) == 1500
    for person in world.pegawai.values():
        assert (
            check_nip(
                person.nip,
                tanggal_lahir=person.tgl_lahir,
                jenis_kelamin=normalize_gender(person.jenis_kelamin),
                tmt_cpns=person.tmt_cpns,
                pppk=person.pppk,
            )
            == []
        )
        age = (world.today - person.tgl_lahir).days // 365
        assert age >= 18 and bup_date(person) > world.today  # under the BUP of their post
        if person.golongan_id and person.pendidikan == "SMA" and person.eselon_id is None:
            assert person.golongan_id <= 32
    heads = [world.by_pns_id(u.pemimpin_pns_id) for u in world.units.values() if u.pemimpin_pns_id]
    assert all(h is not None and (h.eselon_id is None or h.eselon_id >= 21) for h in heads)
    kinds = Counter(p.jabatan_nama.split()[0] for p in world.pegawai.values())
    assert kinds["Guru"] > 300
    assert 0 < sum(p.pppk for p in world.pegawai.values()) < 400
    assert any(u.pemimpin_pns_id is None and u.parent_id for u in world.units.values())


@pytest.fixture
def served() -> Iterator[tuple[SiasnSimulator, str]]:
    """A small simulator on a socket (yielded with its URL)."""
    sim = SiasnSimulator(generate_world(2, 40))
    server = ServerThread(sim.app()).start()
    yield sim, server.url
    server.stop()


def _apim(url: str, sim: SiasnSimulator) -> str:
    creds = sim.credentials
    response = httpx.post(
        f"{url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(creds.consumer_key, creds.consumer_secret),
    )
    assert response.status_code == 200 and response.json()["expires_in"] == 3600
    return str(response.json()["access_token"])


def test_token_endpoints_refuse_bad_credentials(served: tuple[SiasnSimulator, str]) -> None:
    """Wrong consumer secret: 401 invalid_client; wrong password: 401 invalid_grant."""
    sim, url = served
    bad = httpx.post(
        f"{url}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(sim.credentials.consumer_key, "wrong"),
    )
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    sso = httpx.post(
        f"{url}/auth/realms/public-siasn/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": sim.credentials.sso_client_id,
            "username": sim.credentials.sso_username,
            "password": "wrong",
        },
    )
    assert sso.status_code == 401 and sso.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid user credentials",
    }


def test_api_checks_both_headers(served: tuple[SiasnSimulator, str]) -> None:
    """Missing, swapped, expired and foreign tokens get SIASN's own refusals."""
    sim, url = served
    apim, sso = _apim(url, sim), sim.issue_sso_token()
    nip = next(iter(sim.world.pegawai))
    path = f"{url}/apisiasn/1.0/pns/data-utama/{nip}"

    def get(authorization: str, auth: str) -> httpx.Response:
        return httpx.get(path, headers={"Authorization": authorization, "Auth": auth})

    ok = get(f"Bearer {apim}", f"bearer {sso}")
    assert ok.status_code == 200 and ok.json()["code"] == 1
    assert ok.json()["data"]["nipBaru"] == nip
    swapped = get(f"Bearer {sso}", f"bearer {apim}")
    assert swapped.status_code == 401 and swapped.json()["message"] == "Invalid Credentials"
    missing = httpx.get(path, headers={"Authorization": f"Bearer {apim}"})
    assert missing.json()["message"] == "invalid or expired jwt"
    expired = get(f"Bearer {apim}", f"bearer {sim.issue_sso_token(lifetime=-5)}")
    assert expired.json()["message"] == "invalid or expired jwt"
    foreign = get(f"Bearer {apim}", f"bearer {sim.issue_sso_token('199001012015031999')}")
    assert foreign.json()["data"] == "Token SSO mismatch"
    unknown = get(f"Bearer {apim}", f"bearer {sso}").url.copy_with(
        path="/apisiasn/1.0/pns/data-utama/199001012015031999"
    )
    gone = httpx.get(unknown, headers={"Authorization": f"Bearer {apim}", "Auth": f"bearer {sso}"})
    assert gone.status_code == 404 and gone.json() == {"code": 0, "data": "Data tidak ditemukan"}


def test_payload_has_siasn_quirks(served: tuple[SiasnSimulator, str]) -> None:
    """dd-mm-yyyy dates, numbers as strings, Y-m-d H:i:s taspen date, PascalCase ref-unor."""
    sim, url = served
    headers = {"Authorization": f"Bearer {_apim(url, sim)}", "Auth": f"bearer {sim.issue_sso_token()}"}
    nip = next(iter(sim.world.pegawai))
    data = httpx.get(f"{url}/apisiasn/1.0/pns/data-utama/{nip}", headers=headers).json()["data"]
    assert date.fromisoformat("-".join(reversed(data["tglLahir"].split("-"))))
    assert isinstance(data["mkTahun"], str) and data["tanggal_taspen"].endswith("00:00:00")
    units = httpx.get(f"{url}/apisiasn/1.0/referensi/ref-unor?limit=5&offset=0", headers=headers).json()[
        "data"
    ]
    assert len(units) == 5 and {"Id", "DiatasanId", "PemimpinPnsId"} <= set(units[0])
    assert units[0]["DiatasanId"] == ""
