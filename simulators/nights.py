"""A day in the simulated world, deterministic for the world's seed and the day number.

``advance_day`` applies what SIASN would record overnight and returns exactly who and what
changed, so tests and the demo can play night 1, changes, night 2 and check every count. Events
stay plausible on any world, however small: people retire when they reach the BUP of their post
(never a new CPNS), promotions need four years in rank and stop at the education's ceiling, a
new unit head has the rank the post needs, new CPNS come with their riwayat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from simulators import places
from simulators.dataset import (
    HEAD_MIN,
    SimPegawai,
    SimUnit,
    World,
    bup_date,
    generate_world,
    golongan_cap,
    golongan_row,
    hex_id,
    jabatan_row,
    years_after,
)
from simulators.events import mutasi, naik_pangkat, set_kedudukan
from simulators.kedudukan import PENSIUN
from simulators.ranks import usia_bup


@dataclass
class DayChanges:
    """Who and what changed on one simulated day."""

    day: int
    mutasi: list[str] = field(default_factory=list)
    naik_pangkat: list[str] = field(default_factory=list)
    pensiun: list[str] = field(default_factory=list)
    meninggal: list[str] = field(default_factory=list)
    cpns_baru: list[str] = field(default_factory=list)
    unit_renamed: list[str] = field(default_factory=list)
    unit_merged: list[tuple[str, str]] = field(default_factory=list)
    moved_by_merge: list[str] = field(default_factory=list)
    stuck_in_removed_unit: list[str] = field(default_factory=list)
    new_head: list[tuple[str, str]] = field(default_factory=list)

    def updated(self) -> set[str]:
        """NIPs whose data-utama changed in a merged field (mutasi, pangkat, merge, new head)."""
        return (
            set(self.mutasi)
            | set(self.naik_pangkat)
            | set(self.moved_by_merge)
            | {nip for _, nip in self.new_head}
        )

    def left(self) -> set[str]:
        """NIPs who left (pensiun, meninggal)."""
        return set(self.pensiun) | set(self.meninggal)


def advance_day(world: World, day: int, *, scale: int | None = None) -> DayChanges:
    """Advance ``world`` by one day; ``scale`` = events of each kind (default: 1 per 500)."""
    rng = Random(f"{world.seed}-day-{day}")
    n = scale or max(1, len(world.pegawai) // 500)
    world.today += timedelta(days=1)
    changes = DayChanges(day)
    _retire(world, changes)
    pool = _staff_pool(world, rng)
    for nip in _take(pool, n):
        targets = [
            u.id
            for u in world.units.values()
            if u.eselon_id in (41, 42) and u.id != world.pegawai[nip].unor_id
        ]
        if not targets:
            break
        mutasi(world, nip, unor_id=rng.choice(sorted(targets)))
        changes.mutasi.append(nip)
    due = _promotable(world, pool)
    for nip in _take(due, n):
        pool.remove(nip)
        naik_pangkat(world, nip, tmt=_kp_period(world.today))
        changes.naik_pangkat.append(nip)
    for nip in _take(pool, max(1, n // 3)):
        person = world.pegawai[nip]
        person.tgl_meninggal = world.today - timedelta(days=2)
        set_kedudukan(world, nip, PENSIUN)  # closed with a pension for the heirs
        changes.meninggal.append(nip)
    _new_cpns(world, rng, n, changes)
    _rename_unit(world, rng, changes)
    _merge_unit(world, rng, changes, pool)
    _new_head(world, rng, changes, pool)
    return changes


def play_nights(seed: int, employees: int, days: int) -> tuple[World, list[DayChanges]]:
    """A fresh world advanced ``days`` days (same result for the same arguments)."""
    world = generate_world(seed, employees)
    return world, [advance_day(world, day) for day in range(1, days + 1)]


def _retire(world: World, changes: DayChanges) -> None:
    """Everyone still active who reached the BUP of their post retires (heads leave the post)."""
    due = sorted(
        (
            p
            for p in world.pegawai.values()
            if not p.pppk
            and p.kedudukan_id == "01"
            and p.tgl_meninggal is None
            and bup_date(p) <= world.today
        ),
        key=lambda p: (bup_date(p), p.nip),
    )
    for person in due:
        set_kedudukan(world, person.nip, PENSIUN)
        for unit in world.units.values():
            if unit.pemimpin_pns_id == person.pns_id:
                unit.pemimpin_pns_id = None
        changes.pensiun.append(person.nip)


def _promotable(world: World, pool: list[str]) -> list[str]:
    """Staff of ``pool`` four years or more in rank and below their education's ceiling."""
    four_years = years_after(world.today, -4)
    return [
        nip
        for nip in pool
        if (p := world.pegawai[nip]).golongan_id is not None
        and p.golongan_id < golongan_cap(p.pendidikan, p.eselon_id, p.jabatan_nama)
        and p.tmt_golongan <= four_years
    ]


def _kp_period(today: date) -> date:
    """The latest kenaikan pangkat period (1 April or 1 October) on or before ``today``."""
    if today.month >= 10:
        return date(today.year, 10, 1)
    return date(today.year, 4, 1) if today.month >= 4 else date(today.year - 1, 10, 1)


def _staff_pool(world: World, rng: Random) -> list[str]:
    heads = {u.pemimpin_pns_id for u in world.units.values()}
    pool = sorted(
        p.nip
        for p in world.pegawai.values()
        if p.pns_id not in heads and not p.pppk and p.kedudukan_id == "01" and p.jenis_jabatan_id == 4
    )
    rng.shuffle(pool)
    return pool


def _take(pool: list[str], count: int) -> list[str]:
    taken, pool[:] = pool[:count], pool[count:]
    return taken


