"""Issue 17.1, the fault matrix: every job against every fault class, over real sockets.

The table is ``tests/fault_matrix.py::MATRIX``; the bench (world, simulators, store templates)
is ``tests/fault_bench.py``. Each cell makes one local edit, arms its fault, runs the job through
the same entry points the e2e tests use, then checks the outcome the table gives and the
invariants: the edit survives, nothing is half-applied (each employee, SKP and evaluation row is
as before the run or as the fault-free run leaves it), the audit chain verifies, nothing is posted
twice (SIASN's saves counted at the simulator), and a run that did not complete converges to the
fault-free result when run again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests import fault_matrix as fm
from tests.conftest import need_postgres
from tests.fault_bench import (
    LOCAL_PHONE,
    Bench,
    Cell,
    build_bench,
    close_bench,
    hold_sqlite_write_lock,
    terminate_backends,
)
from tests.helpers import pegawai, reconcile, sinkron, store_state
from tests.pmm_jobs_helpers import feed, push, skp_state

pytestmark = pytest.mark.e2e
TYPED_ERRORS = {"UpstreamError", "DatabaseUnavailable", "RunBusy"}
SENT = ("skp_dikirim", "skp_diadopsi")
PENDING = ("menunggu", "gagal", "tidak_pasti")  # claimed before the post, failed, uncertain


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """One world, both simulators and the store templates for the whole module."""
    built = build_bench(tmp_path_factory.mktemp("fault-matrix"))
    yield built
    close_bench(built)


def _run(bench: Bench, job: str, cell: Cell) -> Any:
    """Run ``job`` once through its public entry point; an exception is returned, not raised."""
    try:
        if job == "sinkron":
            return sinkron(cell.container, bench.sinkron_nip)[0]
        if job == "reconcile":
            return reconcile(cell.container)
        if job == "pmm_feed":
            return feed(cell.container, "http")
        return push(cell.container)
    except Exception as exc:  # the cell judges it: a typed error is a clean stop
        return exc


def _outcome(job: str, result: Any, fault: str = "") -> tuple[str, str | None]:
    """(outcome, recorded reason) of one run, in the table's words."""
    if isinstance(result, BaseException):
        names = {k.__name__ for k in type(result).__mro__}
        typed = bool(names & TYPED_ERRORS) or (fault == "disk_full_sqlite" and "full" in str(result))
        return (fm.STOPPED if typed else f"raised {type(result).__name__}"), str(result)
    if job == "sinkron":
        failed = str(result.status) == "failed"
        return (fm.RETRY_LATER, result.reason or result.error) if failed else (fm.COMPLETED, None)
    reason = result.get("guard_reason") or result.get("reason")
    if result["status"] != "completed":
        return fm.STOPPED, reason
    counts, units = result["counts"], result.get("unit_changes") or {}
    if units.get("status") == "failed":
        return fm.RETRY_LATER, units.get("reason")
    if counts.get("failed") or counts.get("uncertain") or counts.get("unread"):
        details = [i.get("detail") or i.get("alasan") for i in result.get("items", [])]
        return fm.RETRY_LATER, reason or "; ".join(str(d) for d in details if d) or str(counts)
    return fm.COMPLETED, None


def _state(cell: Cell) -> dict[str, Any]:
    """Everything a job may change (no ids or times; SIASN's new row ids are random: only
    whether an evaluation has one counts)."""
    skp = skp_state(cell.container)
    skp["evaluasi"] = sorted((*r[:6], "<id>" if r[6] != "None" else "None", r[7]) for r in skp["evaluasi"])
    state = store_state(cell.container)
    state["audit"] = [_sent(e) if e["action"] in SENT else e for e in state["audit"]]
    return {**state, **skp}


def _brief(result: Any) -> Any:
    """What a failing cell prints: the items that did not go through, else the result."""
    if isinstance(result, dict) and "items" in result:
        return [i for i in result["items"] if i.get("hasil") not in ("sent", "adopted", "skipped")]
    return result


def _sent(entry: dict[str, Any]) -> dict[str, Any]:
    """An evaluation SIASN now holds: posted, or (after a lost answer) adopted by the next push."""
    return {**entry, "action": "skp_dikirim|skp_diadopsi", "new_value": "<id>"}


