"""The SKP push end to end over real sockets: each result reaches SIASN once, never twice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from service.container import Container
from simulators.pmm import PmmSimulator
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import AuditEntry, Pegawai
from store.models_skp import Evaluasi, Skp
from sync.pmm.file_source import import_file
from tests.pmm_jobs_helpers import (
    add_period_results,
    feed,
    push,
    skp_state,
    stocked,
)

__all__ = ["stocked"]  # fixture
pytestmark = pytest.mark.e2e
QUARTER = {
    "id": "2026-T1",
    "tahun": 2026,
    "jenis": "TRIWULAN",
    "mulai": "2026-01-01",
    "selesai": "2026-03-31",
}


def _due(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results of the new quarter the push must send: rated, with a penilai, matrix-true."""
    from simulators.pmm_data import MATRIX as TABLE

    return [
        r
        for r in rows
        if r["status"] == "DINILAI"
        and r["predikat"] == TABLE[(r["rating_hasil_kerja"], r["rating_perilaku_kerja"])]
    ]


def _fed(stocked: Container, pmm_sim: PmmSimulator) -> list[dict[str, Any]]:
    """A quarter of 2026 (all triwulan, so no period breach) fed from PMM and SIASN."""
    for period in list(pmm_sim.periods):  # one Tipe Periodik for the instansi in 2026
        assert period["tahun"] != 2026
    added = add_period_results(pmm_sim, QUARTER)
    assert feed(stocked, "http")["status"] == "completed"
    assert feed(stocked, "siasn")["status"] == "completed"
    return _due(added)


def _in_quarter(report: dict[str, Any], outcome: str) -> int:
    """How many evaluations of the new quarter had ``outcome`` in a push report."""
    return sum(1 for i in report["items"] if i["periode"] == "2026-T1" and i["hasil"] == outcome)


def _quarter_saves(sim: SiasnSimulator) -> int:
    return sum(1 for rows in sim.skp.saved_periodik.values() for r in rows if str(r.get("tahun")) == "2026")


def test_push_sends_each_result_once_and_a_rerun_sends_nothing(
    stocked: Container, pmm_sim: PmmSimulator, sim: SiasnSimulator
) -> None:
    """A quarter fed from PMM is pushed once with ids stored; feeding and pushing again is a no-op."""
    due = _fed(stocked, pmm_sim)
    assert due
    plan = push(stocked, dry_run=True)
    assert _in_quarter(plan, "planned") == len(due) and sim.skp.saves == 0

    first = push(stocked)
    assert _in_quarter(first, "sent") == len(due), first["counts"]
    assert _quarter_saves(sim) == len(due)
    with stocked.sessions() as session:
        stored = session.scalars(
            select(Evaluasi).join(Skp).where(Skp.source == "pmm_http", Evaluasi.jenis_periode == "TRIWULAN")
        ).all()
        assert {e.push_state for e in stored if e.siasn_id} == {"dikirim"}
        assert sum(1 for e in stored if e.siasn_id) == len(due)

    feed(stocked, "http")
    feed(stocked, "siasn")  # reads back the rows we saved: recognised as ours
    before = skp_state(stocked)
    saves = sim.skp.saves
    again = push(stocked)
    assert again["counts"]["sent"] == 0
    assert sim.skp.saves == saves
    assert skp_state(stocked) == before
    with stocked.sessions() as session:
        ours = session.scalar(
            select(func.count()).select_from(Skp).where(Skp.source == "siasn", Skp.tahun == 2026)
        )
    assert ours == 0


def test_push_interrupted_after_the_server_saved_is_not_duplicated(
    stocked: Container, pmm_sim: PmmSimulator, sim: SiasnSimulator
) -> None:
    """SIASN saves, the answer is lost: the next push reads, adopts the row, posts nothing."""
    due = _fed(stocked, pmm_sim)
    sim.skp.drop_after_save = 1
    first = push(stocked)
    assert first["counts"]["uncertain"] == 1
    assert _in_quarter(first, "sent") + _in_quarter(first, "uncertain") == len(due)
    assert _quarter_saves(sim) == len(due)
    with stocked.sessions() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Evaluasi)
                .where(Evaluasi.push_state == "tidak_pasti", Evaluasi.siasn_id.is_(None))
            )
            == 1
        )

    second = push(stocked)
    assert second["counts"]["adopted"] == 1 and second["counts"]["sent"] == 0
    assert _quarter_saves(sim) == len(due)
    with stocked.sessions() as session:
        ids = session.scalars(
            select(Evaluasi.siasn_id)
            .join(Skp)
            .where(
                Skp.source == "pmm_http", Evaluasi.jenis_periode == "TRIWULAN", Evaluasi.siasn_id.is_not(None)
            )
        ).all()
    assert len(ids) == len(set(ids)) == len(due)
    with stocked.sessions() as session:  # our own post, recorded late: sent, not adopted
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.field == "evaluasi:2026-T1"))
        )
    assert actions == {"skp_dikirim"}


