"""Changes to the simulated world that SIASN would record: kenaikan pangkat, mutasi, jabatan."""

from __future__ import annotations

from datetime import date
from random import Random

from simulators.dataset import World, jabatan_row, promote
from simulators.kedudukan import KEDUDUKAN_HUKUM
from simulators.ranks import rank


def naik_pangkat(world: World, nip: str, tmt: date | None = None) -> int:
    """Promote ``nip`` one golongan (with an rw-golongan row); returns the new golongan id."""
    person = world.pegawai[nip]
    if person.golongan_id is None:
        raise ValueError(f"{nip} is PPPK; PPPK grades are not promoted by kenaikan pangkat")
    person.golongan_id = promote(person.golongan_id)
    person.tmt_golongan = tmt or world.today
    found = rank(person.golongan_id)
    person.rw_golongan.append(
        {
            "id": f"KP{len(person.rw_golongan)}{person.pns_id[:20]}",
            "idPns": person.pns_id,
            "nipBaru": nip,
            "golonganId": str(person.golongan_id),
            "golongan": found.kode,
            "pangkat": found.pangkat,
            "skNomor": f"823.3/KP-{nip[-4:]}/BKD/{world.today.year}",
            "skTanggal": f"{person.tmt_golongan:%d-%m-%Y}",
            "tmtGolongan": f"{person.tmt_golongan:%d-%m-%Y}",
            "jenisKPId": "101",
            "jenisKPNama": "Reguler",
            "masaKerjaGolonganTahun": "4",
            "masaKerjaGolonganBulan": "0",
        }
    )
    return person.golongan_id


def mutasi(
    world: World, nip: str, *, unor_id: str | None = None, jabatan: str | None = None, tmt: date | None = None
) -> None:
    """Move ``nip`` to another unit and/or position (with an rw-jabatan row)."""
    person = world.pegawai[nip]
    if unor_id is not None:
        if unor_id not in world.units:
            raise ValueError(f"unknown unit {unor_id}")
        person.unor_id = unor_id
    if jabatan is not None:
        person.jabatan_nama = jabatan
    person.tmt_jabatan = tmt or world.today
    person.rw_jabatan.append(
        jabatan_row(
            person, world.units[person.unor_id], Random(f"{world.seed}-{nip}-{len(person.rw_jabatan)}")
        )
    )


def set_kedudukan(world: World, nip: str, kedudukan_id: str) -> None:
    """Record a new kedudukan hukum for ``nip`` (id and name from SIASN's reference table)."""
    if kedudukan_id not in KEDUDUKAN_HUKUM:
        raise ValueError(f"unknown kedudukan hukum id {kedudukan_id!r}")
    person = world.pegawai[nip]
    person.kedudukan_id, person.kedudukan_nama = kedudukan_id, KEDUDUKAN_HUKUM[kedudukan_id]
