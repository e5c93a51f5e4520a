"""SKP results SIASN already holds with another rating: one conflict each, decided by an admin.

The push never posts a second row for a rated period; it opens a conflict (local vs SIASN) once,
exits 0, and leaves the result alone until an admin takes SIASN's rating or keeps the local one,
which the next push sends as an update of that SIASN row.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from service.cli.skp import exit_code
from service.container import Container
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import Conflict
from store.models_skp import Evaluasi
from sync.konflik.decide import Resolution, decide
from sync.konflik.errors import KonflikError
from sync.konflik.query import KonflikFilter, list_conflicts
from sync.konflik.scope import ADMIN_CLI
from sync.skp.konflik import KIND
from tests.pmm_jobs_helpers import feed, push, stocked

__all__ = ["stocked"]  # fixture
pytestmark = pytest.mark.e2e


def _skp_conflicts(container: Container) -> list[Conflict]:
    with container.sessions() as session:
        return list(session.scalars(select(Conflict).where(Conflict.kind == KIND).order_by(Conflict.id)))


def _decide(container: Container, conflict_id: int, resolution: Resolution) -> None:
    with transaction(container.sessions) as session:
        decide(
            session,
            ADMIN_CLI,
            [conflict_id],
            resolution,
            actor="admin-bkd",
            reason="dicek dengan pejabat penilai",
        )


def _siasn_row(sim: SiasnSimulator, conflict: Conflict) -> dict[str, Any]:
    wanted = conflict.remote_value["id_siasn"]
    for person in sim.world.pegawai.values():
        for row in sim.skp.kinerjaperiodik_rows(person) + sim.skp.skp22_rows(person):
            if row["id"] == wanted:
                return row
    raise AssertionError(f"SIASN row {wanted} not found")


def test_different_siasn_rating_is_a_conflict_reported_once(stocked: Container, sim: SiasnSimulator) -> None:
    """A rating SIASN holds differently is a conflict (exit 0), not a failure every night."""
    assert feed(stocked, "http")["status"] == "completed"
    plan = push(stocked, dry_run=True)
    first = push(stocked)
    opened = first["counts"]["konflik"]
    assert opened > 0 and plan["counts"]["konflik"] == opened, first["counts"]
    assert first["counts"]["failed"] == 0 and exit_code(first) == 0
    conflicts = _skp_conflicts(stocked)
    assert len(conflicts) == opened and sim.skp.saves == first["counts"]["sent"]
    assert all(c.status == "open" and "berbeda" in c.explanation for c in conflicts)
    with stocked.sessions() as session:
        page = list_conflicts(session, ADMIN_CLI, KonflikFilter(kind=KIND))
    assert page.total == opened

    second = push(stocked)
    assert second["counts"]["konflik"] == 0 and second["counts"]["failed"] == 0
    assert exit_code(second) == 0 and sim.skp.saves == first["counts"]["sent"]
    assert not [i for i in second["items"] if i["hasil"] in ("konflik", "failed")]
    assert len(_skp_conflicts(stocked)) == opened


def test_decisions_take_siasn_or_keep_local_and_push_again(stocked: Container, sim: SiasnSimulator) -> None:
    """Take SIASN settles the result locally; keep local makes the next push overwrite SIASN's
    row (same id, no second row); setting a value is refused."""
    feed(stocked, "http")
    push(stocked)
    take, keep = _skp_conflicts(stocked)[:2]
    with pytest.raises(KonflikError), transaction(stocked.sessions) as session:
        decide(session, ADMIN_CLI, [take.id], Resolution.SET_VALUE, actor="admin", reason="coba", value="1")
    _decide(stocked, take.id, Resolution.TAKE_SIASN)
    _decide(stocked, keep.id, Resolution.KEEP_LOCAL)
    with stocked.sessions() as session:
        taken = session.get_one(Evaluasi, take.local_value["evaluasi_id"])
        assert taken.push_state == "dikirim"
        assert taken.rating_hasil_kerja == take.remote_value["hasil_kerja"]
        assert taken.rating_perilaku_kerja == take.remote_value["perilaku_kerja"]

    saves = sim.skp.saves
    after = push(stocked)
    assert after["counts"]["sent"] == 1 and after["counts"]["konflik"] == 0, after["counts"]
    assert exit_code(after) == 0 and sim.skp.saves == saves + 1
    row = _siasn_row(sim, keep)
    assert int(row["hasilKinerjaNilai"]) == keep.local_value["hasil_kerja"]
    perilaku = row.get("perilakuKerjaNilai") or row["PerilakuKerjaNilai"]  # skp22: capitalised
    assert int(perilaku) == keep.local_value["perilaku_kerja"]
    assert push(stocked)["counts"]["sent"] == 0 and sim.skp.saves == saves + 1
