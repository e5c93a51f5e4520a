"""Every write that sets a unit checks the target unit against the caller's area (issue 13,
item 1), over real HTTP on SQLite and PostgreSQL: an operator of OPD A may not move an employee
of A into a unit of OPD B through the edit path, a decision (API one by one, API bulk, console
form, console bulk) or a klaim pimpinan; a target inside A stays allowed. A refusal is 403 in
Bahasa Indonesia and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import func, select

from service.container import Container
from simulators.dataset import World
from simulators.events import mutasi
from simulators.siasn import SiasnSimulator
from store.models import AuditEntry, Conflict, Pegawai, Unit
from sync.konflik.scope import subtree
from tests.console_site import TOKEN, ConsoleSite, build_site, serve
from tests.helpers import edit, new_api_key, sinkron

pytestmark = pytest.mark.e2e
REFUSED = "di luar wilayah kerja"


@dataclass
class Area:
    """The served app, an operator of OPD A and units inside A and inside B."""

    site: ConsoleSite
    cookie: str
    key: str
    inside: list[str]
    outside: list[str]

    @property
    def cast(self) -> dict[str, str]:
        """Who is who (``tests.access_site._cast``)."""
        return self.site.cast

    def operator(self) -> httpx.Client:
        """A client logged in as the operator of A."""
        return httpx.Client(base_url=self.site.url, timeout=30, cookies={"ekinerja_sesi": self.cookie})


def _units(container: Container, root: str) -> list[str]:
    with container.sessions() as session:
        found = subtree(session, [root])
        return sorted(session.scalars(select(Unit.id).where(Unit.id.in_(found), Unit.aktif.is_(True))))


@pytest.fixture
def area(container: Container, world: World, sim: SiasnSimulator, sim_server: object) -> Iterator[Area]:
    """Employees of A and B in the store; the operator of A logged in; an API key."""
    cast = build_site(container, world, sim)
    inside, outside = _units(container, cast["opd"]), _units(container, cast["other_opd"])
    assert len(inside) >= 4 and len(outside) >= 2 and not set(inside) & set(outside)
    with serve(container, cast) as site:
        yield Area(site, site.session_for(cast["operator"]), new_api_key(site.container), inside, outside)


def _unit_of(area: Area, nip: str) -> str | None:
    with area.site.container.sessions() as session:
        return session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == nip))


def _audit(area: Area) -> int:
    with area.site.container.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _conflict(area: Area, world: World, nip: str, local: str, remote: str) -> int:
    """A unit conflict of ``nip``: local edit to ``local``, SIASN mutasi to ``remote``."""
    edit(area.site.container, nip, unor_id=local)
    mutasi(world, nip, unor_id=remote)
    sinkron(area.site.container, nip)
    with area.site.container.sessions() as session:
        return session.scalars(
            select(Conflict.id).join(Pegawai).where(Pegawai.nip == nip, Conflict.status == "open")
        ).one()


def _status(area: Area, cid: int) -> str:
    with area.site.container.sessions() as session:
        row = session.get(Conflict, cid)
        assert row is not None
        return row.status


def test_edit_path_refuses_a_target_unit_outside_the_area(area: Area) -> None:
    """PATCH unor_id of an employee of A to a unit of B: 403 in Bahasa Indonesia, nothing written;
    to another unit inside A: 200. An API key (the e-Kinerja app) may still move anyone."""
    nip, before, audited = area.cast["employee"], _unit_of(area, area.cast["employee"]), _audit(area)
    target_b = area.outside[-1]
    with area.operator() as client:
        refused = client.patch(
            f"/api/v1/pegawai/{nip}", json={"changes": {"unor_id": target_b}, "reason": "pindah"}
        )
        assert refused.status_code == 403, refused.text
        assert REFUSED in refused.json()["detail"] and target_b not in refused.text
        assert _unit_of(area, nip) == before and _audit(area) == audited
        inside = next(u for u in area.inside if u != before)
        moved = client.patch(
            f"/api/v1/pegawai/{nip}", json={"changes": {"unor_id": inside}, "reason": "pindah di dalam OPD"}
        )
        assert moved.status_code == 200, moved.text
    assert _unit_of(area, nip) == inside
    by_app = httpx.patch(
        f"{area.site.url}/api/v1/pegawai/{nip}",
        timeout=30,
        headers={"X-API-Key": area.key},
        json={"changes": {"unor_id": target_b}, "reason": "SK mutasi"},
    )
    assert by_app.status_code == 200, by_app.text


def test_api_decisions_refuse_a_target_unit_outside_the_area(area: Area, world: World) -> None:
    """tetapkan_nilai to a unit of B (one, or in bulk) and ambil_siasn whose SIASN unit is in B
    are refused with 403 and decide nothing (all or nothing); a unit inside A is accepted."""
    first = _conflict(area, world, area.cast["employee"], area.inside[1], area.inside[2])
    second = _conflict(area, world, area.cast["colleague"], area.inside[1], area.outside[1])
    with area.operator() as client:
        one = client.post(
            f"/api/v1/konflik/{first}/keputusan",
            json={"decision": "tetapkan_nilai", "value": area.outside[0], "reason": "unit benar"},
        )
        assert one.status_code == 403 and REFUSED in one.json()["detail"], one.text
        bulk = client.post(
            "/api/v1/konflik/keputusan",
            json={
                "ids": [first, second],
                "decision": "tetapkan_nilai",
                "value": area.outside[0],
                "reason": "unit benar",
            },
        )
        assert bulk.status_code == 403, bulk.text
        mixed = client.post(
            "/api/v1/konflik/keputusan",
            json={"ids": [first, second], "decision": "ambil_siasn", "reason": "SK mutasi"},
        )
        assert mixed.status_code == 403 and REFUSED in mixed.json()["detail"], mixed.text
        assert {_status(area, first), _status(area, second)} == {"open"}
        assert _unit_of(area, area.cast["employee"]) == area.inside[1]
        ok = client.post(
            "/api/v1/konflik/keputusan",
            json={
                "ids": [first, second],
                "decision": "tetapkan_nilai",
                "value": area.inside[3],
                "reason": "unit benar",
            },
        )
        assert ok.status_code == 200, ok.text
    assert _unit_of(area, area.cast["colleague"]) == area.inside[3]


def test_console_decisions_refuse_a_target_unit_outside_the_area(area: Area, world: World) -> None:
    """The detail form's tetapkan_nilai to a unit of B and a bulk ambil_siasn that would move
    someone into B answer 403 and change nothing; the same form with a unit of A is accepted."""
    first = _conflict(area, world, area.cast["employee"], area.inside[1], area.inside[2])
    second = _conflict(area, world, area.cast["colleague"], area.inside[1], area.outside[1])
    with area.operator() as client:
        page = client.get(f"/admin/konflik/{first}")
        assert page.status_code == 200, page.text
        form = {
            "csrf": TOKEN.findall(page.text)[0],
            "versi": "1",
            "alasan": "unit benar",
            "keputusan": "tetapkan_nilai",
        }
        refused = client.post(f"/admin/konflik/{first}/putuskan", data={**form, "nilai": area.outside[0]})
        assert refused.status_code == 403 and REFUSED in refused.text, refused.text
        bulk = client.post(
            "/admin/konflik/massal",
            data={
                "csrf": form["csrf"],
                "pilih": [f"{first}:1", f"{second}:1"],
                "keputusan": "ambil_siasn",
                "alasan": "SK mutasi",
            },
        )
        assert bulk.status_code == 403 and REFUSED in bulk.text, bulk.text
        assert {_status(area, first), _status(area, second)} == {"open"}
        done = client.post(f"/admin/konflik/{first}/putuskan", data={**form, "nilai": area.inside[3]})
        assert done.status_code == 303, done.text
    assert _unit_of(area, area.cast["employee"]) == area.inside[3]


def test_klaim_checks_the_unit_and_the_nip_against_the_area(area: Area) -> None:
    """A klaim pimpinan for a unit of B, or for a NIP outside the area, is refused with 403
    and records nothing; the operator's own unit for themself is not refused for the area."""
    with area.site.container.sessions() as session:
        own_unit = session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == area.cast["operator"]))
    assert own_unit is not None
    audited = _audit(area)
    with area.operator() as client:
        other = client.post(
            f"/api/v1/unor/{area.outside[0]}/klaim-pimpinan",
            json={"nip": area.cast["operator"], "reason": "SK pelantikan"},
        )
        assert other.status_code == 403 and REFUSED in other.json()["detail"], other.text
        foreign = client.post(
            f"/api/v1/unor/{own_unit}/klaim-pimpinan",
            json={"nip": area.cast["outsider"], "reason": "SK pelantikan"},
        )
        assert foreign.status_code == 403 and REFUSED in foreign.json()["detail"], foreign.text
        assert _audit(area) == audited
        mine = client.post(
            f"/api/v1/unor/{own_unit}/klaim-pimpinan",
            json={"nip": area.cast["operator"], "reason": "SK pelantikan"},
        )
        assert mine.status_code == 200, mine.text
