"""What a worker does with a queued run's jobs: its run-level steps and its partitions.

A step runs alone per run (a PostgreSQL advisory lock held on its own connection for the step;
released by the server if the worker dies), then queues the partitions it leaves; the partition
that finds its phase finished asks for the next step. Every job draws from the credential's
one budget (the PostgreSQL ledger) and works under the run's lease.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import procrastinate
import structlog
from sqlalchemy import Connection, text

from connectors.siasn.client import SiasnClient
from mappings.messages import t
from service.container import Container
from service.worker.queue import MAX_ATTEMPTS, defer_parts, defer_step
from store.models import SyncRun
from sync.fence import Fence
from sync.reconcile import conduct
from sync.reconcile.context import KIND, Context, ReconcileOptions
from sync.runs import Lease, RunStatus

log = structlog.get_logger(__name__)
LOCK = text("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))")
UNLOCK = text("SELECT pg_advisory_unlock(hashtextextended(:key, 0))")


@dataclass(frozen=True)
class Runtime:
    """What every job of a worker shares: the container and the worker's concurrency."""

    container: Container
    concurrency: int

    def context(self, siasn: SiasnClient, run_id: str, lease: Lease) -> Context:
        """A job's context: the run's own options, this worker's concurrency, the run's lease."""
        options = self._options(run_id)
        fence = Fence(self.container.sessions, KIND)
        fence.adopt(lease)
        return Context(siasn, self.container.sessions, options, lambda *_: None, fence)

    def _options(self, run_id: str) -> ReconcileOptions:
        with self.container.sessions() as session:
            stored = session.get_one(SyncRun, run_id).options or {}
        timezone = self.container.settings.display_timezone
        return ReconcileOptions.from_json(stored, concurrency=self.concurrency, timezone=timezone)


def runtime_of(context: procrastinate.JobContext) -> Runtime:
    """The worker's runtime, passed to every job."""
    runtime = context.additional_context.get("runtime")
    if not isinstance(runtime, Runtime):
        raise TypeError("the worker passes its Runtime to every job (service.worker.process)")
    return runtime


async def step_job(
    context: procrastinate.JobContext, run_id: str, owner: str, epoch: int, seconds: float
) -> None:
    """The run-level step of a queued run; then its partitions (or its end)."""
    runtime, lease = runtime_of(context), conduct.lease_of(owner, epoch, seconds)
    async with _alone(runtime.container, run_id) as alone:
        if not alone:  # another worker is running this run's step and carries it on
            return

        async def body() -> None:
            await _step(context.app, runtime, run_id, lease)

        await _final_attempt_stops(context, runtime, run_id, lease, body)


async def part_job(
    context: procrastinate.JobContext,
    run_id: str,
    owner: str,
    epoch: int,
    seconds: float,
    phase: str,
    first: str,
    last: str,
) -> None:
    """One partition of a queued run (``fetch`` or ``apply``); the next step when it was the last."""
    runtime, lease = runtime_of(context), conduct.lease_of(owner, epoch, seconds)
    work = conduct.fetch_part if phase == "fetch" else conduct.apply_part

    async def body() -> None:
        async with runtime.container.siasn() as siasn:
            ctx = runtime.context(siasn, run_id, lease)
            due = await conduct.under_lease(ctx, run_id, lambda: work(ctx, run_id, (first, last)))
        log.info("queued_part_done", run_id=run_id, phase=phase, first=first, last=last, last_one=bool(due))
        if due:
            await defer_step(context.app, run_id, lease)

    await _final_attempt_stops(context, runtime, run_id, lease, body)


async def _step(app: procrastinate.App, runtime: Runtime, run_id: str, lease: Lease) -> None:
    size = runtime.container.settings.worker.partition_size
    async with runtime.container.siasn() as siasn:
        ctx = runtime.context(siasn, run_id, lease)
        work = await conduct.under_lease(ctx, run_id, lambda: conduct.step(ctx, run_id, size))
        if work is not None and work.phase == "done":
            await asyncio.to_thread(ctx.fence.release)
            log.info("queued_run_over", run_id=run_id)
    if work is not None and work.phase != "done":
        queued = await defer_parts(app, run_id, lease, work)
        log.info(
            "queued_run_parts",
            run_id=run_id,
            phase=work.phase,
            partitions=len(work.ranges),
            queued=queued,
        )


async def _final_attempt_stops(
    context: procrastinate.JobContext,
    runtime: Runtime,
    run_id: str,
    lease: Lease,
    body: Callable[[], Awaitable[None]],
) -> None:
    """Run ``body``; when it fails on the job's last attempt, stop the run with the reason so
    ``reconcile --queue`` and the console do not wait for a run nobody will finish."""
    try:
        await body()
    except Exception as exc:
        job = context.job
        if job is not None and job.attempts + 1 >= MAX_ATTEMPTS:
            reason = t("worker.job_failed", task=job.task_name, error=str(exc).splitlines()[0][:300])
            await asyncio.to_thread(_stop, runtime.container, run_id, lease, reason)
        raise


def _stop(container: Container, run_id: str, lease: Lease, reason: str) -> None:
    fence = Fence(container.sessions, KIND)
    fence.adopt(lease)
    try:
        with fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if run.status == RunStatus.RUNNING:
                run.status, run.guard_reason = RunStatus.STOPPED, reason
    except Exception as exc:  # the lease may be gone (the run goes on elsewhere)
        log.warning("queued_run_stop_not_recorded", run_id=run_id, error=str(exc).splitlines()[0])
        return
    fence.release()


@asynccontextmanager
async def _alone(container: Container, run_id: str) -> AsyncIterator[bool]:
    """True for the block when no other step of ``run_id`` runs (a session advisory lock on a
    connection of its own, which the server drops with the connection if this process dies)."""
    key = f"ekinerja:step:{run_id}"
    connection: Connection = await asyncio.to_thread(container.engine.connect)
    try:
        got = bool(await asyncio.to_thread(_scalar_commit, connection, LOCK, key))
        try:
            yield got
        finally:
            if got:
                await asyncio.to_thread(_scalar_commit, connection, UNLOCK, key)
    finally:
        await asyncio.to_thread(connection.close)


def _scalar_commit(connection: Connection, statement: Any, key: str) -> Any:
    value = connection.execute(statement, {"key": key}).scalar()
    connection.commit()
    return value
