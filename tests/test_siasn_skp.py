"""SIASN SKP reads and writes against the simulator on a real socket: mapData ids, read/write
name differences, a save whose answer is lost, refusals, and the evaluation -> body mapping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

import httpx
import pytest

from connectors.errors import NetworkError, PayloadError, PermanentError, ServerError
from connectors.factory import build_async_client
from connectors.siasn.client import SiasnClient
from connectors.siasn.models import KinerjaPeriodikSave, Skp22Save
from connectors.siasn.write_envelope import saved_id
from mappings.messages import t
from mappings.skp import EvaluasiRecord, PenilaiRecord
from mappings.skp_siasn import NotPushable, find_remote, siasn_body
from service.container import http_options, siasn_client
from service.settings import SiasnSettings
from simulators.dataset import SimPegawai
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator

T = TypeVar("T")
PENILAI = PenilaiRecord(
    nip="197501021999031003",
    nama="Drs. Ahmad Yani",
    jabatan="Kepala Sekolah",
    golongan_id=41,
    unor_nama="SMA Negeri 1 Medan",
    status="ASN",
)


def run(settings: SiasnSettings, action: Callable[[SiasnClient], Awaitable[T]]) -> T:
    """Run ``action`` with a SIASN client on the simulator."""

    async def go() -> T:
        http = build_async_client(http_options(settings), base_url=settings.api_url)
        try:
            return await action(siasn_client(settings, http))
        finally:
            await http.aclose()

    return asyncio.run(go())


def _teacher(sim: SiasnSimulator) -> SimPegawai:
    return next(p for p in sim.world.pegawai.values() if p.nuptk and sim.skp.kinerjaperiodik_rows(p))


def _evaluasi(jenis: str = "TAHUNAN", **changes: Any) -> EvaluasiRecord:
    values: dict[str, Any] = dict(
        jenis_periode=jenis,
        angka_periode=1,
        periode_mulai=date(2025, 1, 1),
        periode_selesai=date(2025, 12, 31) if jenis == "TAHUNAN" else date(2025, 3, 31),
        rating_hasil_kerja=1,
        rating_perilaku_kerja=3,
        predikat=4,
        status_evaluasi="DINILAI",
        penilai=PENILAI,
    )
    values.update(changes)
    return EvaluasiRecord(**values)


def test_skp22_save_returns_map_data_id_and_reads_back(
    sim: SiasnSimulator, siasn_settings: SiasnSettings
) -> None:
    """An annual save answers rwSkpId; rw-skp22 shows it under the read-side names."""
    person = _teacher(sim)
    body = siasn_body(_evaluasi(), pns_id=person.pns_id)
    assert isinstance(body, Skp22Save)
    assert body.body()["kuadranKinerjaNilai"] == 4 and body.body()["penilaiNama"] == PENILAI.nama

    async def go(client: SiasnClient) -> tuple[str, Any]:
        new_id = await client.skp22_save(body)
        return new_id, await client.rw_skp22(person.nip)

    new_id, rows = run(siasn_settings, go)
    mine = next(r for r in rows if r.id == new_id)
    assert (mine.tahun, mine.kuadran_kinerja_nilai, mine.perilaku_kerja_nilai) == (2025, 4, 3)
    assert (mine.nama_penilai, mine.nip_nrp_penilai, mine.penilai_jabatan_nm) == (
        PENILAI.nama,
        PENILAI.nip,
        PENILAI.jabatan,
    )
    assert mine.pns_dinilai_id == person.pns_id and mine.penilai_golongan_id == 41
    assert find_remote(_evaluasi(), rows) == new_id


def test_kinerjaperiodik_save_and_teacher_quarters(
    sim: SiasnSimulator, siasn_settings: SiasnSettings
) -> None:
    """Teachers' 2025 quarters are in SIASN already; a saved quarter reads back with its id."""
    person = _teacher(sim)
    evaluasi = _evaluasi(
        "TRIWULAN",
        periode_mulai=date(2026, 1, 1),
        periode_selesai=date(2026, 3, 31),
        rating_hasil_kerja=2,
        rating_perilaku_kerja=2,
        predikat=2,
    )
    body = siasn_body(evaluasi, pns_id=person.pns_id)
    assert isinstance(body, KinerjaPeriodikSave)
    assert (body.periodik_id, body.bulan_mulai_penilaian, body.bulan_selesai_penilaian) == ("2", 1, 3)

    async def go(client: SiasnClient) -> tuple[str, Any]:
        new_id = await client.kinerjaperiodik_save(body)
        return new_id, await client.rw_kinerjaperiodik(person.nip)

    new_id, rows = run(siasn_settings, go)
    quarters_2025 = [r for r in rows if r.tahun == 2025]
    assert [r.bulan_mulai_penilaian for r in quarters_2025] == [1, 4, 7, 10]
    assert all(r.penilai_nip_nrp and r.periodik_id == 2 for r in quarters_2025)
    assert find_remote(evaluasi, rows) == new_id
    assert find_remote(evaluasi.model_copy(update={"rating_hasil_kerja": 1}), rows) is None


