"""A run handed to workers (issue 15.4): run-level steps and partitions of NIPs.

The phases that need the whole plan (units, guard, the unit tree, supervisors) run in a
run-level ``step``, one at a time; fetch and apply are split into partitions (ranges of NIPs),
each a job of its own that any worker may run, several at once. The run's state says what is
next, so any job may be retried, repeated or overlap another of the same partition:

* a fetch stages only items still pending, and only while the run is fetching;
* an apply claims its items ``FOR UPDATE SKIP LOCKED``, so no employee is applied twice;
* the job that finds its phase finished asks for the next step (``left == 0``).

Every job works under the run's one lease, held by a token of the run's own (``antrian:...``)
rather than a process: each write is fenced by it, and a run taken over elsewhere (the lease
expired and ``reconcile`` resumed it in one process) fences every job out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import structlog
from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import Session, sessionmaker

from store.models import RunItem, RunLock, SyncRun
from sync import runs
from sync.fence import DatabaseStopped, Fence, RunStopped
from sync.reconcile.apply_phase import apply_items
from sync.reconcile.begin import begin_run
from sync.reconcile.context import KIND, Context, ReconcileOptions
from sync.reconcile.fetch_phase import PhaseOver, fetch_items
from sync.reconcile.guard_phase import guard_phase
from sync.reconcile.guards import SampleWatch
from sync.reconcile.supervisors_phase import supervisors_phase
from sync.reconcile.units_phase import apply_tree, units_phase
from sync.runs import Lease, RunStatus

T = TypeVar("T")
log = structlog.get_logger(__name__)
OWNER_PREFIX = "antrian:"
TO_FETCH = ("pending",)
TO_APPLY = ("fetched", "failed")
Bounds = tuple[str, str]
RUN_LEVEL: dict[str, Callable[[Context, str], Awaitable[None]]] = {
    "units": units_phase,
    "guard": guard_phase,
    "supervisors": supervisors_phase,
}


@dataclass(frozen=True)
class Work:
    """What a step leaves to partitions: ``fetch`` or ``apply`` and their NIP ranges, or
    ``done`` (the run ended: completed, held, aborted)."""

    phase: str
    ranges: list[Bounds]


def open_queued(sessions: sessionmaker[Session], options: ReconcileOptions) -> tuple[str, Lease]:
    """Open (or resume) a run under a lease of its own, for its jobs; its id and lease."""
    fence = Fence(sessions, KIND)
    run_id = begin_run(sessions, fence, options, owner=f"{OWNER_PREFIX}{uuid.uuid4().hex[:12]}")
    return run_id, fence.held()


async def step(ctx: Context, run_id: str, size: int) -> Work:
    """Run the run-level phases from the stored one until partitions are needed or the run
    ends. Callers run one step of a run at a time."""
    while True:
        phase = await ctx.fence.call(current_phase, ctx, run_id)
        if phase in RUN_LEVEL:
            await RUN_LEVEL[phase](ctx, run_id)
            continue
        if phase not in ("fetch", "apply"):
            return Work("done", [])
        if phase == "apply":
            await ctx.fence.call(apply_tree, ctx, run_id)  # once: a no-op when applied
        states = TO_FETCH if phase == "fetch" else TO_APPLY
        ranges = await ctx.fence.call(partitions, ctx, run_id, states, size)
        if ranges:
            return Work(phase, ranges)
        await ctx.fence.call(advance, ctx, run_id, phase, "guard" if phase == "fetch" else "supervisors")


async def fetch_part(ctx: Context, run_id: str, bounds: Bounds) -> bool:
    """Fetch one partition; True when no NIP of the run is left to fetch (the next step is due)."""
    if await ctx.fence.call(current_phase, ctx, run_id) != "fetch":
        return False
    watch = await ctx.fence.call(sample_so_far, ctx, run_id)
    try:
        if await fetch_items(ctx, run_id, bounds, watch):
            return False  # the sample guard aborted the run
    except PhaseOver:
        return False
    return bool(await ctx.fence.call(left, ctx, run_id, TO_FETCH) == 0)


async def apply_part(ctx: Context, run_id: str, bounds: Bounds) -> bool:
    """Apply one partition; True when no employee of the run is left to apply."""
    if await ctx.fence.call(current_phase, ctx, run_id) != "apply":
        return False
    await apply_items(ctx, run_id, bounds)
    return bool(await ctx.fence.call(left, ctx, run_id, TO_APPLY) == 0)


def queued_lease(sessions: sessionmaker[Session]) -> tuple[str, Lease] | None:
    """The running queued run and its lease, when the reconcile lease is held by a queue token
    (so ``reconcile --queue`` run again follows it instead of refusing); else None."""
    with sessions() as session:
        lock = session.get(RunLock, KIND)
        if lock is None or not lock.owner.startswith(OWNER_PREFIX) or lock.expires_at <= 0:
            return None
        run = session.get(SyncRun, lock.run_id)
        if run is None or run.status != RunStatus.RUNNING:
            return None
        return run.id, runs.Lease(KIND, lock.owner, lock.epoch)


def sample_so_far(ctx: Context, run_id: str) -> SampleWatch:
    """The sample guard seeded with what every partition of the run fetched so far, so the early
    abort counts the run, not one partition (partitions smaller than the sample would never
    reach it)."""
    fetched = func.sum(case((RunItem.state != "pending", 1), else_=0))
    failed = func.sum(case((RunItem.state == "failed", 1), else_=0))
    no_profile = func.coalesce(cast(RunItem.snapshot, Text), "null") == "null"  # SQL or JSON null
    unknown = func.sum(case(((RunItem.state == "fetched") & no_profile, 1), else_=0))
    with ctx.sessions() as session:
        row = session.execute(select(fetched, failed, unknown).where(RunItem.run_id == run_id)).one()
    watch = SampleWatch(ctx.options.guards)
    watch.fetched, watch.failed, watch.unknown = (int(value or 0) for value in row)
    return watch


def current_phase(ctx: Context, run_id: str) -> str:
    """The run's phase, ``done`` once it is not running (held, aborted, stopped, completed)."""
    with ctx.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        return run.phase if run.status == RunStatus.RUNNING else "done"