def _baseline(bench: Bench, job: str) -> dict[str, Any]:
    """The fault-free result of ``job`` from the same template with the same local edit (on
    SQLite: the state compared holds no ids or times, so it is the same on PostgreSQL)."""
    key = (job, "sqlite")
    if key not in bench.baselines:
        bench.reset()
        with bench.cell("sqlite", _template(job)) as cell:
            result = _run(bench, job, cell)
            assert _outcome(job, result)[0] == fm.COMPLETED, result
            bench.baselines[key] = {"state": _state(cell), "saves": bench.sim.skp.saves}
    return dict(bench.baselines[key])


def _template(job: str) -> str:
    return "push" if job == "skp_push" else "base"


def _arm(bench: Bench, fault: str, job: str, cell: Cell) -> tuple[Any, int]:
    """Switch the cell's fault on; returns what to ask afterwards whether it was served."""
    where = fm.target(fault, job)
    trip = bench.siasn_trip if where.server == "siasn" else bench.pmm_trip
    if fault == "db_restart_postgresql":
        trip.arm(where.path, where.after, terminate_backends(cell.url))
        return trip, 0
    if fault == "db_locked_sqlite":
        trip.arm(where.path, where.after, hold_sqlite_write_lock(cell.url, 0.5))
        return trip, 0
    if fault == "disk_full_sqlite":
        trip.arm(where.path, where.after, lambda: cell.disk.fill(cell.url))
        return trip, 0
    plan = bench.sim.faults if where.server == "siasn" else bench.pmm_sim.faults
    if fm.expected(fault, job) == fm.NA and job == "pmm_feed":
        plan = bench.sim.faults  # the PMM feed's n/a faults are SIASN's: it never calls SIASN
    script = fm.SCRIPTS[fault]
    plan.script(*script, path=where.path, after=where.after)
    return plan, len(script)


def _served(armed: tuple[Any, int]) -> int:
    """How many of the armed faults were served."""
    switch, scripted = armed
    return int(switch.fired) if scripted == 0 else scripted - int(switch.pending())


def _half_applied(before: dict[str, Any], after: dict[str, Any], good: dict[str, Any]) -> list[Any]:
    """Rows that are neither as before the run nor as the fault-free run leaves them (an
    evaluation the push could not confirm may also wait, unsent, as failed or uncertain)."""
    odd = []
    for table in ("pegawai", "skp", "evaluasi"):
        allowed = [_data(row) for row in before[table] + good[table]]
        odd += [(table, row) for row in after[table] if _data(row) not in allowed]
    unsent = {tuple(r[:5]) for r in before["evaluasi"]}
    return [
        (table, row)
        for table, row in odd
        if not (table == "evaluasi" and row[6] == "None" and row[7] in PENDING)
        or tuple(row[:5]) not in unsent
    ]


def _data(row: Any) -> Any:
    """A row as data: an employee's ``siasn_digest`` (which SIASN record was last applied, a
    cache of the fast path) may be newer than its stored values, e.g. when ref-unor failed and
    a renamed unit's name waits for the next night."""
    return {k: v for k, v in row.items() if k != "siasn_digest"} if isinstance(row, dict) else row


CELLS = [
    pytest.param(job, fault, id=f"{job}-{fault}", marks=_marks)
    for job, fault in fm.cells()
    for _marks in [[pytest.mark.postgres] if fm.backend(fault) == "postgresql" else []]
]


