"""``reconcile --queue``: hand a run to the workers and follow it to its end.

The run is opened (or resumed) here under a lease of its own, its first step is queued, and
the run's row is read every second for progress until it ends; the report and the exit codes
are those of a run in one process. While following, the lease is renewed from here too, so a
run waiting for a free worker is not taken over; interrupted (Ctrl-C), the run goes on in the
workers. When the run has no job waiting or running but is not over (a deferral lost to a
crash), its next step is queued again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import procrastinate
from sqlalchemy import case, func, select, text

from mappings.messages import t
from service.container import ConfigError, Container
from service.worker.queue import build_app, conninfo, defer_step
from store.models import RunItem, SyncRun
from sync import runs
from sync.reconcile.conduct import open_queued, queued_lease
from sync.reconcile.context import Progress, ReconcileOptions
from sync.runs import Lease, RunReport, RunStatus

POLL_S = 1.0
QUEUED_JOBS = text(
    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') AND args->>'run_id' = :run_id"
)
LIVE_WORKERS = text(
    "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - make_interval(secs => :secs)"
)


@dataclass(frozen=True)
class Seen:
    """The run as last read: status, phase and its items done out of all."""

    status: str
    phase: str
    done: int
    total: int


async def queue_and_follow(
    container: Container,
    options: ReconcileOptions,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    opened: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Queue a run (or the unfinished one) for the workers; its report once it ends. ``warn``
    is told (in Bahasa) when a queued run is followed again, and once when no worker is alive
    to run it; ``opened`` the run's id."""
    conninfo(container.settings.database_url)  # refuse SQLite before opening anything
    await asyncio.to_thread(check_queue, container)
    run_id, lease = await _open_or_rejoin(container, options, warn)
    if opened is not None:
        opened(run_id)
    app = build_app(container)
    async with app.open_async():
        with runs.Renewer(container.sessions, lease):
            await defer_step(app, run_id, lease)
            await _follow(container, app, run_id, lease, progress or (lambda *_: None), warn)
    await asyncio.to_thread(runs.release, container.sessions, lease)
    return await asyncio.to_thread(_report, container, run_id)


async def _open_or_rejoin(
    container: Container, options: ReconcileOptions, said: Callable[[str], None] | None
) -> tuple[str, Lease]:
    """Open (or resume) a run for the workers; when a queued run is already running, follow
    that one (its id and lease) instead of refusing it as another run."""
    try:
        return await asyncio.to_thread(open_queued, container.sessions, options)
    except runs.RunBusy:
        running = await asyncio.to_thread(queued_lease, container.sessions)
        if running is None:
            raise
        if said is not None:
            said(t("worker.following_again", run_id=running[0]))
        return running


async def _follow(
    container: Container,
    app: procrastinate.App,
    run_id: str,
    lease: Lease,
    progress: Progress,
    warn: Callable[[str], None] | None,
) -> None:
    """Poll the run until it is no longer running; requeue its step when nothing is queued."""
    shown: str | None = None
    idle_since = started = time.monotonic()
    grace = max(5.0, 2 * container.settings.worker.heartbeat_s)  # a worker just started registers
    while (seen := await asyncio.to_thread(_seen, container, run_id)).status == RunStatus.RUNNING:
        if shown not in (None, seen.phase):
            progress(shown, 1, 1)  # the phase before is over
        shown = seen.phase
        progress(seen.phase, seen.done, seen.total)
        queued, live = await asyncio.to_thread(_queue_state, container, run_id)
        if queued:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > 3 * POLL_S:
            await defer_step(app, run_id, lease)
            idle_since = time.monotonic()
        if not live and warn is not None and time.monotonic() - started > grace:
            warn(t("worker.no_live_workers", run_id=run_id))
            warn = None
        await asyncio.sleep(POLL_S)


def check_queue(container: Container) -> None:
    """Refuse a database whose queue tables are missing (``db upgrade`` creates them)."""
    with container.engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            raise ConfigError(t("worker.queue_missing"))


def _seen(container: Container, run_id: str) -> Seen:
    with container.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        done_state = ("done",) if run.phase in ("apply", "supervisors") else ("fetched", "failed", "done")
        finished = func.sum(case((RunItem.state.in_(done_state), 1), else_=0))
        query = select(func.count(), func.coalesce(finished, 0)).where(RunItem.run_id == run_id)
        total, done = session.execute(query).one()
        if run.phase not in ("fetch", "apply"):
            total, done = 1, 0
        return Seen(run.status, run.phase, int(done), int(total))


def _queue_state(container: Container, run_id: str) -> tuple[int, int]:
    """(jobs of the run waiting or running, workers alive)."""
    stalled = container.settings.worker.stalled_s
    with container.engine.connect() as connection:
        queued = connection.execute(QUEUED_JOBS, {"run_id": run_id}).scalar() or 0
        live = connection.execute(LIVE_WORKERS, {"secs": stalled}).scalar() or 0
    return int(queued), int(live)


def _report(container: Container, run_id: str) -> dict[str, Any]:
    with container.sessions() as session:
        return RunReport.of(session.get_one(SyncRun, run_id)).to_json()
