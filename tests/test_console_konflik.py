"""The konflik pages over real HTTP: list, filter, detail, decide, stale and superseded refusals,
bulk decisions over the filtered set, CSRF and origin checks, operator scope, CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from html import escape

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from store.db import transaction
from store.models import AuditEntry, Conflict, Pegawai
from sync.access.rules import unit_path
from sync.unit_index import unit_index
from tests.console_site import ConsoleSite, admin_client, serve
from tests.helpers import leaf_units, sinkron, staff_nip
from tests.konflik_helpers import Raised, known_account, raise_unit_conflicts

pytestmark = pytest.mark.e2e
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
VERSION = re.compile(r'name="versi" value="(\d+)"')


@pytest.fixture
def raised(container: Container, world: World, sim_server: object) -> list[Raised]:
    """Three unit conflicts raised through Sinkron SIASN."""
    return raise_unit_conflicts(container, world, 3)


@pytest.fixture
def site(container: Container, raised: list[Raised]) -> Iterator[ConsoleSite]:
    """The app on a socket over the store holding the conflicts."""
    with serve(container, {}) as served:
        yield served


def _form(client: httpx.Client, path: str) -> tuple[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.text
    version = VERSION.search(page.text)
    return TOKEN.findall(page.text)[0], version.group(1) if version else ""


def _decide(client: httpx.Client, cid: int, token: str, version: str, **extra: str) -> httpx.Response:
    data = {"csrf": token, "versi": version, "keputusan": "ambil_siasn", "alasan": "SK mutasi"}
    return client.post(f"/admin/konflik/{cid}/putuskan", data={**data, **extra})


def _status(site: ConsoleSite, cid: int) -> str:
    with site.container.sessions() as session:
        row = session.get(Conflict, cid)
        assert row is not None
        return row.status


def test_decide_one_conflict_from_its_page(site: ConsoleSite, raised: list[Raised]) -> None:
    """The list filters by field; the detail shows the values; a decision is applied and audited."""
    cid = raised[0].conflict_id
    with admin_client(site) as client:
        beranda = client.get("/admin/").text
        field_row = re.search(r'field=unor_id">unit kerja</a></td><td class="num">(\d+)', beranda)
        assert field_row and field_row.group(1) == "3"
        listed = client.get("/admin/konflik", params={"field": "unor_id", "urut": "-dibuka"})
        assert all(f'id="konflik-{r.conflict_id}"' in listed.text for r in raised)
        token, version = _form(client, f"/admin/konflik/{cid}")
        page = client.get(f"/admin/konflik/{cid}").text
        assert raised[0].remote_unit in page and 'class="beda"' in page
        refused = _decide(client, cid, token, version, alasan="  ")
        assert refused.status_code == 422 and "alasan" in refused.text
        done = _decide(client, cid, token, version)
        assert done.status_code == 303 and done.headers["location"].endswith("pesan=diputuskan")
        after = client.get(done.headers["location"]).text
        assert "Keputusan tersimpan" in after and "SK mutasi" in after
        again = _decide(client, cid, token, str(int(version) + 1))
        assert again.status_code == 409 and "sudah diputuskan" in again.text
    assert _status(site, cid) == "resolved"
    with site.container.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.pegawai_nip == raised[0].nip)
        ).all()
    assert "konflik_ambil_siasn" in actions


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_stale_and_superseded_decisions_are_refused(
    site: ConsoleSite, raised: list[Raised], world: World
) -> None:
    """A page shown before an assignment is refused saying what changed; a superseded one too."""
    cid = raised[1].conflict_id
    known_account(site.container, "operator.bkd")
    with admin_client(site) as client:
        token, version = _form(client, f"/admin/konflik/{cid}")
        assigned = client.post(
            f"/admin/konflik/{cid}/tugaskan",
            data={"csrf": token, "versi": version, "penerima": "operator.bkd"},
        )
        assert assigned.status_code == 303
        said = client.post(
            f"/admin/konflik/{cid}/komentar", data={"csrf": token, "komentar": "<img src=x> cek SK"}
        )
        assert said.status_code == 303
        page = client.get(said.headers["location"]).text
        assert "&lt;img src=x&gt; cek SK" in page and "<img src=x>" not in page
        stale = _decide(client, cid, token, version)
        assert stale.status_code == 409
        assert "berubah sejak ditampilkan" in stale.text and "operator.bkd" in stale.text
        old = raised[2]
        third = next(u for u in leaf_units(world, old.remote_unit) if u != old.local_unit)
        mutasi(world, old.nip, unor_id=third)
        sinkron(site.container, old.nip)
        token, version = _form(client, f"/admin/konflik/{old.conflict_id}")
        superseded = _decide(client, old.conflict_id, token, version or "1")
        assert superseded.status_code == 409 and "digantikan" in superseded.text
    assert _status(site, cid) == "assigned" and _status(site, old.conflict_id) == "superseded"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_forged_token_and_foreign_origin_are_refused(site: ConsoleSite, raised: list[Raised]) -> None:
    """A POST without this session's token, or from another site, changes nothing."""
    cid = raised[0].conflict_id
    with admin_client(site) as client:
        _, version = _form(client, f"/admin/konflik/{cid}")
        for token in ("", "0" * 64, site_token_of_other_session(site)):
            refused = _decide(client, cid, token, version)
            assert refused.status_code == 403 and "token keamanan" in refused.text
        real, _ = _form(client, f"/admin/konflik/{cid}")
        foreign = client.post(
            f"/admin/konflik/{cid}/putuskan",
            headers={"Origin": "https://jahat.example"},
            data={"csrf": real, "versi": version, "keputusan": "ambil_siasn", "alasan": "x"},
        )
        assert foreign.status_code == 403 and "Origin tidak cocok" in foreign.text
    anonymous = httpx.post(
        f"{site.url}/admin/konflik/{cid}/putuskan",
        timeout=20,
        data={"csrf": real, "versi": version, "keputusan": "ambil_siasn", "alasan": "x"},
    )
    assert anonymous.status_code == 401
    assert _status(site, cid) == "open"


