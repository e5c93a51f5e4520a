"""Guru (PMM) after a real recap import: a refused row names its teacher, school, period and
file; rules read as labels; a duplicate row is a note that holds no SKP; a mangled NIP is shown
as text with a search by name, never a link to a 400 or 404 page."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from service.container import Container
from simulators.dataset import World
from simulators.pmm_data import initial_results
from simulators.recap import recap_csv
from store.models_skp import PmmProblem
from sync.pmm.file_source import import_file
from tests.console_site import admin_client, serve
from tests.pmm_jobs_helpers import stocked

__all__ = ["stocked"]  # fixture
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _problems(container: Container, rule: str) -> list[PmmProblem]:
    with container.sessions() as session:
        return list(
            session.scalars(select(PmmProblem).where(PmmProblem.rule == rule, PmmProblem.status == "open"))
        )


def test_recap_problems_read_with_names_files_and_labels(
    stocked: Container, world: World, tmp_path: Path
) -> None:
    """Import a recap with two mangled NIPs and a duplicate row, then read the Guru page."""
    path = tmp_path / "rekap-sd-2025.csv"
    path.write_bytes(recap_csv(list(initial_results(world).values()), count=8).content)
    import_file(stocked.sessions, path)
    mangled, duplicate = _problems(stocked, "nip_rusak"), _problems(stocked, "baris_ganda")
    assert len(mangled) == 2 and len(duplicate) == 1
    assert all(p.nama and p.periode and p.satuan_pendidikan for p in mangled + duplicate)
    with serve(stocked, {}) as site, admin_client(site) as client:
        page = client.get("/admin/guru")
        profile = client.get(f"/admin/pegawai/{duplicate[0].nip}")
        links = re.findall(r'href="(/admin/pegawai/[^"?]+)"', page.text)
        opened = [client.get(link).status_code for link in links]
    assert page.status_code == 200
    for problem in mangled:
        assert f'/admin/pegawai/{problem.nip}"' not in page.text
        assert problem.nama and problem.nama in page.text
    assert opened and set(opened) == {200}  # every teacher link opens a profile
    assert "rekap-sd-2025.csv" in page.text and "NIP rusak oleh Excel" in page.text
    row = page.text.split('class="masalah catatan"', 1)[1].split("</tr>", 1)[0]
    assert "baris ganda di berkas" in row and "tidak menahan SKP" in row
    options = re.findall(
        r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>',
        page.text.split('id="g-aturan"', 1)[1].split("</select>", 1)[0],
    )
    assert options and all(code != label for code, label in options)
    assert 'id="skp-catatan"' in profile.text
    blocking = (
        profile.text.split('id="skp-masalah"', 1)[-1].split("</ul>", 1)[0]
        if 'id="skp-masalah"' in profile.text
        else ""
    )
    assert 'data-aturan="baris_ganda"' not in blocking
    assert profile.status_code == httpx.codes.OK