def test_a_save_whose_answer_is_lost_is_found_by_reading(
    sim: SiasnSimulator, siasn_settings: SiasnSettings
) -> None:
    """The server saves then drops the connection: the POST fails, is not repeated, and the
    row it created is found by reading rw-skp22, so the push never posts it twice."""
    person = _teacher(sim)
    sim.skp.drop_after_save = 1
    with pytest.raises(NetworkError):
        run(siasn_settings, lambda c: c.save(siasn_body(_evaluasi(), pns_id=person.pns_id)))
    assert sim.stats["skp22_save"] == 1 and sim.skp.saves == 1
    rows = run(siasn_settings, lambda c: c.rw_skp22(person.nip))
    assert find_remote(_evaluasi(), rows) is not None


def test_writes_are_not_retried_and_refusals_say_why(
    sim: SiasnSimulator, siasn_settings: SiasnSettings
) -> None:
    """A 503 on a save is raised after one attempt; an unknown PNS id is refused with SIASN's
    message; an expired APIM token is renewed once and the save goes through."""
    person = _teacher(sim)
    body = siasn_body(_evaluasi(), pns_id=person.pns_id)
    assert isinstance(body, Skp22Save)
    sim.faults.script("503", path="skp22/save")
    with pytest.raises(ServerError):
        run(siasn_settings, lambda c: c.skp22_save(body))
    assert sim.stats["skp22_save"] == 1 and sim.skp.saves == 0
    stranger = body.model_copy(update={"pns_dinilai_orang": "NO-SUCH-PNS"})
    with pytest.raises(PermanentError, match="tidak ditemukan"):
        run(siasn_settings, lambda c: c.skp22_save(stranger))

    async def after_expiry(client: SiasnClient) -> str:
        await client.rw_skp22(person.nip)
        sim.expire_apim_tokens()
        return await client.skp22_save(body)

    assert run(siasn_settings, after_expiry)
    assert sim.skp.saves == 1


def test_evaluations_siasn_cannot_take_are_refused_before_sending() -> None:
    """No ratings, a predikat off the matrix, or a semester period: refused with a code."""
    for evaluasi, code in (
        (_evaluasi(rating_hasil_kerja=None), "belum_dinilai"),
        (_evaluasi(predikat=3), "predikat_tidak_sesuai"),
        (_evaluasi("SEMESTER", periode_selesai=date(2025, 6, 30)), "periode_tidak_didukung"),
    ):
        with pytest.raises(NotPushable) as caught:
            siasn_body(evaluasi, pns_id="X")
        assert caught.value.code == code
        assert t(f"pmm.push.{code}", **caught.value.params)


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (200, {"success": True, "mapData": {"rwSkpId": "ABC"}}, "ABC"),
        (200, {"code": 1, "mapData": {"RWSKPID": 77}}, "77"),
        (200, {"success": True, "mapData": "Data berhasil disimpan"}, PayloadError),
        (200, {"success": False, "message": "tahun sudah ada"}, PermanentError),
        (200, {"Error": "true", "Message": "Format tidak valid"}, PermanentError),
        (400, {"Error": "true", "Message": "Format tidak valid"}, PermanentError),
        (502, "<html>bad gateway</html>", ServerError),
        (200, "<html>login</html>", PayloadError),
    ],
)
def test_write_answers(status: int, body: Any, outcome: str | type[Exception]) -> None:
    """Every shape of a write answer becomes the new id or the right error type."""
    kwargs = {"json": body} if isinstance(body, dict) else {"text": body}
    response = httpx.Response(status, **kwargs)
    if isinstance(outcome, str):
        assert saved_id(response, path="/skp22/save", id_key="rwSkpId") == outcome
    else:
        with pytest.raises(outcome):
            saved_id(response, path="/skp22/save", id_key="rwSkpId")


