"""Nightly reconciliation of a whole instansi (DESIGN §6).

Phases, each checkpointed in ``sync_run.phase`` so a killed run resumes where it stopped:

1. ``units``: fetch ref-unor (abort when empty), stage it, list the roster in ``run_item``.
   When ref-unor fails, the stored tree is staged instead and no unit is changed; the report's
   ``unit_changes`` says ``{"status": "failed", "reason": ...}``. With no stored tree either (a
   first night), employees are still reconciled with the unit id and name data-utama gives, as
   Sinkron SIASN does, unconfirmed by ref-unor until a later night stores the tree.
2. ``fetch``: data-utama per NIP (riwayat only on rank/position change), concurrently within the
   shared rate budget; results staged in batches. Nothing local changes yet. The failing and
   unknown-NIP guards are already checked on a sample (``GuardPolicy.sample_size``).
3. ``guard``: on the complete plan: abort when the source is empty or mostly failing, hold
   before a mass unit change or deactivation until an admin approves it (the console's
   button, ``runs setujui``; ``sync.run_approval``); a later run replaces a held one.
4. ``apply``: the unit tree (removed units -> conflicts), then employees in batches, each batch's
   data and item states in one transaction.
5. ``supervisors``: recompute every supervisor link, integrity report, final counts.

A dry run does the same work in memory and in one transaction that is rolled back (on SQLite in
a scratch copy of the file, so the plan never holds the store's write lock).

Every write transaction of a run is short (``ReconcileOptions.write_slice_s``, a fraction of a
second): the apply and the supervisor phases commit in slices bounded by time as well as size,
and whole-store reads (the staged plan, the unit tree, the integrity report) happen outside
them, so an interactive write (a decision, an edit) waits well under a second even on SQLite.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import structlog
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import AuthError, UpstreamError
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from mappings.units import UnitRecord
from store.db import transaction
from store.models import RunItem, SyncRun
from sync import audit, clock, run_approval, run_plan, runs
from sync.claims import claim_conflicts
from sync.early_guard import all_workers, counts_of, tally, watched
from sync.fence import DatabaseStopped, Fence
from sync.fence import RunStopped as RunStopped  # re-exported: callers catch it here
from sync.guards import GuardPolicy, SampleWatch, check
from sync.integrity import integrity_report
from sync.profile import Known, RemoteProfile, fetch_profile
from sync.run_steps import (
    FAILED,
    apply_item,
    apply_unit_phase,
    conflicts_opened,
    count_situations,
    finish,
    instansi_of,
    known_bases,
    org_context,
    plan_stats,
    progress_counts,
    roster_nips,
    staged,
    strand_conflicts,
    unit_failure,
    units_from_json,
    units_to_json,
)
from sync.scratch import planning_sessions
from sync.snapshot import from_snapshot, to_snapshot
from sync.supervision import OrgContext, recompute_slice
from sync.units import fetch_units, stored_units

KIND = "reconcile"
log = structlog.get_logger(__name__)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReconcileOptions:
    """How a run behaves."""

    dry_run: bool = False
    confirm: bool = False
    concurrency: int = 16
    batch_size: int = 200
    guards: GuardPolicy = field(default_factory=GuardPolicy)
    actor: str = "rekonsiliasi"
    approval_reason: str | None = None  # why a held run is approved (``confirm``), audited
    lease_seconds: float = runs.LEASE_SECONDS
    write_slice_s: float = 0.15  # longest a write transaction of the apply/supervisor phases runs
    timezone: str = clock.DEFAULT_ZONE  # the display timezone of the times in item reasons


@dataclass
class _Fetched:
    results: dict[str, RemoteProfile | object | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    tripped: str | None = None


class Reconciler:
    """Runs (or resumes) one reconciliation."""

    def __init__(
        self,
        siasn: SiasnClient,
        sessions: sessionmaker[Session],
        options: ReconcileOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.siasn = siasn
        self.sessions = sessions
        self.options = options or ReconcileOptions()
        self.progress = progress or (lambda _phase, _done, _total: None)
        self._plan: list[dict[str, Any]] = []
        self._fence = Fence(sessions, KIND)

    async def run(self) -> dict[str, Any]:
        """Run to completion (or to a guard); returns the run report."""
        if self.options.dry_run:
            return await self._dry_run()
        run_id = await self._fence.call(self._begin)
        bound = log.bind(run_id=run_id)
        try:
            with self._fence.renewing():
                await self._advance(run_id)
        except runs.LeaseLost as exc:
            bound.warning("reconcile_lease_lost", reason=str(exc))
            await asyncio.to_thread(self._fence.orphaned, run_id, str(exc))
            raise
        except DatabaseStopped as exc:
            bound.warning("reconcile_database_unavailable", reason=str(exc))
            await asyncio.to_thread(self._fence.orphaned, run_id, str(exc))
            raise
        except RunStopped as exc:
            await self._fence.call(self._mark, run_id, status="stopped", reason=str(exc))
            bound.warning("reconcile_stopped", error_kind=type(exc.__cause__).__name__)
        finally:
            await asyncio.to_thread(self._fence.release)
        report: dict[str, Any] = await self._fence.call(self._report, run_id)
        bound.info("reconcile_finished", status=report["status"], counts=report["counts"])
        return report

    # lifecycle ---------------------------------------------------------------------------
    def _begin(self) -> str:
        provisional = uuid.uuid4().hex[:16]
        self._fence.acquire(provisional, self.options.lease_seconds)
        with transaction(self.sessions) as session:
            existing = runs.unfinished(session, KIND)
            if existing is not None and existing.status == "held" and not self.options.confirm:
                run_approval.supersede(session, existing, provisional, actor=self.options.actor)
                existing = None
            if existing is not None:
                if existing.status == "held":
                    self._approve(session, existing)
                runs.hold(session, self._fence.held(), existing.id)
                existing.status = "running"
                log.info("reconcile_resuming", run_id=existing.id, phase=existing.phase)
                return existing.id
            runs.hold(session, self._fence.held(), provisional)
            session.add(
                SyncRun(
                    id=provisional,
                    kind=KIND,
                    status="running",
                    phase="units",
                    dry_run=False,
                    options=_options_json(self.options),
                    counts={},
                    started_at=audit.now(),
                    calls=0,
                    failed=0,
                    conflicts_opened=0,
                )
            )
        return provisional

    async def _advance(self, run_id: str) -> None:
        steps = {
            "units": self._units,
            "fetch": self._fetch,
            "guard": self._guard,
            "apply": self._apply,
            "supervisors": self._supervisors,
        }
        while True:
            phase = await self._fence.call(self._phase, run_id)
            if phase not in steps:
                return
            await steps[phase](run_id)

    def _phase(self, run_id: str) -> str:
        with self.sessions() as session:
            run = session.get_one(SyncRun, run_id)
            return run.phase if run.status == "running" else "done"

    def _mark(self, run_id: str, *, status: str, reason: str | None = None, phase: str | None = None) -> None:
        with self._fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            run.status, run.guard_reason = status, reason
            if phase is not None:
                run.phase = phase
            if status in ("aborted", "stopped"):
                run.counts = tally(session, run_id)
                run.failed = run.counts["failed"]
            if status in ("aborted", "completed"):
                finish(run)

    def _approve(self, session: Session, run: SyncRun) -> None:
        reason = self.options.approval_reason
        run_approval.record_approval(session, run, actor=self.options.actor, reason=reason)

    # phases ------------------------------------------------------------------------------
    async def _units(self, run_id: str) -> None:
        calls = self.siasn.calls
        units, failure = await self._fetch_units()

        def stage() -> None:
            with self._fence.write() as session:
                run = session.get_one(SyncRun, run_id)
                if run.phase != "units":
                    return  # a retry after a commit whose acknowledgement was lost
                run.calls += self.siasn.calls - calls
                if failure is not None:  # reconcile against the stored tree, change no unit
                    units[:] = stored_units(session)
                    run.unit_changes = {
                        "status": "failed",
                        "reason": unit_failure(failure, stored=bool(units)),
                    }
                elif not units:
                    run.status, run.phase = "aborted", "done"
                    run.guard_reason = t("guards.unit_phase_empty")
                    run.counts = count_situations([])
                    finish(run)
                    return
                run.units_snapshot = units_to_json(units)
                session.execute(
                    insert(RunItem),
                    [
                        {"run_id": run_id, "nip": nip, "state": "pending", "calls": 0}
                        for nip in roster_nips(session)
                    ],
                )
                run.phase = "fetch"

        await self._fence.call(stage)

    async def _fetch(self, run_id: str) -> None:
        pending, known = await self._fence.call(self._pending, run_id)
        total = len(pending)
        queue: asyncio.Queue[str] = asyncio.Queue()
        for nip in pending:
            queue.put_nowait(nip)
        staged: list[tuple[str, object, float]] = []
        done = 0
        calls = self.siasn.calls

        async def flush() -> None:
            nonlocal calls, done
            batch, staged[:] = list(staged), []
            delta, calls = self.siasn.calls - calls, self.siasn.calls
            await self._fence.call(self._stage, run_id, batch, delta)
            done += len(batch)
            self.progress("fetch", done, total)

        watch = SampleWatch(self.options.guards)

        async def worker() -> None:
            while not queue.empty():
                self._fence.check()
                nip = queue.get_nowait()
                fetched_at = time.time()  # the snapshot is at least as new as this instant
                result = await self._fetch_one(nip, known.get(nip))
                staged.append((nip, result, fetched_at))
                watched(watch, failed=isinstance(result, _Failure), unknown=result is None)
                if len(staged) >= self.options.batch_size:
                    await flush()

        try:
            await all_workers(worker, self.options.concurrency)
        finally:  # what was fetched (calls, failures) is recorded even when the run stops
            await flush()
        if watch.tripped is not None:
            await self._fence.call(self._mark, run_id, status="aborted", phase="done", reason=watch.tripped)
            return
        await self._fence.call(self._set_phase, run_id, "guard")

    async def _fetch_one(self, nip: str, known: Known | None) -> object:
        try:
            return await fetch_profile(self.siasn, nip, known)
        except AuthError as exc:
            raise RunStopped(f"kredensial SIASN ditolak: {exc}") from exc
        except UpstreamError as exc:
            return _Failure(str(exc))

    async def _fetch_units(self) -> tuple[list[UnitRecord], str | None]:
        """ref-unor: credentials refused stop the run; any other failure (also a page failing
        halfway) is the unit phase failing, with its reason: never a partial tree."""
        try:
            units = await fetch_units(self.siasn)
        except AuthError as exc:
            raise RunStopped(f"kredensial SIASN ditolak: {exc}") from exc
        except UpstreamError as exc:
            log.warning("ref_unor_failed", error=str(exc))
            return [], str(exc)
        return units, None  # no unit at all: an empty source, the run aborts

    def _pending(self, run_id: str) -> tuple[list[str], dict[str, Known]]:
        with self.sessions() as session:
            nips = list(
                session.scalars(
                    select(RunItem.nip)
                    .where(RunItem.run_id == run_id, RunItem.state == "pending")
                    .order_by(RunItem.nip)
                )
            )
            return nips, known_bases(session, nips)

    def _stage(self, run_id: str, batch: list[tuple[str, object, float]], calls: int) -> None:
        with self._fence.write() as session:
            for nip, result, fetched_at in batch:
                values: dict[str, Any] = {
                    "state": "fetched",
                    "snapshot": None,
                    "error": None,
                    "fetched_at": fetched_at,
                }
                if isinstance(result, _Failure):
                    values = {"state": "failed", "error": result.error}
                elif isinstance(result, RemoteProfile):
                    values["snapshot"] = to_snapshot(result)
                session.execute(
                    update(RunItem).where(RunItem.run_id == run_id, RunItem.nip == nip).values(**values)
                )
            run = session.get_one(SyncRun, run_id)
            run.calls += calls

    def _set_phase(self, run_id: str, phase: str) -> None:
        with self._fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            run.phase = phase

    async def _guard(self, run_id: str) -> None:
        await self._fence.call(self._guard_sync, run_id)

    def _guard_sync(self, run_id: str) -> None:
        held = False
        with self.sessions() as session:  # the whole staged plan is read outside the write
            run = session.get_one(SyncRun, run_id)
            fetched = staged(session, run_id)
            instansi = instansi_of(run.units_snapshot)
            verdict = check(plan_stats(session, fetched, instansi), self.options.guards)
        with self._fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if run.phase != "guard":
                return  # a retry after a commit whose acknowledgement was lost
            if verdict.abort:
                run.status, run.phase, run.guard_reason = "aborted", "done", verdict.reason
                run.counts = tally(session, run_id)
                run.failed = run.counts["failed"]
                finish(run)
            elif verdict.hold and not self.options.confirm:
                run.status, run.guard_reason = "held", verdict.reason
                held = True
            else:
                if verdict.hold:  # confirmed before it was held: the approval is recorded too
                    self._approve(session, run)
                run.phase, run.guard_reason = "apply", verdict.reason
        if held:  # keep what it would change, for review before approval
            run_plan.plan_held_run(self.sessions, run_id, self.options.actor)

    async def _apply(self, run_id: str) -> None:
        await self._fence.call(self._apply_units, run_id)
        org = await self._fence.call(self._org)  # the tree is settled: read once, outside writes
        while await self._fence.call(self._apply_batch, run_id, org):
            total, done = await self._fence.call(self._progress, run_id)
            self.progress("apply", done, total)
        await self._fence.call(self._set_phase, run_id, "supervisors")

    def _org(self) -> OrgContext:
        with self.sessions() as session:
            return org_context(session)

    def _progress(self, run_id: str) -> tuple[int, int]:
        with self.sessions() as session:
            return progress_counts(session, run_id)

    def _apply_units(self, run_id: str) -> None:
        with self._fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if run.unit_changes is not None:
                return
            changes = apply_unit_phase(
                session, units_from_json(run.units_snapshot), actor=self.options.actor, run_id=run_id
            )
            run.unit_changes = changes.counts()

    def _apply_batch(self, run_id: str, org: OrgContext) -> bool:
        """Apply the next employees, at most a batch and only for ``write_slice_s``: each one's
        data and item state commit together, so a kill loses nothing and repeats nothing."""
        with self._fence.write() as session:
            items = list(
                session.scalars(
                    select(RunItem)
                    .where(RunItem.run_id == run_id, RunItem.state.in_(("fetched", "failed")))
                    .order_by(RunItem.nip)
                    .limit(self.options.batch_size)
                )
            )
            if not items:
                return False
            deadline = time.monotonic() + self.options.write_slice_s
            for item in items:
                if time.monotonic() >= deadline and item is not items[0]:
                    break
                remote = FAILED if item.state == "failed" else from_snapshot(item.snapshot)
                item.situation, skipped = apply_item(
                    session,
                    item.nip,
                    remote,
                    org,
                    actor=self.options.actor,
                    run_id=run_id,
                    fetched_at=item.fetched_at,
                    tz=clock.zone(self.options.timezone),
                )
                item.state, item.snapshot = "done", None
                item.error = skipped or item.error
        return True

    async def _supervisors(self, run_id: str) -> None:
        """Conflicts for stranded employees and contradicted claims, then every supervisor link
        recomputed in short slices (idempotent: a resumed run recomputes from the first), then
        the integrity report (read outside the write) and the final counts."""
        await self._fence.call(self._stranded, run_id)
        org = await self._fence.call(self._org)
        after: int | None = 0
        while after is not None:
            after = await self._fence.call(self._recompute, after, org, run_id)
        integrity = await self._fence.call(self._integrity, run_id)
        await self._fence.call(self._complete, run_id, integrity)

    def _stranded(self, run_id: str) -> None:
        with self._fence.write() as session:
            stranded = strand_conflicts(session, actor=self.options.actor, run_id=run_id)
            stranded += claim_conflicts(session, actor=self.options.actor, run_id=run_id)
            if stranded:
                session.execute(
                    update(RunItem)
                    .where(RunItem.run_id == run_id, RunItem.nip.in_(stranded))
                    .values(situation="conflict")
                )

    def _recompute(self, after: int, org: OrgContext, run_id: str) -> int | None:
        with self._fence.write() as session:
            return recompute_slice(
                session,
                org,
                after_id=after,
                limit=self.options.batch_size,
                deadline=time.monotonic() + self.options.write_slice_s,
                actor=self.options.actor,
                run_id=run_id,
            )

    def _integrity(self, run_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            run = session.get_one(SyncRun, run_id)
            return integrity_report(session, instansi_of(run.units_snapshot))

    def _complete(self, run_id: str, integrity: dict[str, Any]) -> None:
        with self._fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if run.phase != "supervisors":
                return  # a retry after a commit whose acknowledgement was lost
            run.integrity = integrity
            situations = session.scalars(select(RunItem.situation).where(RunItem.run_id == run_id))
            run.counts = count_situations(s for s in situations if s)
            run.failed = run.counts["failed"]
            run.conflicts_opened = conflicts_opened(session, run_id)
            run.status, run.phase = "completed", "done"
            finish(run)

    def _report(self, run_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            run = session.get_one(SyncRun, run_id)
            return runs.run_summary(run)

    # dry run -----------------------------------------------------------------------------
    async def _dry_run(self) -> dict[str, Any]:
        started = time.monotonic()
        calls = self.siasn.calls
        units, failure = await self._fetch_units()
        nips, known, stored = await asyncio.to_thread(self._dry_roster)
        if failure is not None:
            units, failure = stored, unit_failure(failure, stored=bool(stored))
        fetched = _Fetched()
        if units or failure is not None:
            await self._fetch_memory(nips, known, fetched)
        began = audit.now()
        if fetched.tripped is not None:
            counts = counts_of(list(fetched.results.values()), FAILED)
            report = {
                "run_id": f"dry-{uuid.uuid4().hex[:12]}",
                "kind": KIND,
                "status": "dry_run_aborted",
                "guard_reason": fetched.tripped,
                "counts": counts,
                "failed": counts["failed"],
                "unit_changes": {},
                "integrity": {},
                "conflicts_opened": 0,
            }
        else:
            report = await asyncio.to_thread(self._dry_apply, units, fetched, failure)
        report.update(
            calls=self.siasn.calls - calls, dry_run=True, duration_s=round(time.monotonic() - started, 3)
        )
        await asyncio.to_thread(run_plan.save_dry_run, self.sessions, report, self._plan, began, audit.now())
        return report

    def _dry_roster(self) -> tuple[list[str], dict[str, Known], list[UnitRecord]]:
        with self.sessions() as session:
            nips = roster_nips(session)
            return nips, known_bases(session, nips), stored_units(session)

    async def _fetch_memory(self, nips: list[str], known: dict[str, Known], fetched: _Fetched) -> None:
        queue = iter(nips)
        watch = SampleWatch(self.options.guards)

        async def worker() -> None:
            for nip in queue:
                result = await self._fetch_one(nip, known.get(nip))
                fetched.results[nip] = FAILED if isinstance(result, _Failure) else result
                if isinstance(result, _Failure):
                    fetched.errors[nip] = result.error
                watched(watch, failed=isinstance(result, _Failure), unknown=result is None)
                self.progress("fetch", len(fetched.results), len(nips))

        await all_workers(worker, self.options.concurrency)
        fetched.tripped = watch.tripped

    def _dry_apply(self, units: list[Any], fetched: _Fetched, failure: str | None) -> dict[str, Any]:
        run_id = f"dry-{uuid.uuid4().hex[:12]}"
        report: dict[str, Any] = {
            "run_id": run_id,
            "kind": KIND,
            "status": "dry_run",
            "guard_reason": None,
            "counts": count_situations([]),
            "unit_changes": {},
            "integrity": {},
            "conflicts_opened": 0,
        }
        if not units and failure is None:
            report.update(status="aborted", guard_reason=t("guards.unit_phase_empty"))
            return report
        with planning_sessions(self.sessions) as plan, plan() as session:
            try:
                instansi = instansi_of(units_to_json(units))
                verdict = check(plan_stats(session, fetched.results, instansi), self.options.guards)
                situation, unit_changes = run_plan.simulate(
                    session,
                    units,
                    fetched.results,
                    actor=self.options.actor,
                    run_id=run_id,
                    units_failed=failure,
                )
                situations = list(situation.values())
                self._plan = run_plan.capture(session, run_id, situation, fetched.errors)
                report.update(
                    counts=count_situations(situations),
                    unit_changes=unit_changes,
                    integrity=integrity_report(session, instansi),
                    conflicts_opened=conflicts_opened(session, run_id),
                    guard_reason=verdict.reason,
                    status="dry_run_aborted"
                    if verdict.abort
                    else ("dry_run_held" if verdict.hold else "dry_run"),
                )
            finally:
                session.rollback()
        report["failed"] = report["counts"]["failed"]
        return report


@dataclass(frozen=True)
class _Failure:
    error: str


def _options_json(options: ReconcileOptions) -> dict[str, Any]:
    data = asdict(options)
    data["guards"] = asdict(options.guards)
    return data
