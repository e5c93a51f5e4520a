"""The simulated instansi's model: units, employees and the world holding them, with date helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from random import Random


@dataclass
class SimUnit:
    """A unit as SIASN's ref-unor knows it."""

    id: str
    nama: str
    parent_id: str | None
    eselon_id: int | None
    nama_jabatan: str | None
    pemimpin_pns_id: str | None = None
    jenis_unor_id: str = "1"
    cepat_kode: str = ""


@dataclass
class SimPegawai:
    """An employee as SIASN's data-utama and riwayat know them."""

    pns_id: str
    nip: str
    nama: str
    gelar_depan: str
    gelar_belakang: str
    tempat_lahir: str
    tgl_lahir: date
    jenis_kelamin: str
    pendidikan: str
    pppk: bool
    tmt_cpns: date | None
    unor_id: str
    jenis_jabatan_id: int
    jabatan_nama: str
    eselon_id: int | None
    tmt_jabatan: date
    golongan_id: int | None
    pppk_grade: str | None
    tmt_golongan: date
    nuptk: str | None = None
    kedudukan_id: str = "01"
    kedudukan_nama: str = "Aktif"
    usia_bup: int = 58
    tgl_meninggal: date | None = None
    quirky_keys: bool = False
    rw_golongan: list[dict[str, str]] = field(default_factory=list)
    rw_jabatan: list[dict[str, object]] = field(default_factory=list)


@dataclass
class World:
    """The whole simulated instansi."""

    seed: int
    instansi_id: str
    instansi_nama: str
    today: date
    provinsi: str = "Sumatera Utara"
    units: dict[str, SimUnit] = field(default_factory=dict)
    pegawai: dict[str, SimPegawai] = field(default_factory=dict)

    def by_pns_id(self, pns_id: str) -> SimPegawai | None:
        """The employee with SIASN PNS id ``pns_id``."""
        return next((p for p in self.pegawai.values() if p.pns_id == pns_id), None)


def hex_id(rng: Random) -> str:
    """A 32-character upper-case hex id like SIASN's."""
    return f"{rng.getrandbits(128):032X}"


def bup_date(person: SimPegawai) -> date:
    """The day ``person`` reaches the retirement age of their post."""
    return years_after(person.tgl_lahir, person.usia_bup)


def years_after(day: date, years: int) -> date:
    """``day`` moved ``years`` years on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
