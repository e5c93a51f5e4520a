"""The Guru (PMM) console page over real HTTP, with problems produced by the real PMM feed
against the simulators: by school, filters, the caller's area, data as text, exports."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from service.container import Container
from store.db import transaction
from store.models import Pegawai
from store.models_skp import PmmProblem, Skp
from sync.konflik.scope import subtree
from tests.console_site import ConsoleSite, admin_client, serve
from tests.pmm_jobs_helpers import feed, stocked

__all__ = ["stocked"]  # fixture
pytestmark = pytest.mark.e2e
SCRIPT_NAME = "<script>alert('x')</script> Budi"
FORMULA_SCHOOL = '=HYPERLINK("http://x") SD <b>Contoh</b>'


@pytest.fixture
def site(stocked: Container) -> Iterator[ConsoleSite]:
    """The console over a store the real PMM feed has run on (problems recorded)."""
    report = feed(stocked, "http")
    assert report["status"] == "completed", report
    assert report["problems"], "the simulator's data should break a few rules"
    with serve(stocked, {}) as served:
        yield served


def _problems(site: ConsoleSite) -> list[PmmProblem]:
    with site.container.sessions() as session:
        return list(session.scalars(select(PmmProblem).where(PmmProblem.status == "open")))


def _units_of(site: ConsoleSite) -> dict[str, str]:
    """NIP -> unor_id of every local employee."""
    with site.container.sessions() as session:
        return {nip: unit for nip, unit in session.execute(select(Pegawai.nip, Pegawai.unor_id)) if unit}


def _operator_client(site: ConsoleSite, nip: str) -> httpx.Client:
    return httpx.Client(base_url=site.url, timeout=30, cookies={"ekinerja_sesi": site.session_for(nip)})


def test_admin_sees_every_problem_by_school_with_reason_fix_and_who(site: ConsoleSite) -> None:
    """The admin's page lists every open problem under its school: rule, reason, fix, who."""
    problems = _problems(site)
    with admin_client(site) as client:
        page = client.get("/admin/guru")
    assert page.status_code == 200, page.text
    assert 'id="nav-guru"' in page.text
    assert page.text.count('class="masalah"') == len(problems)
    for row in problems:
        assert row.nip in page.text
        assert row.rule in page.text
        for text in (row.reason, row.fix, row.who, row.satuan_pendidikan):
            assert text and _escaped(text) in page.text, text
    teachers = len({p.nip for p in problems})
    assert f"{teachers} guru, {len(problems)} masalah" in page.text


def test_filters_by_rule_school_and_unit_subtree(site: ConsoleSite) -> None:
    """Each filter narrows to exactly the matching problems; bad filter values are a 400."""
    problems = _problems(site)
    rule = problems[0].rule
    school = next(p.npsn for p in problems if p.npsn)
    units = _units_of(site)
    unit = next(units[p.nip] for p in problems if p.nip in units)
    with site.container.sessions() as session:
        below = subtree(session, [unit])
    expected_unit = [p for p in problems if units.get(p.nip) in below]
    with admin_client(site) as client:
        by_rule = client.get("/admin/guru", params={"aturan": rule})
        by_school = client.get("/admin/guru", params={"sekolah": school})
        by_unit = client.get("/admin/guru", params={"unit": unit})
        bad_rule = client.get("/admin/guru", params={"aturan": "<b>bukan</b>"})
        bad_unit = client.get("/admin/guru", params={"unit": "x" * 65})
    assert by_rule.text.count('class="masalah"') == sum(p.rule == rule for p in problems)
    assert by_school.text.count('class="masalah"') == sum(p.npsn == school for p in problems)
    assert by_unit.text.count('class="masalah"') == len(expected_unit) > 0
    for refused in (bad_rule, bad_unit):
        assert refused.status_code == 400
        assert "Saringan" in refused.text and "<b>bukan" not in refused.text


def test_operator_sees_only_their_area_and_other_unit_sees_none(site: ConsoleSite) -> None:
    """An operator sees the teachers of their unit subtree only; another unit's sees none."""
    problems = _problems(site)
    units = _units_of(site)
    with site.container.sessions() as session:
        tree = {u: subtree(session, [u]) for u in set(units.values())}
    home = next(units[p.nip] for p in problems if p.nip in units)
    insider = next(n for n, u in units.items() if u == home)
    outsider = next(n for n, u in units.items() if not any(units.get(p.nip) in tree[u] for p in problems))
    mine = [p for p in problems if units.get(p.nip) in tree[home]]
    with _operator_client(site, insider) as client:
        page = client.get("/admin/guru")
        export = client.get("/admin/guru/ekspor.csv")
    assert page.status_code == 200, page.text
    assert page.text.count('class="masalah"') == len(mine)
    assert export.text.count("\r\n") == len(mine) + 1
    others = {p.nip for p in problems} - {p.nip for p in mine}
    assert not any(f">{nip}<" in page.text for nip in others)
    with _operator_client(site, outsider) as client:
        none = client.get("/admin/guru")
        empty = client.get("/admin/guru/ekspor.xlsx")
        foreign = client.get("/admin/guru/ekspor.csv", params={"unit": home})
    assert none.status_code == 200
    assert 'class="masalah"' not in none.text and 'id="guru-kosong"' in none.text
    assert len(_sheet_rows(empty.content)) == 1
    assert foreign.status_code == 400 and "Saringan unit" in foreign.text


