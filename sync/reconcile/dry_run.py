"""The dry run: the same work as a run, in memory and in one transaction that is rolled back.

On SQLite the plan is applied in a scratch copy of the file (``sync.reconcile.scratch``), so it
never holds the store's write lock. The dry run is recorded like any run, with its plan, so it
can be reviewed the same way; nothing else is written.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mappings.messages import t
from mappings.units import UnitRecord
from sync import audit
from sync.profil.remote import Known
from sync.reconcile import plan
from sync.reconcile.context import KIND, Context
from sync.reconcile.early_guard import all_workers, counts_of, watched
from sync.reconcile.fetch import Failed, Fetched, fetch_one
from sync.reconcile.guards import SampleWatch, check
from sync.reconcile.integrity import integrity_report
from sync.reconcile.scratch import planning_sessions
from sync.reconcile.steps import (
    conflicts_opened,
    count_situations,
    instansi_of,
    known_bases,
    plan_stats,
    roster_nips,
    unit_failure,
    units_to_json,
)
from sync.reconcile.units_phase import fetch_tree
from sync.runs import RunReport, RunStatus
from sync.unor.tree import stored_units


@dataclass
class _Planned:
    """What the dry run found, before it becomes the report."""

    status: RunStatus
    guard_reason: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: count_situations([]))
    unit_changes: dict[str, Any] = field(default_factory=dict)
    integrity: dict[str, Any] = field(default_factory=dict)
    conflicts_opened: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)  # the stored plan's rows


async def dry_run(ctx: Context) -> RunReport:
    """Plan a whole run without changing the store; the recorded dry run's report."""
    started, calls = time.monotonic(), ctx.siasn.calls
    run_id = f"dry-{uuid.uuid4().hex[:12]}"
    units, failure = await fetch_tree(ctx.siasn)
    nips, known, stored = await asyncio.to_thread(_roster, ctx)
    if failure is not None:
        units, failure = stored, unit_failure(failure, stored=bool(stored))
    fetched: dict[str, Fetched] = {}
    tripped = None
    if units or failure is not None:
        tripped = await _fetch_all(ctx, nips, known, fetched)
    began = audit.now()
    if tripped is not None:
        planned = _Planned(RunStatus.DRY_RUN_ABORTED, tripped, counts_of(fetched.values()))
    else:
        planned = await asyncio.to_thread(_simulate, ctx, run_id, units, fetched, failure)
    duration = round(time.monotonic() - started, 3)
    report = _report(run_id, planned, ctx.siasn.calls - calls, duration, began)
    await asyncio.to_thread(plan.save_dry_run, ctx.sessions, report, planned.changes)
    return report


def _report(run_id: str, planned: _Planned, calls: int, duration: float, began: datetime) -> RunReport:
    return RunReport(
        run_id=run_id,
        kind=KIND,
        status=planned.status,
        phase="done",
        dry_run=True,
        counts=planned.counts,
        calls=calls,
        failed=planned.counts["failed"],
        conflicts_opened=planned.conflicts_opened,
        duration_s=duration,
        guard_reason=planned.guard_reason,
        unit_changes=planned.unit_changes,
        integrity=planned.integrity,
        started_at=began,
        finished_at=audit.now(),
    )


def _roster(ctx: Context) -> tuple[list[str], dict[str, Known], list[UnitRecord]]:
    with ctx.sessions() as session:
        nips = roster_nips(session)
        return nips, known_bases(session, nips), stored_units(session)


async def _fetch_all(
    ctx: Context, nips: list[str], known: dict[str, Known], fetched: dict[str, Fetched]
) -> str | None:
    """Fetch every NIP into ``fetched``; the sample guard's reason when it tripped."""
    queue = iter(nips)
    watch = SampleWatch(ctx.options.guards)

    async def worker() -> None:
        for nip in queue:
            result = await fetch_one(ctx.siasn, nip, known.get(nip))
            fetched[nip] = result
            watched(watch, result)
            ctx.progress("fetch", len(fetched), len(nips))

    await all_workers(worker, ctx.options.concurrency)
    return watch.tripped


def _simulate(
    ctx: Context, run_id: str, units: list[UnitRecord], fetched: dict[str, Fetched], failure: str | None
) -> _Planned:
    """Apply the plan in a transaction that is rolled back; what it would do."""
    if not units and failure is None:
        return _Planned(RunStatus.ABORTED, t("guards.unit_phase_empty"))
    errors = {nip: r.reason for nip, r in fetched.items() if isinstance(r, Failed)}
    with planning_sessions(ctx.sessions) as sessions, sessions() as session:
        try:
            instansi = instansi_of(units_to_json(units))
            verdict = check(plan_stats(session, fetched, instansi), ctx.options.guards)
            situation, unit_changes = plan.simulate(
                session, units, fetched, actor=ctx.options.actor, run_id=run_id, units_failed=failure
            )
            return _Planned(
                status=RunStatus.DRY_RUN_ABORTED
                if verdict.abort
                else (RunStatus.DRY_RUN_HELD if verdict.hold else RunStatus.DRY_RUN),
                guard_reason=verdict.reason,
                counts=count_situations(situation.values()),
                unit_changes=unit_changes,
                integrity=integrity_report(session, instansi),
                conflicts_opened=conflicts_opened(session, run_id),
                changes=plan.capture(session, run_id, situation, errors),
            )
        finally:
            session.rollback()
