"""The Procrastinate app over the store's PostgreSQL, its tasks and how jobs are deferred.

Jobs carry the run's id and its lease (token and epoch), never a process: any worker may run
any job. ``queueing_lock`` keeps one waiting job per run step and per partition; no job has a
``lock`` (a job that retries under a lock can block its queue: Procrastinate issues #1543,
#1408), and the work itself is safe to repeat or overlap (``sync.reconcile.conduct``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from mappings.messages import t
from service.container import ConfigError, Container
from sync.reconcile.conduct import Work
from sync.runs import Lease

STEP = "ekinerja.reconcile_step"
PART = "ekinerja.reconcile_part"
MAX_ATTEMPTS = 5  # a job failing this often stops its run (the report says why)
RETRY = procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS, wait=2, exponential_wait=2)
Body = Callable[..., Awaitable[None]]


def conninfo(database_url: str) -> str:
    """The libpq connection string of the store's PostgreSQL URL (any SQLAlchemy driver)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ConfigError(t("worker.needs_postgres", backend=url.get_backend_name()[:40]))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(container: Container, step: Body | None = None, part: Body | None = None) -> procrastinate.App:
    """The app over the container's PostgreSQL; a worker passes the task bodies, a caller that
    only defers passes none (the names and options are the same)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(container.settings.database_url), min_size=1, max_size=4
    )
    app = procrastinate.App(connector=connector)
    queue = container.settings.worker.queue
    app.task(name=STEP, queue=queue, pass_context=True, retry=RETRY)(step or _deferred_only)
    app.task(name=PART, queue=queue, pass_context=True, retry=RETRY)(part or _deferred_only)
    return app


async def _deferred_only(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("this app only defers jobs")


def lease_args(run_id: str, lease: Lease) -> dict[str, Any]:
    """The job arguments that name a run and the lease its jobs work under."""
    return {"run_id": run_id, "owner": lease.owner, "epoch": lease.epoch, "seconds": lease.seconds}


async def defer_step(app: procrastinate.App, run_id: str, lease: Lease) -> bool:
    """Ask for the run's next step; False when one is already waiting (it will do)."""
    task = app.tasks[STEP]
    try:
        await task.configure(queueing_lock=f"reconcile:{run_id}:step").defer_async(
            **lease_args(run_id, lease)
        )
    except AlreadyEnqueued:
        return False
    return True


async def defer_parts(app: procrastinate.App, run_id: str, lease: Lease, work: Work) -> int:
    """One job per partition of ``work``; how many were queued (a waiting twin is kept)."""
    task, queued = app.tasks[PART], 0
    for first, last in work.ranges:
        lock = f"reconcile:{run_id}:{work.phase}:{first}"
        try:
            await task.configure(queueing_lock=lock).defer_async(
                **lease_args(run_id, lease), phase=work.phase, first=first, last=last
            )
        except AlreadyEnqueued:
            continue
        queued += 1
    return queued
