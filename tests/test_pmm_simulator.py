"""The PMM simulator's data agrees with the generated province and with the SIASN simulator."""

from __future__ import annotations

import httpx

from simulators.dataset import World, generate_world
from simulators.pmm import PmmSimulator
from simulators.pmm_data import initial_results, kepala_dinas, npsn, schools
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator


def test_results_belong_to_the_province_schools_and_principals(world: World) -> None:
    """Each result's teacher, NUPTK, school (NPSN) and penilai are the world's: teachers are
    rated by their school's principal, principals by the Kepala Dinas Pendidikan."""
    by_npsn = {npsn(s): s for s in schools(world)}
    rows = list(initial_results(world).values())
    assert {r["periode_id"] for r in rows} == {"2024-1", "2024-2", "2025"}
    principals = 0
    for row in rows:
        person = world.pegawai[row["pegawai"]["nip"]]
        school = by_npsn[row["satuan_pendidikan"]["npsn"]]
        assert person.nuptk == row["pegawai"]["nuptk"] and len(person.nuptk or "") == 16
        assert person.unor_id == school.id and school.nama == row["satuan_pendidikan"]["nama"]
        head = world.by_pns_id(school.pemimpin_pns_id) if school.pemimpin_pns_id else None
        if head is not None and head.nip == person.nip:
            principals += 1
            kadis = kepala_dinas(world, school)
            assert row["penilai"]["nip"] == (kadis.nip if kadis else None)
            assert row["pegawai"]["jenis_ptk"] == "KEPALA_SEKOLAH"
        else:
            assert row["penilai"]["nip"] == (head.nip if head else None)
    assert principals > 0 and all(len(k) == 8 and k.isdigit() for k in by_npsn)


def test_same_seed_same_results_and_siasn_agrees(world: World) -> None:
    """Results are deterministic per seed; SIASN's teacher quarters name the same principal."""
    assert initial_results(generate_world(11, 160)) == initial_results(world)
    pmm, siasn = PmmSimulator(world), SiasnSimulator(world)
    row = next(r for r in pmm.results.values() if r["penilai"]["nip"] and r["pegawai"]["jenis_ptk"] == "GURU")
    quarters = siasn.skp.kinerjaperiodik_rows(world.pegawai[row["pegawai"]["nip"]])
    assert [q["penilaiNipNrp"] for q in quarters] == [row["penilai"]["nip"]] * 4


def test_out_of_process_controls(pmm_sim: PmmSimulator, pmm_server: ServerThread) -> None:
    """Faults, touches and recap downloads work over HTTP; bad requests get a 400, not a 500."""
    url = pmm_server.url
    assert httpx.post(f"{url}/_sim/faults", json={"script": ["503"], "path": "/hasil"}).json()
    assert pmm_sim.faults.next_fault("/v1/pengelolaan-kinerja/hasil") == "503"
    assert httpx.post(f"{url}/_sim/faults", json={"rates": {"boom": 1}}).status_code == 400
    first = pmm_sim.ordered("2025")[0]["id"]
    assert httpx.post(f"{url}/_sim/touch", json={"periode_id": "2025", "count": 1}).json() == {"touched": 1}
    assert pmm_sim.ordered("2025")[-1]["id"] == first
    assert httpx.post(f"{url}/_sim/touch", json={"ids": ["nope"]}).status_code == 400
    assert httpx.post(f"{url}/_sim/touch", content=b"[1]").status_code == 400
    csv_body = httpx.get(f"{url}/_sim/recap.csv").content
    assert csv_body.startswith("\ufeffNIP;".encode())
    assert httpx.get(f"{url}/_sim/recap.xlsx?count=x").content.startswith(b"PK\x03\x04")