def site_token_of_other_session(site: ConsoleSite) -> str:
    """A valid form token, but of another admin session."""
    with admin_client(site) as other:
        return _form(other, "/admin/konflik")[0]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_operator_of_another_unit_sees_and_decides_nothing(
    site: ConsoleSite, world: World, raised: list[Raised]
) -> None:
    """An operator whose area holds none of the conflicts gets an empty list and 404 on detail."""
    with site.container.sessions() as session:
        touched = {u for r in raised for u in unit_path(session, r.local_unit)}
    outsider = next(
        nip
        for i in range(40)
        if (nip := staff_nip(world, i))
        and world.pegawai[nip].unor_id not in touched
        and nip not in {r.nip for r in raised}
    )
    sinkron(site.container, outsider)
    sid = site.session_for(outsider)
    with httpx.Client(base_url=site.url, cookies={"ekinerja_sesi": sid}, timeout=20) as client:
        listed = client.get("/admin/konflik")
        assert listed.status_code == 200 and "0 konflik" in listed.text
        assert client.get(f"/admin/konflik/{raised[0].conflict_id}").status_code == 404
        token = TOKEN.findall(listed.text)[0]
        refused = _decide(client, raised[0].conflict_id, token, "1")
        assert refused.status_code == 404
    assert _status(site, raised[0].conflict_id) == "open"


