"""The simulated province stays as plausible as the real thing, on any seed and size, day after day.

Also: no module under ``simulators/`` imports product code (DESIGN §2: its own tables).
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import httpx
import pytest

from simulators import places
from simulators.dataset import EDU_ENTRY, HEAD_MIN, SimPegawai, World, bup_date, generate_world, golongan_cap
from simulators.nights import advance_day
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = {"mappings", "sync", "store", "service", "connectors"}
SEEDS = range(1, 26)
SIZES = (1, 7, 40, 160, 600)
DAYS = 3


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_simulators_import_no_product_code() -> None:
    """No module under simulators/ imports mappings, sync, store, service or connectors."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & PRODUCT)
        for path in sorted((ROOT / "simulators").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _age_on(person: SimPegawai, day: date) -> int:
    born = person.tgl_lahir
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_person(world: World, person: SimPegawai) -> list[str]:
    """What is implausible about one active employee today."""
    today, problems = world.today, []
    if bup_date(person) <= today:
        problems.append(f"active past BUP ({_age_on(person, today)} >= {person.usia_bup})")
    start = person.tmt_cpns or person.tmt_golongan
    if not (_age_on(person, start) >= 18 and start <= today):
        problems.append(f"entered at {start} born {person.tgl_lahir}")
    if person.tmt_golongan > today or person.tmt_jabatan > today:
        problems.append(f"TMT in the future: {person.tmt_golongan} {person.tmt_jabatan}")
    if person.golongan_id is not None and not (
        EDU_ENTRY[person.pendidikan]
        <= person.golongan_id
        <= golongan_cap(person.pendidikan, person.eselon_id, person.jabatan_nama)
    ):
        problems.append(f"golongan {person.golongan_id} for {person.pendidikan}")
    if not person.nip.startswith(f"{person.tgl_lahir:%Y%m%d}"):
        problems.append("NIP does not start with the birth date")
    if person.tmt_cpns and person.nip[8:14] != f"{person.tmt_cpns:%Y%m}":
        problems.append("NIP digits 9-14 are not the TMT CPNS")
    if person.tempat_lahir not in places.cities(world.provinsi):
        problems.append(f"born in {person.tempat_lahir}, outside {world.provinsi}")
    return problems


def _check_world(world: World) -> list[str]:
    problems = [
        f"{p.nip}: {problem}"
        for p in world.pegawai.values()
        if p.kedudukan_id == "01"
        for problem in _check_person(world, p)
    ]
    cities = places.cities(world.provinsi)
    for unit in world.units.values():
        if unit.jenis_unor_id == "2" and unit.nama.split(" ", 3)[-1] not in cities:
            problems.append(f"school {unit.nama} outside {world.provinsi}")
        head = world.by_pns_id(unit.pemimpin_pns_id) if unit.pemimpin_pns_id else None
        if head is not None and head.kedudukan_id != "01":
            problems.append(f"{unit.nama} is headed by someone who left")
        if (
            head is not None
            and head.golongan_id is not None
            and unit.eselon_id
            and head.golongan_id < HEAD_MIN.get(unit.eselon_id, 0)
        ):
            problems.append(f"{unit.nama} head in golongan {head.golongan_id}")
    return problems


@pytest.mark.parametrize("size", SIZES)
def test_days_stay_plausible_over_many_seeds(size: int) -> None:
    """Generated worlds and three simulated days over 25 seeds: no crash, nothing implausible;
    retirees reached their BUP (a CPNS of day one never retires the next day)."""
    for seed in SEEDS:
        world = generate_world(seed, size)
        assert _check_world(world) == [], (seed, size)
        joined: set[str] = set()
        for day in range(1, DAYS + 1):
            changes = advance_day(world, day)
            retired_early = [
                nip for nip in changes.pensiun if nip in joined or bup_date(world.pegawai[nip]) > world.today
            ]
            assert retired_early == [], (seed, size, day)
            promoted = [world.pegawai[nip] for nip in changes.naik_pangkat]
            assert all(p.tmt_golongan <= world.today for p in promoted), (seed, size, day)
            joined |= set(changes.cpns_baru)
            assert _check_world(world) == [], (seed, size, day)


def test_advance_day_over_http_on_a_small_world() -> None:
    """``POST /_sim/advance-day`` on 40 employees, seed 2 (it answered 500) answers 200 daily."""
    sim = SiasnSimulator(generate_world(2, 40))
    with ServerThread(sim.app()) as server:
        for _ in range(5):
            answer = httpx.post(f"{server.url}/_sim/advance-day", timeout=30)
            assert answer.status_code == 200, answer.text
            assert "cpns_baru" in answer.json()
