"""The PMM feed end to end over real sockets (PMM and SIASN simulators), SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from service.container import Container
from simulators.dataset import World
from simulators.pmm import PmmSimulator
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import Pegawai
from store.models_skp import Evaluasi, PmmCursor, Skp
from tests.pmm_jobs_helpers import feed, open_rules, skp_state, stocked

__all__ = ["stocked"]  # fixture

pytestmark = pytest.mark.e2e


def test_http_feed_stores_every_result_once_and_rerun_changes_nothing(
    stocked: Container, pmm_sim: PmmSimulator
) -> None:
    """Every PMM result lands as one SKP; a second run reads only the window, all duplicates."""
    first = feed(stocked, "http")
    total = len(pmm_sim.results)
    assert first["status"] == "completed", first
    assert first["counts"]["read"] == total
    assert first["counts"]["created"] == total
    assert first["counts"]["rejected"] == 0
    with stocked.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Skp)) == total
        assert session.scalar(select(func.count()).select_from(PmmCursor)) == 3
    before = skp_state(stocked)
    second = feed(stocked, "http")
    assert second["counts"]["created"] == second["counts"]["updated"] == 0
    assert second["counts"]["duplicate"] == second["counts"]["read"]
    assert skp_state(stocked) == before


def test_predikat_mismatch_is_reported_and_kept_as_given(stocked: Container, pmm_sim: PmmSimulator) -> None:
    """A predikat that disagrees with the matrix is stored as PMM sent it, with a problem."""
    feed(stocked, "http")
    odd = [
        r
        for r in pmm_sim.results.values()
        if r["status"] == "DINILAI"
        and r["predikat"] != _matrix(r["rating_hasil_kerja"], r["rating_perilaku_kerja"])
    ]
    assert odd, "the simulator should hold a few mismatching results"
    for row in odd:
        assert "predikat_tidak_sesuai" in open_rules(stocked, row["pegawai"]["nip"])
        with stocked.sessions() as session:
            stored = session.scalar(select(Evaluasi.predikat).join(Skp).where(Skp.source_id == row["id"]))
        assert stored == _CODES[row["predikat"]]


_CODES = {"SANGAT_BAIK": 1, "BAIK": 2, "BUTUH_PERBAIKAN": 3, "KURANG": 4, "SANGAT_KURANG": 5}


def _matrix(hasil: str, perilaku: str) -> str:
    from simulators.pmm_data import MATRIX

    return MATRIX[(hasil, perilaku)]


def _teachers(pmm_sim: PmmSimulator, periode: str) -> list[dict[str, Any]]:
    """Rated teacher (not principal) results of one period whose predikat fits the matrix."""
    return [
        r
        for r in pmm_sim.results.values()
        if r["periode_id"] == periode
        and r["pegawai"]["jenis_ptk"] == "GURU"
        and r["status"] == "DINILAI"
        and r["penilai"]["nip"]
        and r["predikat"] == _matrix(r["rating_hasil_kerja"], r["rating_perilaku_kerja"])
    ]


def _add(pmm_sim: PmmSimulator, row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A new result in the simulator: a copy of ``row`` with ``changes`` and its own id."""
    new = copy.deepcopy(row)
    new.update(changes)
    new["id"] = f"{row['id'][:-6]}{len(pmm_sim.results):06d}"
    pmm_sim.results[new["id"]] = new
    return new


