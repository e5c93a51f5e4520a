"""Departures are decided by SIASN's kedudukan hukum table (id and name), never by word matching."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mappings.departure import KEDUDUKAN_BY_ID, departure_reason, kedudukan
from mappings.pegawai import PegawaiRecord
from service.container import Container
from simulators.events import set_kedudukan
from simulators.kedudukan import KEDUDUKAN_HUKUM
from simulators.siasn import SiasnSimulator
from tests.helpers import import_export, pegawai, reconcile

INSTANSI = "A5EB03E23B3AF6A0E040640A040252AD"
# Reviewed by hand against BKN's table: these end service in the instansi, every other id stays.
LEAVES = {"66", "67", "68", "69", "70", "77", "88", "98", "99"}
STAYS_EXAMPLES = {"01", "02", "03", "04", "13", "15", "20", "89"}  # MPP, CLTN, TB, PS ...
BASE = PegawaiRecord(
    nip="198006072008101001",
    pns_id="X",
    instansi_kerja_id=INSTANSI,
    kedudukan_hukum="Aktif",
    kedudukan_hukum_id="01",
)


def _with(kedudukan_id: str | None, nama: str | None) -> PegawaiRecord:
    return replace(BASE, kedudukan_hukum_id=kedudukan_id, kedudukan_hukum=nama)


def test_every_kedudukan_in_the_table_is_decided_as_reviewed() -> None:
    """Each of SIASN's kedudukan ids leaves or stays exactly as the reviewed list says."""
    assert STAYS_EXAMPLES.isdisjoint(LEAVES)
    for row in KEDUDUKAN_BY_ID.values():
        by_id = departure_reason(_with(row.id, row.nama), INSTANSI)
        by_name = departure_reason(_with(None, row.nama), INSTANSI)
        unpadded = departure_reason(_with(str(int(row.id)), row.nama), INSTANSI)
        assert (by_id is not None) == (row.id in LEAVES), row
        assert by_id == by_name == unpadded, row
        if by_id is not None:
            assert row.nama in by_id and row.id in by_id


@pytest.mark.parametrize(
    "name",
    [
        "Masa Persiapan Pensiun",
        "Pemberhentian Sementara",
        "CLTN",
        "Tugas Belajar",
        "Perpanjangan CLTN",
        "Tidak aktif tetapi diusulkan Pensiun",
        "PNS kena hukuman disiplin",
    ],
)
def test_words_like_pensiun_or_pemberhentian_do_not_deactivate(name: str) -> None:
    """Kedudukan whose names contain 'pensiun' or 'pemberhentian' but keep the post stay active."""
    row = kedudukan(None, name)
    assert row is not None
    assert departure_reason(_with(row.id, name), INSTANSI) is None
    assert departure_reason(_with(None, name.upper()), INSTANSI) is None


def test_unknown_kedudukan_never_deactivates_and_the_id_wins() -> None:
    """An unknown id and name keeps the employee; a known id decides over a conflicting name."""
    assert departure_reason(_with("42", "Pensiun Dini Sukarela"), INSTANSI) is None
    assert departure_reason(_with(None, None), INSTANSI) is None
    assert departure_reason(_with("20", "Pensiun"), INSTANSI) is None
    assert departure_reason(_with("99", "Aktif"), INSTANSI) is not None
    assert departure_reason(_with("1X", "Pensiun"), INSTANSI) is not None  # bad id: by name


def test_death_and_pindah_instansi_deactivate_with_the_reason() -> None:
    """tglMeninggal and a different instansi kerja are departures, whatever the kedudukan."""
    died = replace(
        BASE,
        kedudukan_hukum_id="20",
        kedudukan_hukum="Masa Persiapan Pensiun",
        tgl_meninggal=date(2026, 1, 3),
    )
    assert departure_reason(died, INSTANSI) == "meninggal dunia (03-01-2026)"
    moved = replace(BASE, instansi_kerja_id="OTHER", instansi_kerja_nama="Pemkab Gowa")
    assert departure_reason(moved, INSTANSI) == "pindah instansi ke Pemkab Gowa"
    assert departure_reason(moved, None) is None  # instansi unknown: never guessed


def test_the_simulator_table_produces_the_product_kedudukan_values() -> None:
    """The simulator's own table has the same ids and names as SIASN's (what it sends us)."""
    assert {i: r.nama for i, r in KEDUDUKAN_BY_ID.items()} == KEDUDUKAN_HUKUM


@pytest.mark.e2e
def test_night_keeps_mpp_cltn_tubel_and_deactivates_pensiun(
    container: Container, sim: SiasnSimulator
) -> None:
    """Over real sockets: MPP/CLTN/TB/PS stay active with their status; pensiun/BUP/66 leave."""
    import_export(container, sim.world)
    assert reconcile(container)["status"] == "completed"
    people = sorted(p.nip for p in sim.world.pegawai.values() if p.kedudukan_id == "01")
    stays = dict(zip(people[:4], ["20", "02", "03", "04"], strict=True))
    leaves = dict(zip(people[4:7], ["99", "98", "66"], strict=True))
    for nip, kedudukan_id in {**stays, **leaves}.items():
        set_kedudukan(sim.world, nip, kedudukan_id)
    report = reconcile(container)
    assert report["status"] == "completed", report
    assert report["counts"]["left"] == len(leaves)
    for nip, kedudukan_id in stays.items():
        stored = pegawai(container, nip)
        assert stored is not None and stored.aktif, nip
        assert stored.kedudukan_hukum == KEDUDUKAN_HUKUM[kedudukan_id]
    for nip, kedudukan_id in leaves.items():
        stored = pegawai(container, nip)
        assert stored is not None and not stored.aktif, nip
        assert KEDUDUKAN_HUKUM[kedudukan_id] in (stored.nonaktif_alasan or "")
