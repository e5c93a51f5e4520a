"""Related fields decided together (issue 16.6) through the HTTP API, the CLI and the console
pages, and "tetapkan nilai" reaching the usulan export (issue 13.10), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.api import create_app
from service.container import Container
from service.settings import SiasnSettings
from simulators.dataset import World
from simulators.events import mutasi
from store.models import AuditEntry
from sync.unor.index import unit_index
from tests.console_site import ADMIN, PASSWORD, ConsoleSite, serve
from tests.group_helpers import LOCAL_TMT, Group, raise_golongan_group, raise_removed_unit
from tests.helpers import conflicts, edit, leaf_units, new_api_key, pegawai, sinkron
from tests.konflik_helpers import known_account
from tests.test_access_target_unit import REFUSED, Area, area  # noqa: F401  (the operator's area)
from tests.test_cli import cli, cli_environment

pytestmark = pytest.mark.e2e
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def _statuses(container: Container, nip: str) -> dict[str, str]:
    return {c.field: c.status for c in conflicts(container, nip) if c.status != "superseded"}


def _proposals(container: Container) -> int:
    with container.sessions() as session:
        query = select(func.count()).where(AuditEntry.action == "usul_perbaikan_siasn")
        return int(session.scalar(query) or 0)


@pytest.fixture
def golongan(container: Container, world: World, sim_server: object) -> Group:
    """Open golongan and TMT golongan conflicts of one employee."""
    return raise_golongan_group(container, world)


@pytest.fixture
def site(container: Container, golongan: Group) -> Iterator[ConsoleSite]:
    """The app on a socket over the store holding the group."""
    with serve(container, {}) as served:
        yield served


def test_api_decides_the_group_atomically_and_exports_the_usulan(site: ConsoleSite, golongan: Group) -> None:
    """Deciding the TMT conflict decides golongan too (one transaction, fields listed); an unseen
    or stale member refuses the whole decision with 409; the values set reach the usulan export."""
    key = new_api_key(site.container)
    gol, tmt = golongan.ids["golongan"], golongan.ids["tmt_golongan"]
    value = {"golongan": "III/c", "tmt_golongan": "01-05-2026"}
    with httpx.Client(base_url=site.url, timeout=30, headers={"X-API-Key": key}) as api:
        shown = api.get(f"/api/v1/konflik/{tmt}").json()["group"]
        assert [(m["id"], m["field"], m["version"]) for m in shown] == [
            (gol, "golongan", 1),
            (tmt, "tmt_golongan", 1),
        ]
        half = api.post(
            f"/api/v1/konflik/{tmt}/keputusan",
            json={"decision": "tetapkan_nilai", "reason": "SK KP", "value": "01-05-2026"},
        )
        assert half.status_code == 422 and "(golongan, TMT golongan)" in half.text, half.text
        unseen = api.post(
            f"/api/v1/konflik/{tmt}/keputusan",
            json={"decision": "tetapkan_nilai", "reason": "SK KP", "value": value, "version": 1},
        )
        assert unseen.status_code == 409 and f"konflik {gol} (golongan)" in unseen.text, unseen.text
        known_account(site.container, "operator.bkd")
        api.post(f"/api/v1/konflik/{gol}/tugaskan", json={"assignee": "operator.bkd"})
        stale = api.post(
            f"/api/v1/konflik/{tmt}/keputusan",
            json={
                "decision": "tetapkan_nilai",
                "reason": "SK KP",
                "value": value,
                "versions": {tmt: 1, gol: 1},
            },
        )
        assert stale.status_code == 409 and "ditugaskan kepada operator.bkd" in stale.text, stale.text
        assert _statuses(site.container, golongan.nip) == {"golongan": "assigned", "tmt_golongan": "open"}
        done = api.post(
            f"/api/v1/konflik/{tmt}/keputusan",
            json={
                "decision": "tetapkan_nilai",
                "reason": "SK KP",
                "value": value,
                "versions": {tmt: 1, gol: 2},
            },
        )
        assert done.status_code == 200, done.text
        assert {f["field"]: f["value"] for f in done.json()["fields"]} == {
            "golongan": "III/c",
            "tmt_golongan": "2026-05-01",
        }
        exported = api.get("/api/v1/usulan-perbaikan/ekspor", params={"format": "csv"})
        after = api.get(f"/api/v1/konflik/{gol}").json()
    assert (after["status"], after["decided_value"], after["group"]) == ("resolved", "III/c", [])
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert {(r["field"], r["nilai_usulan"]) for r in rows} == {
        ("golongan", "III/c"),
        ("tmt_golongan", "2026-05-01"),
    }
    assert _proposals(site.container) == 2


def test_api_group_checks_the_unit_member_against_the_area(area: Area, world: World) -> None:  # noqa: F811
    """An operator deciding the jabatan conflict of a mutasi group with a unit of another OPD is
    refused (403, nothing written); with a unit of their own OPD the three fields are decided."""
    nip = area.cast["employee"]
    container = area.site.container
    edit(container, nip, unor_id=area.inside[1], jabatan="Pengadministrasi Umum", tmt_jabatan=LOCAL_TMT)
    mutasi(world, nip, unor_id=area.inside[2], jabatan="Analis Kepegawaian")
    sinkron(container, nip)
    ids = {c.field: c.id for c in conflicts(container, nip) if c.status == "open"}
    assert {"unor_id", "jabatan", "tmt_jabatan"} <= set(ids)
    value = {"unor_id": area.outside[0], "jabatan": "Analis SDM Aparatur", "tmt_jabatan": "01-03-2026"}
    with area.operator() as client:
        refused = client.post(
            f"/api/v1/konflik/{ids['jabatan']}/keputusan",
            json={"decision": "tetapkan_nilai", "reason": "SK mutasi", "value": value},
        )
        assert refused.status_code == 403 and REFUSED in refused.json()["detail"], refused.text
        assert set(_statuses(container, nip).values()) == {"open"}
        done = client.post(
            f"/api/v1/konflik/{ids['jabatan']}/keputusan",
            json={
                "decision": "tetapkan_nilai",
                "reason": "SK mutasi",
                "value": {**value, "unor_id": area.inside[3]},
            },
        )
        assert done.status_code == 200, done.text
    assert sorted(done.json()["decided"]) == sorted(ids.values())
    person = pegawai(container, nip)
    assert person is not None and (person.unor_id, person.jabatan) == (area.inside[3], "Analis SDM Aparatur")


def test_cli_resolve_decides_the_group_and_lists_every_field(
    container: Container, golongan: Group, siasn_settings: SiasnSettings, tmp_path: Path
) -> None:
    """``konflik resolve ID`` decides the group and prints one line per field; values for a group
    are given as FIELD=NILAI, and a lone value for a group is refused with exit 2."""
    env = {
        **cli_environment(siasn_settings, tmp_path),
        "EKINERJA_DATABASE_URL": container.settings.database_url,
        "EKINERJA_OPERATOR": "admin BKD",
    }
    gol = str(golongan.ids["golongan"])
    shown = cli("konflik", "show", gol, env=env)
    assert shown.returncode == 0, shown.stderr
    assert f"diputuskan bersama (satu keputusan untuk semua): {gol} (golongan, versi 1), " in shown.stdout
    base = ["konflik", "resolve", gol, "--keputusan", "tetapkan_nilai", "--alasan", "SK KP"]
    lone = cli(*base, "--nilai", "III/c", env=env)
    assert lone.returncode == 2 and "setiap field" in lone.stderr, lone.stderr
    done = cli(*base, "--nilai", "golongan=III/c", "--nilai", "tmt_golongan=01-05-2026", env=env)
    assert done.returncode == 0, done.stderr
    assert "2 konflik diputuskan" in done.stdout
    assert f"konflik {gol}: golongan = III/c" in done.stdout
    assert f"konflik {golongan.ids['tmt_golongan']}: TMT golongan = 2026-05-01" in done.stdout
    assert _statuses(container, golongan.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}
    assert _proposals(container) == 2


def test_console_shows_the_group_and_decides_it_with_one_form(container: Container, golongan: Group) -> None:
    """The list links the two conflicts; the detail page shows both fields side by side with a
    value input each and the member's version; one submit decides both (TestClient)."""
    gol, tmt = golongan.ids["golongan"], golongan.ids["tmt_golongan"]
    with serve(container, {}) as site, TestClient(create_app(site.container)) as client:
        login = client.post("/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/admin/"})
        assert login.status_code in (200, 303), login.text
        listing = client.get("/admin/konflik")
        assert f'id="bersama-{gol}"' in listing.text and f'value="{gol}:1;{tmt}:1"' in listing.text
        page = client.get(f"/admin/konflik/{gol}")
        assert 'id="kelompok"' in page.text and f'name="versi-{tmt}" value="1"' in page.text
        assert 'name="nilai:golongan"' in page.text and 'name="nilai:tmt_golongan"' in page.text
        form = {
            "csrf": TOKEN.findall(page.text)[0],
            "versi": "1",
            f"versi-{tmt}": "1",
            "keputusan": "ambil_siasn",
            "alasan": "SK KP terbit",
        }
        done = client.post(f"/admin/konflik/{gol}/putuskan", data=form, follow_redirects=False)
        assert done.status_code == 303, done.text
        after = client.get(f"/admin/konflik/{tmt}")
        assert 'id="kelompok"' not in after.text and "bersama konflik" in after.text
    assert _statuses(container, golongan.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}
    person = pegawai(container, golongan.nip)
    assert person is not None and person.golongan == golongan.remote["golongan"]