def test_results_from_siasn_are_never_pushed(stocked: Container, sim: SiasnSimulator) -> None:
    """Teachers' quarters read from SIASN are stored but never offered to the push."""
    report = feed(stocked, "siasn")
    assert report["counts"]["created"] > 0
    result = push(stocked)
    assert result["counts"]["candidates"] == 0
    assert sim.skp.saves == 0


def _quarter_csv(rows: list[dict[str, Any]]) -> bytes:
    """The quarter's results as a recap CSV (BOM, semicolons, labels as schools download)."""
    from simulators.recap import CSV_HEADER, PREDIKAT_LABELS, RATING_LABELS, STATUS_LABELS

    lines = [";".join(CSV_HEADER)]
    for r in rows:
        p, s, penilai = r["pegawai"], r["satuan_pendidikan"], r["penilai"]
        lines.append(
            ";".join(
                [
                    p["nip"],
                    p["nuptk"] or "",
                    p["nama"],
                    p["jenis_ptk"],
                    s["npsn"],
                    s["nama"],
                    "Triwulan I 2026",
                    STATUS_LABELS[r["status"]],
                    RATING_LABELS[r["rating_hasil_kerja"]][1],
                    RATING_LABELS[r["rating_perilaku_kerja"]][2],
                    PREDIKAT_LABELS[r["predikat"]],
                    penilai["nip"] or "",
                    penilai["nama"] or "",
                    "15/03/2026",
                ]
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_three_sources_fed_and_pushed_twice_post_each_result_once(
    stocked: Container, pmm_sim: PmmSimulator, sim: SiasnSimulator, tmp_path: Path
) -> None:
    """SIASN, the PMM contract and a recap file carry the same quarter: one post per teacher."""
    due = _fed(stocked, pmm_sim)
    path = tmp_path / "rekap-tw1-2026.csv"
    path.write_bytes(_quarter_csv(due))
    imported = import_file(stocked.sessions, path)
    assert imported["counts"]["created"] == len(due), imported["counts"]

    first = push(stocked)
    sent, held = _in_quarter(first, "sent"), _in_quarter(first, "adopted")
    assert sent == len(due) and held == len(due)  # the file's copies adopt the posted rows
    assert _quarter_saves(sim) == len(due)

    for source in ("siasn", "http"):
        assert feed(stocked, source)["counts"]["created"] == 0
    again = import_file(stocked.sessions, path)
    assert again["counts"]["created"] == again["counts"]["updated"] == 0
    second = push(stocked)
    assert _in_quarter(second, "sent") == 0
    assert _quarter_saves(sim) == len(due)


def test_crash_between_save_and_store_is_adopted_not_reposted(
    stocked: Container, pmm_sim: PmmSimulator, sim: SiasnSimulator
) -> None:
    """A row left 'menunggu' without an id (the process died after SIASN saved) is adopted."""
    from mappings.skp_siasn import siasn_body
    from sync.skp.candidates import load_candidates

    _fed(stocked, pmm_sim)
    with transaction(stocked.sessions) as session:
        victim = next(
            c for c in load_candidates(session) if c.periode.key == "2026-T1" and c.body is not None
        )
        row = session.get(Evaluasi, victim.evaluasi_id)
        assert row is not None
        row.push_state, row.push_attempts = "menunggu", 1  # marked sending, then the crash
        pns_id = session.scalar(select(Pegawai.pns_id).where(Pegawai.nip == victim.nip))
    assert pns_id is not None
    status, _ = sim.skp.save("kinerjaperiodik", siasn_body(victim.record, pns_id=pns_id).body())
    assert status == 200
    saves = sim.skp.saves
    report = push(stocked)
    mine = [i for i in report["items"] if i["nip"] == victim.nip and i["periode"] == "2026-T1"]
    assert [i["hasil"] for i in mine] == ["adopted"]
    assert sim.skp.saves == saves + report["counts"]["sent"]
    with stocked.sessions() as session:
        adopted = session.get(Evaluasi, victim.evaluasi_id)
        assert adopted is not None and adopted.siasn_id and adopted.push_state == "dikirim"


def test_two_push_processes_at_once_post_each_result_once(
    stocked: Container, pmm_sim: PmmSimulator, sim: SiasnSimulator
) -> None:
    """Two `skp push` processes started together: one holds the lease, nothing is posted twice."""
    import subprocess
    import sys

    from tests.test_pmm_cli import _env

    due = _fed(stocked, pmm_sim)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}, **_env(stocked, None)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "service.cli", "skp", "push", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    codes = [p.wait(timeout=300) for p in procs]
    assert set(codes) <= {0, 1, 4}, [p.stderr.read() if p.stderr else "" for p in procs]
    assert _quarter_saves(sim) == len(due)
    with stocked.sessions() as session:
        ids = session.scalars(
            select(Evaluasi.siasn_id)
            .join(Skp)
            .where(
                Skp.source == "pmm_http", Evaluasi.jenis_periode == "TRIWULAN", Evaluasi.siasn_id.is_not(None)
            )
        ).all()
    assert len(ids) == len(set(ids)) == len(due)