def _new_cpns(world: World, rng: Random, count: int, changes: DayChanges) -> None:
    """S1 graduates of 23-30 entering as III/a this month, with their first riwayat rows."""
    leaves = sorted(u.id for u in world.units.values() if u.eselon_id in (41, 42))
    if not leaves:
        return
    for index in range(count):
        born = world.today.replace(year=world.today.year - rng.randint(23, 30), day=1 + index % 28)
        tmt = world.today.replace(day=1)
        gender = rng.choice("MF")
        prefix = f"{born:%Y%m%d}{tmt:%Y%m}{'1' if gender == 'M' else '2'}"
        sequence = 900 + index
        while f"{prefix}{sequence:03d}" in world.pegawai:
            sequence += 1
        nip = f"{prefix}{sequence:03d}"
        person = SimPegawai(
            pns_id=hex_id(rng),
            nip=nip,
            nama=f"CPNS BARU {changes.day}-{index + 1}",
            gelar_depan="",
            gelar_belakang="S.Kom.",
            tempat_lahir=rng.choice(places.cities(world.provinsi)),
            tgl_lahir=born,
            jenis_kelamin=gender,
            pendidikan="S1",
            pppk=False,
            tmt_cpns=tmt,
            unor_id=rng.choice(leaves),
            jenis_jabatan_id=4,
            jabatan_nama="Penata Layanan Operasional",
            eselon_id=None,
            tmt_jabatan=tmt,
            golongan_id=31,
            pppk_grade=None,
            tmt_golongan=tmt,
        )
        person.rw_golongan = [golongan_row(person, 31, tmt, rng)]
        person.rw_jabatan = [jabatan_row(person, world.units[person.unor_id], rng)]
        world.pegawai[nip] = person
        changes.cpns_baru.append(nip)


def _rename_unit(world: World, rng: Random, changes: DayChanges) -> None:
    unit = rng.choice(sorted((u for u in world.units.values() if u.eselon_id == 41), key=lambda u: u.id))
    unit.nama = f"{unit.nama} (Nomenklatur Baru)"
    changes.unit_renamed.append(unit.id)


def _merge_unit(world: World, rng: Random, changes: DayChanges, pool: list[str]) -> None:
    """Merge one seksi into a sibling; SIASN moves all but one of its staff, one lags behind."""
    siblings = [
        u
        for u in world.units.values()
        if u.eselon_id == 41
        and u.parent_id
        and sum(1 for v in world.units.values() if v.parent_id == u.parent_id and v.eselon_id == 41) > 1
    ]
    touched = set(changes.mutasi) | set(changes.naik_pangkat) | set(changes.cpns_baru)
    targets = {world.pegawai[nip].unor_id for nip in changes.mutasi}
    candidates = sorted(
        (
            u
            for u in siblings
            if u.id not in targets and any(nip not in touched for nip in _staff_of(world, u))
        ),
        key=lambda u: u.id,
    )
    if not candidates:
        return
    gone = rng.choice(candidates)
    into = next(
        u
        for u in sorted(world.units.values(), key=lambda u: u.id)
        if u.parent_id == gone.parent_id and u.id != gone.id and u.eselon_id == 41
    )
    staff = [nip for nip in _staff_of(world, gone) if nip not in touched]
    for nip in staff[1:] + [n for n in _staff_of(world, gone) if n in touched]:
        mutasi(world, nip, unor_id=into.id)
        if nip not in touched:
            changes.moved_by_merge.append(nip)
    changes.stuck_in_removed_unit.append(staff[0])
    head = world.by_pns_id(gone.pemimpin_pns_id) if gone.pemimpin_pns_id else None
    if head is not None:  # the former head moves into a functional post of their rank
        jenjang = "Ahli Madya" if (head.golongan_id or 0) >= 41 else "Ahli Muda"
        mutasi(world, head.nip, unor_id=into.id, jabatan=f"Analis Kebijakan {jenjang}")
        head.jenis_jabatan_id, head.eselon_id = 2, None
        head.usia_bup = usia_bup(eselon_id=None, jabatan=head.jabatan_nama, guru=False)
        changes.moved_by_merge.append(head.nip)
    del world.units[gone.id]
    changes.unit_merged.append((gone.id, into.id))
    excluded = set(staff) | ({head.nip} if head else set())
    pool[:] = [nip for nip in pool if nip not in excluded]


def _staff_of(world: World, unit: SimUnit) -> list[str]:
    return sorted(
        p.nip
        for p in world.pegawai.values()
        if p.unor_id == unit.id and p.pns_id != unit.pemimpin_pns_id and not p.pppk and p.kedudukan_id == "01"
    )


def _new_head(world: World, rng: Random, changes: DayChanges, pool: list[str]) -> None:
    vacant = sorted(
        (u for u in world.units.values() if u.eselon_id in (41, 42) and not u.pemimpin_pns_id),
        key=lambda u: u.id,
    )
    units = vacant or sorted((u for u in world.units.values() if u.eselon_id in (41, 42)), key=lambda u: u.id)
    for unit in units:
        staff = [
            nip
            for nip in _staff_of(world, unit)
            if nip in pool and (world.pegawai[nip].golongan_id or 0) >= HEAD_MIN.get(unit.eselon_id or 0, 0)
        ]
        if not staff:
            continue
        nip = staff[0]
        pool.remove(nip)
        person = world.pegawai[nip]
        mutasi(world, nip, jabatan=unit.nama_jabatan or f"Kepala {unit.nama}")
        person.jenis_jabatan_id, person.eselon_id = 1, unit.eselon_id
        unit.pemimpin_pns_id = person.pns_id
        changes.new_head.append((unit.id, nip))
        return
