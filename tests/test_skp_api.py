"""The SKP HTTP API over real requests: record, validate, read, push once, problems by school."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from service.api import create_app
from service.container import Container
from simulators.dataset import World
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from tests.helpers import load_units, new_api_key, sinkron, staff_nip
from tests.pmm_jobs_helpers import push

pytestmark = pytest.mark.e2e


@pytest.fixture
def api(container: Container, world: World) -> Iterator[httpx.Client]:
    """The API on a loopback socket with an API key; two staff members stored locally."""
    load_units(container)
    sinkron(container, staff_nip(world, 0), staff_nip(world, 1))
    headers = {"X-API-Key": new_api_key(container)}
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, timeout=20, headers=headers) as client,
    ):
        yield client


def _skp(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "skp-2026-01",
        "tahun": 2026,
        "jabatan": "Analis Kepegawaian",
        "status_rencana": "DISETUJUI",
        "penilai": {
            "nip": "197501021999031003",
            "nama": "Drs. Ahmad Yani",
            "golongan_id": 41,
            "jabatan": "Kepala Bidang",
            "unor_nama": "Bidang Mutasi",
            "status": "ASN",
        },
        "rhk": [
            {
                "id": "rhk-1",
                "jenis": "UTAMA",
                "klasifikasi": "ORGANISASI",
                "uraian": "Tersusunnya data mutasi pegawai",
                "indikator": [{"aspek": "KUANTITAS", "uraian": "Dokumen", "target": "4 dokumen"}],
            }
        ],
        "evaluasi": [
            {
                "jenis_periode": "TRIWULAN",
                "angka_periode": 1,
                "rating_hasil_kerja": "Di atas ekspektasi",
                "rating_perilaku_kerja": 2,
                "predikat": "Baik",
            }
        ],
    }
    body.update(changes)
    return body


def test_record_read_and_push_once(
    api: httpx.Client, world: World, container: Container, sim: SiasnSimulator
) -> None:
    """A recorded quarter is pushed once with the id stored; recording it again changes nothing."""
    nip = staff_nip(world, 0)
    created = api.put(f"/api/v1/pegawai/{nip}/skp", json=_skp())
    assert created.status_code == 200, created.text
    assert created.json()["hasil"] == "created"
    assert api.put(f"/api/v1/pegawai/{nip}/skp", json=_skp()).json()["hasil"] == "unchanged"
    report = push(container)
    assert report["counts"]["sent"] == 1 and sim.skp.saves == 1
    assert push(container)["counts"]["candidates"] == 0 and sim.skp.saves == 1
    [skp] = api.get(f"/api/v1/pegawai/{nip}/skp").json()["skp"]
    [evaluasi] = skp["evaluasi"]
    assert evaluasi["push_state"] == "dikirim" and evaluasi["siasn_id"]
    assert evaluasi["predikat"] == 2 and skp["rhk"][0]["indikator"][0]["target"] == "4 dokumen"
    changed = _skp(
        evaluasi=[
            {
                "jenis_periode": "TRIWULAN",
                "angka_periode": 1,
                "rating_hasil_kerja": 3,
                "rating_perilaku_kerja": 2,
            }
        ]
    )
    refused = api.put(f"/api/v1/pegawai/{nip}/skp", json=changed)
    assert refused.status_code == 409 and "sudah dikirim ke SIASN" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            _skp(
                evaluasi=[
                    {
                        "jenis_periode": "TAHUNAN",
                        "rating_hasil_kerja": 1,
                        "rating_perilaku_kerja": 3,
                        "predikat": "Butuh Perbaikan",
                    }
                ]
            ),
            "evaluasi.0",
            "tidak sesuai matriks",
        ),
        (_skp(rhk=[{"id": "r", "jenis": "UTAMA", "uraian": "x" * 1001}]), "rhk.0.uraian", "terlalu panjang"),
        (
            _skp(
                evaluasi=[
                    {
                        "jenis_periode": "SEMESTER",
                        "angka_periode": 3,
                        "rating_hasil_kerja": 2,
                        "rating_perilaku_kerja": 2,
                    }
                ]
            ),
            "evaluasi.0.angka_periode",
            "SEMESTER",
        ),
        (
            _skp(
                evaluasi=[
                    {
                        "jenis_periode": "TAHUNAN",
                        "rating_hasil_kerja": "luar biasa",
                        "rating_perilaku_kerja": 2,
                    }
                ]
            ),
            "evaluasi.0.rating_hasil_kerja",
            "tidak dikenal",
        ),
        (_skp(penilai={"nip": "1.98703E+17"}), "penilai.nip", "format tidak sesuai"),
        ({k: v for k, v in _skp().items() if k != "tahun"}, "tahun", "wajib diisi"),
        (_skp(golongan="III/a"), "golongan", "kolom tidak dikenal"),
    ],
)
def test_bad_skp_is_refused_naming_the_field(
    api: httpx.Client, world: World, body: dict[str, Any], field: str, words: str
) -> None:
    """Matrix, field limits, periods and formats: 422 naming the field, nothing written."""
    nip = staff_nip(world, 1)
    answer = api.put(f"/api/v1/pegawai/{nip}/skp", json=body)
    assert answer.status_code == 422, answer.text
    text = str(answer.json()["detail"])
    assert f"kolom {field}" in text and words in text
    assert api.get(f"/api/v1/pegawai/{nip}/skp").json()["skp"] == []


def test_unknown_employee_bad_json_and_no_key(api: httpx.Client) -> None:
    """An unknown NIP is 404, a body that is not JSON 422, a request without a key 401."""
    unknown = api.put("/api/v1/pegawai/199001012020121999/skp", json=_skp())
    assert unknown.status_code == 404 and "tidak ada pegawai lokal" in unknown.json()["detail"]
    garbage = api.put(
        "/api/v1/pegawai/199001012020121999/skp",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert garbage.status_code == 422 and "bukan JSON" in garbage.json()["detail"][0]["pesan"]
    bare = httpx.get(f"{api.base_url}/api/v1/skp/masalah")
    assert bare.status_code == 401
    assert api.get("/api/v1/skp/masalah").json() == []


def test_a_row_is_claimed_by_one_push_only(api: httpx.Client, world: World, container: Container) -> None:
    """Two pushes that loaded the same evaluation: only the first may mark it sending."""
    from typing import cast

    from sync import runs
    from sync.skp.candidates import load_candidates
    from sync.skp.push import SkpPush, SkpWriter

    nip = staff_nip(world, 0)
    assert api.put(f"/api/v1/pegawai/{nip}/skp", json=_skp()).status_code == 200
    with container.sessions() as session:
        [candidate] = load_candidates(session)
    first = SkpPush(cast(SkpWriter, None), container.sessions)
    second = SkpPush(cast(SkpWriter, None), container.sessions)
    # Each holds a lease of its own kind, so only the row's conditional update can stop one.
    first._lease = runs.acquire(container.sessions, "skp_push_a", first.run_id)
    second._lease = runs.acquire(container.sessions, "skp_push_b", second.run_id)
    assert first._claim(candidate) is True
    assert second._claim(candidate) is False
