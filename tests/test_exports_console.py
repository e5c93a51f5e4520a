"""The console's konflik and usulan exports over real HTTP (issues 13.4, 13.9, 16.10): a SIASN
name with control characters never fails an export, CSV holds no raw control character, times
are the console's clock (WIB) with an offset in CSV and date cells in XLSX."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import Conflict, Pegawai
from sync import clock
from tests.console_site import ConsoleSite, admin_client, serve
from tests.konflik_helpers import Raised, raise_unit_conflicts

pytestmark = pytest.mark.e2e
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
VERSION = re.compile(r'name="versi" value="(\d+)"')
ESC_NAME = "\x1b[31mBudi\x07 Santoso\x7f\x85"  # as SIASN may send it (no NUL)
FORMULA_NAME = '=HYPERLINK("http://x","klik")'
RAW_CONTROLS = "\x1b\x07\x7f\x85"
JAKARTA = clock.zone("Asia/Jakarta")


@pytest.fixture
def raised(container: Container, world: World, sim_server: object) -> list[Raised]:
    """Two unit conflicts raised through Sinkron SIASN, their people renamed as SIASN might."""
    found = raise_unit_conflicts(container, world, 2)
    with transaction(container.sessions) as session:
        for item, name in zip(found, (ESC_NAME, FORMULA_NAME), strict=True):
            person = session.scalar(select(Pegawai).where(Pegawai.nip == item.nip))
            assert person is not None
            person.nama = name
    return found


@pytest.fixture
def site(container: Container, raised: list[Raised]) -> Iterator[ConsoleSite]:
    """The app on a socket over the store holding the conflicts."""
    with serve(container, {}) as served:
        yield served


def _keep_local(client: httpx.Client, cid: int) -> None:
    page = client.get(f"/admin/konflik/{cid}").text
    token, version = TOKEN.findall(page)[0], VERSION.search(page)
    data = {"csrf": token, "versi": version.group(1) if version else "1"}
    done = client.post(
        f"/admin/konflik/{cid}/putuskan",
        data={**data, "keputusan": "pertahankan_lokal", "alasan": "SK lokal benar"},
    )
    assert done.status_code == 303, done.text


def _sheet(body: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(body)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    assert not any(ch in text for ch in RAW_CONTROLS)
    return list(csv.DictReader(io.StringIO(text)))


def test_konflik_exports_survive_control_characters_and_use_one_clock(
    site: ConsoleSite, raised: list[Raised]
) -> None:
    """XLSX answers 200 with the ESC name escaped and the opening time as a WIB date cell; the
    CSV holds no raw control character and the same instant as ISO 8601 +07:00; the list page
    shows that very time and the name escaped; the formula-looking name stays neutralised in
    both files."""
    with site.container.sessions() as session:
        opened = {c.id: c.opened_at for c in session.scalars(select(Conflict))}
    with admin_client(site) as client:
        xlsx = client.get("/admin/konflik/ekspor.xlsx", params={"field": "unor_id"})
        text = client.get("/admin/konflik/ekspor.csv", params={"field": "unor_id"})
        listed = client.get("/admin/konflik", params={"field": "unor_id"}).text
    assert xlsx.status_code == 200 and text.status_code == 200
    rows = {r["nip"]: r for r in _rows(text)}
    esc, formula = rows[raised[0].nip], rows[raised[1].nip]
    assert esc["nama"] == "\\x1b[31mBudi\\x07 Santoso\\x7f\\x85" and formula["nama"].startswith("'=")
    when = opened[raised[0].conflict_id]
    assert esc["dibuka"] == clock.iso(when, JAKARTA) and esc["dibuka"].endswith("+07:00")
    assert clock.shown(esc["dibuka"], JAKARTA) in listed
    assert "\\x1b[31mBudi\\x07 Santoso" in listed and not any(ch in listed for ch in RAW_CONTROLS)
    sheet = _sheet(xlsx.content)
    assert [c.value for c in sheet[1]][:3] == ["ID konflik", "NIP", "Nama"]
    by_nip = {r[1].value: r for r in sheet.iter_rows(min_row=2)}
    assert by_nip[raised[0].nip][2].value == esc["nama"]
    assert str(by_nip[raised[1].nip][2].value).startswith("'=")
    opened_cell = by_nip[raised[0].nip][9]
    assert isinstance(opened_cell, Cell) and opened_cell.is_date
    assert opened_cell.value == clock.wall(when, JAKARTA)
    assert by_nip[raised[0].nip][1].data_type == "s"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_usulan_exports_survive_control_characters(site: ConsoleSite, raised: list[Raised]) -> None:
    """A kept local value of the person with the ESC name becomes an usulan; its XLSX answers 200
    with labels and a WIB date cell, its CSV holds no raw control character and an offset."""
    with admin_client(site) as client:
        _keep_local(client, raised[0].conflict_id)
        xlsx = client.get("/admin/usulan-perbaikan/ekspor.xlsx")
        text = client.get("/admin/usulan-perbaikan/ekspor.csv")
    assert xlsx.status_code == 200 and text.status_code == 200
    [row] = [r for r in _rows(text) if r["nip"] == raised[0].nip]
    assert row["nama"] == "\\x1b[31mBudi\\x07 Santoso\\x7f\\x85"
    assert row["diputuskan_pada"].endswith("+07:00")
    sheet = _sheet(xlsx.content)
    header = [c.value for c in sheet[1]]
    assert "NIP" in header and "nip" not in header and "Diputuskan pada" in header
    [line] = [r for r in sheet.iter_rows(min_row=2) if r[header.index("NIP")].value == raised[0].nip]
    decided = line[header.index("Diputuskan pada")]
    assert (
        isinstance(decided, Cell)
        and decided.is_date
        and decided.value == clock.wall(row["diputuskan_pada"], JAKARTA)
    )
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