def test_every_rule_yields_its_per_teacher_reason(
    stocked: Container, pmm_sim: PmmSimulator, world: World
) -> None:
    """Each known failure cause becomes a problem for exactly the teacher it concerns."""
    guru = _teachers(pmm_sim, "2025")
    renamed, unknown, moved, rerated = guru[0], guru[1], guru[2], guru[3]
    # NIP in Dapodik differs from SIASN: same person (name, NUPTK), another NIP
    dapodik_nip = "19" + renamed["pegawai"]["nip"][2:-3] + "999"
    pmm_sim.touch(renamed["id"], pegawai={**renamed["pegawai"], "nip": dapodik_nip})
    # nobody the store knows
    pmm_sim.touch(
        unknown["id"],
        pegawai={
            **unknown["pegawai"],
            "nip": "199001012020121999",
            "nama": "Orang Asing",
            "nuptk": "9999999999999999",
        },
    )
    # the school's unit not matched: the teacher's unit is not an active unit here
    with transaction(stocked.sessions) as session:
        session.execute(update(Pegawai).where(Pegawai.nip == moved["pegawai"]["nip"]).values(unor_id=None))
    # rated by someone who is not the supervisor on record
    stranger = next(
        p
        for p in world.pegawai.values()
        if p.nip != rerated["penilai"]["nip"] and p.nip != rerated["pegawai"]["nip"]
    )
    pmm_sim.touch(rerated["id"], penilai={**rerated["penilai"], "nip": stranger.nip})
    # a school whose principal has no SKP of their own: drop the principal's results
    school = guru[4]["satuan_pendidikan"]["npsn"]
    head = guru[4]["penilai"]["nip"]
    for key in [k for k, r in pmm_sim.results.items() if r["pegawai"]["nip"] == head]:
        del pmm_sim.results[key]
    # periods: a triwulan beside the semesters of 2024, the second semester twice, a bad one
    pmm_sim.periods += [
        {"id": "2024-T3", "tahun": 2024, "jenis": "TRIWULAN", "mulai": "2024-07-01", "selesai": "2024-09-30"},
        {"id": "2024-2b", "tahun": 2024, "jenis": "SEMESTER", "mulai": "2024-07-01", "selesai": "2024-12-31"},
        {"id": "2026-x", "tahun": 2026, "jenis": "SEMESTER", "mulai": "2026-02-01", "selesai": "2026-07-31"},
    ]
    odd = _add(pmm_sim, guru[5], periode_id="2026-x")
    in_2024 = next(r for r in _teachers(pmm_sim, "2024-1"))

    report = feed(stocked, "http")

    assert report["status"] == "completed"
    assert open_rules(stocked, dapodik_nip) >= {"nip_beda_siasn"}
    assert open_rules(stocked, "199001012020121999") == {"pegawai_tidak_dikenal"}
    assert "unor_belum_padan" in open_rules(stocked, moved["pegawai"]["nip"])
    assert "atasan_salah" in open_rules(stocked, rerated["pegawai"]["nip"])
    assert "kepsek_tanpa_skp" in open_rules(stocked, guru[4]["pegawai"]["nip"])
    assert "periode_tidak_standar" in open_rules(stocked, odd["pegawai"]["nip"])
    assert {"tipe_periodik_campur", "angka_periodik_ganda"} <= open_rules(stocked, in_2024["pegawai"]["nip"])
    clean = next(r for r in guru[6:] if r["satuan_pendidikan"]["npsn"] != school)
    assert not open_rules(stocked, clean["pegawai"]["nip"], "2025")
    by_nip = {p["nip"]: p for p in report["problems"] if p["aturan"] == "nip_beda_siasn"}
    assert renamed["pegawai"]["nip"] in by_nip[dapodik_nip]["alasan"]
    assert by_nip[dapodik_nip]["oleh"] == "operator sekolah (Dapodik)"


def test_fixed_problem_is_resolved_on_the_next_read(stocked: Container, pmm_sim: PmmSimulator) -> None:
    """A plan agreed later resolves its 'not agreed' problem when the result is read again."""
    pending = next(r for r in pmm_sim.results.values() if r["status"] == "DIAJUKAN")
    nip = pending["pegawai"]["nip"]
    feed(stocked, "http")
    assert "rencana_belum_disepakati" in open_rules(stocked, nip)
    pmm_sim.touch(pending["id"], status="DISEPAKATI")
    feed(stocked, "http")
    assert "rencana_belum_disepakati" not in open_rules(stocked, nip)


def test_siasn_feed_is_authoritative_and_a_rerun_changes_nothing(stocked: Container) -> None:
    """Teachers' rw-skp22 / rw-kinerjaperiodik become one SKP per year; reading again is a no-op."""
    first = feed(stocked, "siasn")
    assert first["status"] == "completed" and first["counts"]["created"] > 0
    with stocked.sessions() as session:
        sources = set(session.scalars(select(Skp.source)))
        quarters = session.scalar(
            select(func.count())
            .select_from(Evaluasi)
            .where(Evaluasi.jenis_periode == "TRIWULAN", Evaluasi.siasn_id.is_not(None))
        )
    assert sources == {"siasn"} and quarters
    before = skp_state(stocked)
    second = feed(stocked, "siasn")
    assert second["counts"]["created"] == second["counts"]["updated"] == 0
    assert skp_state(stocked) == before