def advance(ctx: Context, run_id: str, current: str, following: str) -> None:
    """Move a running run from ``current`` to ``following`` (fenced; no-op otherwise)."""
    with ctx.fence.write() as session:
        run = session.get_one(SyncRun, run_id)
        if run.status == RunStatus.RUNNING and run.phase == current:
            run.phase = following


def left(ctx: Context, run_id: str, states: Iterable[str]) -> int:
    """How many items of the run are still in ``states``."""
    with ctx.sessions() as session:
        return (
            session.scalar(
                select(func.count()).where(RunItem.run_id == run_id, RunItem.state.in_(tuple(states)))
            )
            or 0
        )


def partitions(ctx: Context, run_id: str, states: Iterable[str], size: int) -> list[Bounds]:
    """The NIP ranges (first, last) of the run's items in ``states``, ``size`` items each;
    streamed, so only the bounds are kept."""
    query = (
        select(RunItem.nip)
        .where(RunItem.run_id == run_id, RunItem.state.in_(tuple(states)))
        .order_by(RunItem.nip)
        .execution_options(yield_per=5000)
    )
    ranges: list[Bounds] = []
    first = last = ""
    count = 0
    with ctx.sessions() as session:
        for nip in session.scalars(query):
            first, last, count = (nip if count == 0 else first), nip, count + 1
            if count == size:
                ranges.append((first, last))
                count = 0
    if count:
        ranges.append((first, last))
    return ranges


def lease_of(owner: str, epoch: int, seconds: float) -> Lease:
    """The lease a job of a queued run works under (its token and epoch travel with the job)."""
    return runs.Lease(KIND, owner, epoch, seconds)


async def under_lease(ctx: Context, run_id: str, work: Callable[[], Awaitable[T]]) -> T | None:
    """One job's ``work`` under the run's lease, renewed meanwhile. Credentials refused stop
    the run (as in one process) and give the lease up; a lease taken over ends the job quietly
    (the run goes on elsewhere); a database that stays away is raised (the job is retried)."""
    bound = log.bind(run_id=run_id)
    try:
        with ctx.fence.renewing():
            return await work()
    except runs.LeaseLost as exc:
        bound.warning("queued_job_fenced_out", reason=str(exc))
        return None
    except DatabaseStopped:
        raise
    except RunStopped as exc:
        await ctx.fence.call(ctx.mark, run_id, status=RunStatus.STOPPED, reason=str(exc))
        bound.warning("reconcile_stopped", error_kind=type(exc.__cause__).__name__)
        await asyncio.to_thread(ctx.fence.release)
        return None