@pytest.mark.parametrize(("job", "fault"), CELLS)
def test_fault_cell(bench: Bench, job: str, fault: str) -> None:
    """One cell of the matrix: the table's outcome and every invariant."""
    backend = fm.backend(fault)
    if backend == "postgresql":
        need_postgres()
    expect = fm.expected(fault, job)
    good = _baseline(bench, job)
    bench.reset()
    with bench.cell(backend, _template(job)) as cell:
        before = _state(cell)
        armed = _arm(bench, fault, job, cell)
        result = _run(bench, job, cell)
        served = _served(armed)
        assert not bench.siasn_trip.errors + bench.pmm_trip.errors, "the database fault itself failed"
        bench.disarm()
        cell.disk.on = False
        after = _state(cell)
        outcome, reason = _outcome(job, result, fault)
        stored = pegawai(cell.container, bench.edit_nip)
        assert stored is not None and stored.no_hp == LOCAL_PHONE, "the local edit was lost"
        odd = _half_applied(before, after, good["state"])
        assert not odd, f"half-applied rows: {odd}"
        _assert_chain(cell)
        if expect == fm.NA:
            assert served == 0, f"{fault} was served to {job}, the table says n/a"
            assert outcome == fm.COMPLETED, (outcome, reason, _brief(result))
            assert not _diff(after, good["state"])
            return
        assert served > 0, f"{fault} never reached {job}"
        if expect == fm.STOPPED_IF_FULL:  # a write needing no new page fits on a full disk too
            expect = fm.STOPPED if cell.disk.seen else fm.COMPLETED
        if fault == "disk_full_sqlite":
            assert (cell.disk.seen > 0) == (expect == fm.STOPPED), cell.disk
        assert outcome == expect, (outcome, reason, _brief(result))
        _assert_run_not_completed_when_it_raised(cell, job, result)
        if outcome == fm.COMPLETED:
            assert not _diff(after, good["state"])
        else:
            assert reason, f"{job} under {fault}: {outcome} without a recorded reason"
            again = _run(bench, job, cell)
            assert _outcome(job, again)[0] == fm.COMPLETED, again
            drift = _diff(_state(cell), good["state"])
            assert not drift, f"a rerun did not converge to the fault-free result: {drift}"
            stored = pegawai(cell.container, bench.edit_nip)
            assert stored is not None and stored.no_hp == LOCAL_PHONE
        assert bench.sim.skp.saves == good["saves"], "a result was posted twice (or never)"


def _diff(state: dict[str, Any], good: dict[str, Any]) -> dict[str, Any]:
    """Per table: rows only in ``state`` and rows only in ``good`` (empty when equal)."""
    out = {}
    for table, rows in state.items():
        extra = [r for r in rows if r not in good[table]]
        missing = [r for r in good[table] if r not in rows]
        if extra or missing:
            out[table] = {"extra": extra, "missing": missing}
    return out


def _assert_run_not_completed_when_it_raised(cell: Cell, job: str, result: Any) -> None:
    """A run that ended in an exception is never recorded as completed."""
    if not isinstance(result, BaseException) or job == "sinkron":
        return
    with cell.container.sessions() as session:
        status = session.execute(
            sa.text("SELECT status FROM sync_run ORDER BY started_at DESC LIMIT 1")
        ).scalar()
    assert status != "completed", f"{job} raised {result!r} but its run is recorded completed"


def _assert_chain(cell: Cell) -> None:
    """The audit log still verifies."""
    from sync.audit.verify import verify_chain

    with cell.container.sessions() as session:
        report = verify_chain(session)
    assert report.ok, report


def test_push_dying_after_a_post_records_a_failed_run_and_never_posts_twice(bench: Bench) -> None:
    """SIASN saves, then the store refuses the write of the id (read-only): the push raises, its run
    is recorded failed with the reason (it was recorded completed before: found by the disk-full
    cell), and the next push adopts SIASN's row instead of posting it again."""
    good = _baseline(bench, "skp_push")
    bench.reset()
    with bench.cell("sqlite", "push") as cell:
        bench.siasn_trip.arm("kinerjaperiodik/save", 0, lambda: setattr(cell.disk, "read_only", 1))
        result = _run(bench, "skp_push", cell)
        assert isinstance(result, Exception) and "readonly" in str(result), result
        with cell.container.sessions() as session:
            run = session.execute(
                sa.text("SELECT status, guard_reason FROM sync_run ORDER BY started_at DESC LIMIT 1")
            ).one()
        assert run.status == "failed" and "terhenti" in run.guard_reason, run
        again = _run(bench, "skp_push", cell)
        assert _outcome("skp_push", again)[0] == fm.COMPLETED, again
        assert not _diff(_state(cell), good["state"])
        assert bench.sim.skp.saves == good["saves"]


def test_reliability_lists_every_cell_with_its_outcome() -> None:
    """RELIABILITY.md's fault matrix names every cell's test with the table's outcome."""
    text = (Path(__file__).parent.parent / "RELIABILITY.md").read_text(encoding="utf-8")
    listed = {}
    for line in text.splitlines():
        if line.startswith("|") and "`test_fault_cell[" in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            listed[cells[3].strip("`")] = cells[2]
    for job, fault in fm.cells():
        shown = listed.get(f"test_fault_cell[{job}-{fault}]")
        assert shown is not None, (job, fault)
        assert shown.split(":")[0] == fm.expected(fault, job), (job, fault, shown)