class _DropPages(httpx.AsyncBaseTransport):
    """The network between us and PMM: drops every request for a later page while armed."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and "cursor=" in str(request.url):
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


def test_interrupted_http_read_resumes_from_its_page_cursor(
    stocked: Container, pmm_sim: PmmSimulator
) -> None:
    """A read that fails on page 2 keeps page 1 and its cursor; the next read finishes the rest."""
    from service.pmm_client import open_pmm
    from sync.pmm.http_source import feed_http

    config = stocked.settings.pmm.model_copy(update={"page_size": 20})
    network = _DropPages()

    async def run() -> dict[str, Any]:
        network.inner = httpx.AsyncHTTPTransport()  # connections belong to one event loop
        async with open_pmm(config, network) as pmm:
            assert pmm is not None
            return await feed_http(stocked.sessions, pmm)

    broken = asyncio.run(run())
    assert broken["status"] == "failed" and "PMM" in (broken["guard_reason"] or "")
    assert broken["counts"]["created"] == 20
    with stocked.sessions() as session:
        cursor = session.get(PmmCursor, ("pmm_http", pmm_sim.periods[0]["id"]))
        assert cursor is not None and cursor.page_cursor and cursor.high_water is None
    network.armed = False
    resumed = asyncio.run(run())
    assert resumed["status"] == "completed"
    assert resumed["counts"]["created"] == len(pmm_sim.results) - 20
    with stocked.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Skp)) == len(pmm_sim.results)


def test_siasn_rows_breaking_period_rules_give_per_teacher_reasons(
    stocked: Container, world: World, sim: SiasnSimulator
) -> None:
    """A quarter recorded twice, a month beside quarters and an odd span, each for its teacher."""
    from simulators.siasn_skp import periodik_row

    teachers = [p for p in world.pegawai.values() if p.nuptk and sim.skp.kinerjaperiodik_rows(p)][:3]
    twice, mixed, odd = teachers
    body = {
        "tahun": 2025,
        "periodikId": "2",
        "bulanMulaiPenilaian": 1,
        "bulanSelesaiPenilaian": 3,
        "hasilKinerjaNilai": 2,
        "perilakuKerjaNilai": 2,
        "kuadranKinerjaNilai": 2,
    }
    sim.skp.saved_periodik[twice.pns_id] = [periodik_row("dup-q1", twice, body)]
    sim.skp.saved_periodik[mixed.pns_id] = [
        periodik_row(
            "month-4",
            mixed,
            {**body, "periodikId": "1", "bulanMulaiPenilaian": 4, "bulanSelesaiPenilaian": 4},
        )
    ]
    sim.skp.saved_periodik[odd.pns_id] = [
        periodik_row("odd-span", odd, {**body, "bulanMulaiPenilaian": 2, "bulanSelesaiPenilaian": 4})
    ]

    report = feed(stocked, "siasn")

    assert report["status"] == "completed"
    assert open_rules(stocked, twice.nip, "2025") == {"angka_periodik_ganda"}
    assert open_rules(stocked, mixed.nip, "2025") == {"tipe_periodik_campur"}
    assert "periode_tidak_standar" in open_rules(stocked, odd.nip)
    clean = next(
        p for p in world.pegawai.values() if p.nuptk and p not in teachers and sim.skp.kinerjaperiodik_rows(p)
    )
    assert not open_rules(stocked, clean.nip)


def test_siasn_feed_stopped_by_credentials_resumes_after_its_last_batch(
    stocked: Container, sim: SiasnSimulator
) -> None:
    """Credentials refused mid-run: the run stops, kept batches stay; the next run resumes."""
    from sync.pmm.feed import feed_siasn
    from sync.pmm.siasn_source import teacher_nips

    with stocked.sessions() as session:
        nips = teacher_nips(session)
    refused = nips[12]
    sim.faults.script("apim_401", "apim_401", path=f"rw-skp22/{refused}")

    async def run() -> dict[str, Any]:
        async with stocked.siasn() as siasn:
            return await feed_siasn(stocked.sessions, siasn, batch_size=5, concurrency=1)

    stopped = asyncio.run(run())
    assert stopped["status"] == "stopped" and "ditolak" in (stopped["guard_reason"] or "")
    with stocked.sessions() as session:
        cursor = session.get(PmmCursor, ("siasn", "guru"))
        assert cursor is not None and cursor.page_cursor == nips[9]  # two batches kept
        kept = set(session.scalars(select(Skp.nip)))
    assert kept and kept <= set(nips[:10])
    resumed = asyncio.run(run())
    assert resumed["status"] == "completed"
    with stocked.sessions() as session:
        cursor = session.get(PmmCursor, ("siasn", "guru"))
        assert cursor is not None and cursor.page_cursor is None and cursor.high_water
        assert refused in set(session.scalars(select(Skp.nip)))


def test_stale_page_cursor_is_dropped_and_the_period_read_again(
    stocked: Container, pmm_sim: PmmSimulator
) -> None:
    """A stored cursor PMM refuses (400) fails that run with the reason; the next reads it all."""
    from sync import audit

    with transaction(stocked.sessions) as session:
        session.add(
            PmmCursor(source="pmm_http", scope="2024-1", page_cursor="eyJ4IjoxfQ", updated_at=audit.now())
        )
    failed = feed(stocked, "http")
    assert failed["status"] == "failed" and "400" in (failed["guard_reason"] or "")
    with stocked.sessions() as session:
        cursor = session.get(PmmCursor, ("pmm_http", "2024-1"))
        assert cursor is not None and cursor.page_cursor is None
    again = feed(stocked, "http")
    assert again["status"] == "completed"
    with stocked.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Skp)) == len(pmm_sim.results)