def test_employee_sees_only_themself(site: ConsoleSite) -> None:
    """An employee's own account (no operator role) sees only their own problems."""
    problems = _problems(site)
    nip = problems[0].nip
    cookie = site.session_for(nip, roles=())
    with httpx.Client(base_url=site.url, timeout=30, cookies={"ekinerja_sesi": cookie}) as c:
        page = c.get("/admin/guru")
    assert page.status_code == 200, page.text
    assert page.text.count('class="masalah"') == sum(p.nip == nip for p in problems)
    assert 'id="g-unit"' not in page.text


def test_anonymous_is_redirected_to_login(site: ConsoleSite) -> None:
    """Without a session the page and its exports redirect to /login keeping the target."""
    for path in ("/admin/guru?aturan=nip_rusak", "/admin/guru/ekspor.csv"):
        answer = httpx.get(site.url + path, timeout=20)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=%2Fadmin%2Fguru")


def test_script_name_is_text_and_exports_are_formula_safe(site: ConsoleSite) -> None:
    """A name with <script> is escaped on the page; CSV and XLSX neutralise formula cells."""
    target = _problems(site)[0]
    with transaction(site.container.sessions) as session:
        session.execute(
            update(PmmProblem)
            .where(PmmProblem.nip == target.nip)
            .values(nama=SCRIPT_NAME, satuan_pendidikan=FORMULA_SCHOOL)
        )
    expected = len([p for p in _problems(site) if p.nip == target.nip])
    with admin_client(site) as client:
        page = client.get("/admin/guru")
        query = {"sekolah": target.npsn or "-"}
        csv_text = client.get("/admin/guru/ekspor.csv", params=query).content.decode("utf-8-sig")
        xlsx = client.get("/admin/guru/ekspor.xlsx", params=query)
        unknown = client.get("/admin/guru/ekspor.exe")
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert "<b>Contoh" not in page.text
    assert "'=HYPERLINK" in csv_text and SCRIPT_NAME in csv_text
    rows = _sheet_rows(xlsx.content)
    assert rows[0][:4] == ["NPSN", "Satuan pendidikan", "NIP", "Nama"]  # labels, not keys (16.10)
    mine = [r for r in rows[1:] if r[2] == target.nip]
    assert len(mine) == expected
    assert all(r[1] == "'" + FORMULA_SCHOOL and r[3] == SCRIPT_NAME for r in mine)
    assert all(r[1] is None or not str(r[1]).startswith("=") for r in rows)
    assert unknown.status_code == 404


def test_profile_shows_the_teachers_skp_and_open_problems(site: ConsoleSite) -> None:
    """The pegawai profile lists the teacher's fed SKP (labelled) and the problems holding it."""
    units = _units_of(site)
    problems = [p for p in _problems(site) if p.nip in units]
    with site.container.sessions() as session:
        fed = set(session.scalars(select(Skp.nip)))
        plans = {
            p.nip: session.scalar(select(func.count()).select_from(Skp).where(Skp.nip == p.nip)) or 0
            for p in problems
        }
    target = next(p for p in problems if p.nip in fed)
    without = next(n for n in units if n not in fed)
    with transaction(site.container.sessions) as session:
        session.execute(update(Skp).where(Skp.nip == target.nip).values(jabatan=SCRIPT_NAME))
    with admin_client(site) as client:
        page = client.get(f"/admin/pegawai/{target.nip}")
        empty = client.get(f"/admin/pegawai/{without}")
    assert page.status_code == 200, page.text
    assert page.text.count('class="skp"') == plans[target.nip] > 0
    assert 'id="skp-masalah"' in page.text and target.rule in page.text
    assert _escaped(target.reason or "") in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;alert" in page.text
    assert empty.status_code == 200 and 'id="skp-kosong"' in empty.text


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def _sheet_rows(body: bytes) -> list[list[object]]:
    """The cell values of the first sheet of an XLSX export, read back with openpyxl."""
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [[c.value for c in r] for r in sheet.iter_rows()]