def test_console_removed_unit_takes_a_unit_typed_by_name(
    container: Container, world: World, sim_server: object
) -> None:
    """A removed-unit conflict offers the unit picker; the unit's path typed without a script
    is resolved to that unit, decided, and listed as an usulan perbaikan (TestClient)."""
    nip, gone = raise_removed_unit(container, world)
    [cid] = [c.id for c in conflicts(container, nip) if c.status == "open"]
    target = leaf_units(world, gone)[0]
    with container.sessions() as session:
        ref = unit_index(session).ref(target)
    assert ref is not None
    with serve(container, {}) as site, TestClient(create_app(site.container)) as client:
        login = client.post("/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/admin/"})
        assert login.status_code in (200, 303), login.text
        page = client.get(f"/admin/konflik/{cid}")
        assert 'name="nilai_cari"' in page.text and "data-picker" in page.text
        form = {
            "csrf": TOKEN.findall(page.text)[0],
            "versi": "1",
            "keputusan": "tetapkan_nilai",
            "alasan": "unit lama digabung",
            "nilai": "",
        }
        vague = client.post(f"/admin/konflik/{cid}/putuskan", data={**form, "nilai_cari": "zzzz tidak ada"})
        assert vague.status_code == 422 and "pilih satu unit dari daftar" in vague.text
        done = client.post(
            f"/admin/konflik/{cid}/putuskan", data={**form, "nilai_cari": ref.label}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        usulan = client.get("/admin/usulan-perbaikan")
    person = pegawai(container, nip)
    assert person is not None and person.unor_id == target
    assert usulan.status_code == 200 and ref.nama in usulan.text


def test_console_bulk_tick_of_a_group_row_decides_the_group(container: Container, golongan: Group) -> None:
    """Ticking the golongan row in the list sends both members' versions; the bulk decision
    decides golongan and TMT golongan together (TestClient)."""
    gol = golongan.ids["golongan"]
    with serve(container, {}) as site, TestClient(create_app(site.container)) as client:
        client.post("/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/admin/"})
        listing = client.get("/admin/konflik")
        ticked = re.search(rf'name="pilih" value="([0-9:;]+)" id="pilih-{gol}"', listing.text)
        assert ticked is not None
        done = client.post(
            "/admin/konflik/massal",
            data={
                "csrf": TOKEN.findall(listing.text)[0],
                "pilih": [ticked.group(1)],
                "cakupan": "pilihan",
                "keputusan": "pertahankan_lokal",
                "alasan": "SK lokal benar",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
    assert _statuses(container, golongan.nip) == {"golongan": "resolved", "tmt_golongan": "resolved"}
    assert _proposals(container) == 2