def test_bulk_decision_over_the_filtered_set(site: ConsoleSite, raised: list[Raised]) -> None:
    """Select-all-filtered decides every match with the reason; a changed set is refused."""
    with admin_client(site) as client:
        token, _ = _form(client, "/admin/konflik")
        base = {
            "csrf": token,
            "field": "unor_id",
            "cakupan": "tersaring",
            "keputusan": "pertahankan_lokal",
            "alasan": "SK lokal benar",
        }
        changed = client.post("/admin/konflik/massal", data={**base, "jumlah": "2"})
        assert changed.status_code == 409 and "tadi 2 konflik, sekarang 3" in changed.text
        no_reason = client.post("/admin/konflik/massal", data={**base, "jumlah": "3", "alasan": ""})
        assert no_reason.status_code == 422
        done = client.post("/admin/konflik/massal", data={**base, "jumlah": "3"})
        assert done.status_code == 303, done.text
        usulan = client.get("/admin/usulan-perbaikan").text
        assert all(r.nip in usulan for r in raised)
        with site.container.sessions() as session:  # units by their path, not their id
            paths = [unit_index(session).label(r.local_unit) or "" for r in raised]
        assert all(escape(p) in usulan and " › " in p for p in paths)
        assert not any(f"({r.local_unit})" in usulan for r in raised)
        sheet = load_workbook(io.BytesIO(client.get("/admin/usulan-perbaikan/ekspor.xlsx").content)).active
        assert sheet is not None and sheet.max_row == 1 + len(raised)
    assert {_status(site, r.conflict_id) for r in raised} == {"resolved"}


def test_exports_are_what_is_filtered_and_formula_safe(site: ConsoleSite, raised: list[Raised]) -> None:
    """CSV and XLSX hold the filtered conflicts; a name starting with '=' stays text."""
    with transaction(site.container.sessions) as session:
        person = session.scalar(select(Pegawai).where(Pegawai.nip == raised[0].nip))
        assert person is not None
        person.nama = '=HYPERLINK("http://x","klik")'
    with admin_client(site) as client:
        text = client.get("/admin/konflik/ekspor.csv", params={"q": raised[0].nip})
        assert text.status_code == 200 and "attachment" in text.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
        assert [r["nip"] for r in rows] == [raised[0].nip]
        assert rows[0]["nama"].startswith("'=")
        book = client.get("/admin/konflik/ekspor.xlsx", params={"field": "unor_id"})
        sheet = load_workbook(io.BytesIO(book.content)).active
        assert sheet is not None
        values = list(sheet.iter_rows(values_only=True))
        assert len(values) == 1 + len(raised)
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        assert client.get("/admin/konflik/ekspor.exe").status_code == 404
        assert client.get("/admin/konflik", params={"umur": "abc"}).status_code == 400
        assert client.get("/admin/konflik", params={"status": "x"}).status_code == 422


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_employee_reads_own_conflicts_only(site: ConsoleSite, raised: list[Raised]) -> None:
    """An employee sees their own open conflict without decision forms and cannot decide it."""
    mine, other = raised[0], raised[1]
    sid = site.session_for(mine.nip, roles=())
    with httpx.Client(base_url=site.url, cookies={"ekinerja_sesi": sid}, timeout=20) as client:
        listed = client.get("/admin/konflik")
        assert f'id="konflik-{mine.conflict_id}"' in listed.text
        assert f'id="konflik-{other.conflict_id}"' not in listed.text
        page = client.get(f"/admin/konflik/{mine.conflict_id}")
        assert page.status_code == 200 and "form-putuskan" not in page.text
        token = TOKEN.findall(listed.text)[0]
        refused = _decide(client, mine.conflict_id, token, "1")
        assert refused.status_code == 403
        assert client.get("/admin/runs").status_code == 403
        assert client.get(f"/admin/konflik/{other.conflict_id}").status_code == 404
    assert _status(site, mine.conflict_id) == "open"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_list_pages_and_sorts(site: ConsoleSite, raised: list[Raised]) -> None:
    """One per page walks all three conflicts; sorting by NIP orders the rows by NIP."""
    with admin_client(site) as client:
        seen = []
        for page_no in (1, 2, 3):
            page = client.get("/admin/konflik", params={"per": 1, "hal": page_no, "urut": "nip"})
            assert f"Halaman {page_no} dari 3" in page.text
            assert ('id="hal-berikut"' in page.text) == (page_no < 3)
            seen += re.findall(r'id="konflik-(\d+)"', page.text)
        by_nip = sorted(raised, key=lambda r: r.nip)
        assert seen == [str(r.conflict_id) for r in by_nip]
        assert client.get("/admin/konflik", params={"urut": "gaji"}).status_code == 422
