"""Nightly reconciliation of a whole instansi (DESIGN §6): the phase loop.

Phases, each checkpointed in ``sync_run.phase`` so a killed run resumes where it stopped, each
in its own module:

1. ``units`` (``units_phase``): fetch ref-unor, stage it, list the roster in ``run_item``.
2. ``fetch`` (``fetch_phase``): data-utama per NIP, staged in batches; sample guards.
3. ``guard`` (``guard_phase``): abort, hold for an admin's approval, or go on.
4. ``apply`` (``apply_phase``): the unit tree, then employees in batches.
5. ``supervisors`` (``supervisors_phase``): supervisor links, integrity, final counts.

A dry run (``dry_run``) does the same work in memory and in a transaction that is rolled back.

Every write transaction of a run is short (``ReconcileOptions.write_slice_s``, a fraction of a
second): the apply and the supervisor phases commit in slices bounded by time as well as size,
and whole-store reads (the staged plan, the unit tree, the integrity report) happen outside
them, so an interactive write (a decision, an edit) waits well under a second even on SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy.orm import Session, sessionmaker

from connectors.siasn.client import SiasnClient
from store.models import SyncRun
from sync import runs
from sync.fence import DatabaseStopped, Fence
from sync.fence import RunStopped as RunStopped  # re-exported: callers catch it here
from sync.reconcile.apply_phase import apply_phase
from sync.reconcile.begin import begin_run
from sync.reconcile.context import KIND, Context, Progress, ReconcileOptions
from sync.reconcile.dry_run import dry_run
from sync.reconcile.fetch_phase import fetch_phase
from sync.reconcile.guard_phase import guard_phase
from sync.reconcile.supervisors_phase import supervisors_phase
from sync.reconcile.units_phase import units_phase
from sync.runs import RunReport, RunStatus

__all__ = ["KIND", "ReconcileOptions", "Reconciler", "RunStopped"]

log = structlog.get_logger(__name__)
Phase = Callable[[Context, str], Awaitable[None]]
PHASES: dict[str, Phase] = {
    "units": units_phase,
    "fetch": fetch_phase,
    "guard": guard_phase,
    "apply": apply_phase,
    "supervisors": supervisors_phase,
}


class Reconciler:
    """Runs (or resumes) one reconciliation."""

    def __init__(
        self,
        siasn: SiasnClient,
        sessions: sessionmaker[Session],
        options: ReconcileOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.options = options or ReconcileOptions()
        self._ctx = Context(
            siasn=siasn,
            sessions=sessions,
            options=self.options,
            progress=progress or (lambda _phase, _done, _total: None),
            fence=Fence(sessions, KIND),
        )

    async def run(self) -> dict[str, Any]:
        """Run to completion (or to a guard); the run report as JSON."""
        return (await self.execute()).to_json()

    async def execute(self) -> RunReport:
        """Run to completion (or to a guard); the run report."""
        if self.options.dry_run:
            return await dry_run(self._ctx)
        fence = self._ctx.fence
        run_id = await fence.call(begin_run, self._ctx.sessions, fence, self.options)
        bound = log.bind(run_id=run_id)
        try:
            with fence.renewing():
                await self._advance(run_id)
        except (runs.LeaseLost, DatabaseStopped) as exc:
            event = (
                "reconcile_lease_lost"
                if isinstance(exc, runs.LeaseLost)
                else "reconcile_database_unavailable"
            )
            bound.warning(event, reason=str(exc))
            await asyncio.to_thread(fence.orphaned, run_id, str(exc))
            raise
        except RunStopped as exc:
            await fence.call(self._ctx.mark, run_id, status=RunStatus.STOPPED, reason=str(exc))
            bound.warning("reconcile_stopped", error_kind=type(exc.__cause__).__name__)
        finally:
            await asyncio.to_thread(fence.release)
        report: RunReport = await fence.call(self._report, run_id)
        bound.info("reconcile_finished", status=report.status.value, counts=report.counts)
        return report

    async def _advance(self, run_id: str) -> None:
        """Run the phases from the stored one until the run is done or stops."""
        while (phase := await self._ctx.fence.call(self._phase, run_id)) in PHASES:
            await PHASES[phase](self._ctx, run_id)

    def _phase(self, run_id: str) -> str:
        with self._ctx.sessions() as session:
            run = session.get_one(SyncRun, run_id)
            return run.phase if run.status == RunStatus.RUNNING else "done"

    def _report(self, run_id: str) -> RunReport:
        with self._ctx.sessions() as session:
            return RunReport.of(session.get_one(SyncRun, run_id))