def test_simulator_served_in_its_own_thread_keeps_saves(
    sim: SiasnSimulator, sim_server: ServerThread
) -> None:
    """The save endpoints are POST-only; a GET to them is not a save."""
    response = httpx.get(f"{sim_server.url}/apisiasn/1.0/skp22/save")
    assert response.status_code in (401, 404, 405) and sim.skp.saves == 0


def test_write_bodies_use_the_write_side_names() -> None:
    """The exact JSON posted: write names (penilaiNama, pnsDinilaiOrang / pnsDinilaiId,
    penilaiJabatan vs penilaiJabatanNama), golongan as its id, periodikId as a string."""
    annual = siasn_body(_evaluasi(), pns_id="PNS-1").body()
    assert annual == {
        "id": None,
        "tahun": 2025,
        "hasilKinerjaNilai": 1,
        "perilakuKerjaNilai": 3,
        "kuadranKinerjaNilai": 4,
        "pnsDinilaiOrang": "PNS-1",
        "penilaiNipNrp": PENILAI.nip,
        "penilaiNama": PENILAI.nama,
        "penilaiJabatan": PENILAI.jabatan,
        "penilaiGolongan": "41",
        "penilaiUnorNama": PENILAI.unor_nama,
        "statusPenilai": "ASN",
        "path": [],
    }
    quarter = siasn_body(
        _evaluasi(
            "BULANAN",
            periode_mulai=date(2026, 2, 1),
            periode_selesai=date(2026, 2, 28),
            koefisien_id="22",
            penilai=PenilaiRecord(nama="Bupati Contoh"),
        ),
        pns_id="PNS-1",
    ).body()
    assert quarter == {
        "id": None,
        "pnsDinilaiId": "PNS-1",
        "tahun": 2026,
        "tahunMulaiPenilaian": 2026,
        "tahunSelesaiPenilaian": 2026,
        "bulanMulaiPenilaian": 2,
        "bulanSelesaiPenilaian": 2,
        "periodikId": "1",
        "koefisienId": "22",
        "hasilKinerjaNilai": 1,
        "perilakuKerjaNilai": 3,
        "kuadranKinerjaNilai": 4,
        "penilaiNipNrp": None,
        "penilaiNama": "Bupati Contoh",
        "penilaiJabatanNama": None,
        "penilaiGolongan": None,
        "penilaiUnorNama": None,
        "statusPenilai": "NON ASN",
        "path": [],
    }


def test_simulator_refuses_malformed_saves(sim: SiasnSimulator) -> None:
    """The simulated SIASN refuses a save with a missing field, a bad month or a stranger."""
    person = next(iter(sim.world.pegawai.values()))
    good = {
        "tahun": 2026,
        "bulanMulaiPenilaian": 1,
        "bulanSelesaiPenilaian": 3,
        "periodikId": "2",
        "hasilKinerjaNilai": 2,
        "perilakuKerjaNilai": 2,
        "kuadranKinerjaNilai": 2,
        "pnsDinilaiId": person.pns_id,
    }
    assert sim.skp.save("kinerjaperiodik", good)[0] == 200
    for bad in (
        {**good, "bulanSelesaiPenilaian": 13},
        {**good, "tahun": "abc"},
        {**good, "periodikId": "3"},
        {**good, "pnsDinilaiId": "X"},
        {k: v for k, v in good.items() if k != "hasilKinerjaNilai"},
        ["not", "a", "dict"],
    ):
        status, answer = sim.skp.save("kinerjaperiodik", bad)
        assert status == 400 and answer["success"] is False and answer["Message"]
    assert sim.skp.saves == 1
