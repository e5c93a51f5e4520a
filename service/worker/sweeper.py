"""Jobs of a worker that died are retried; finished jobs are pruned.

Procrastinate marks a job ``doing`` while a worker runs it and the worker sends heartbeats; a
worker killed with SIGKILL leaves its job ``doing`` for ever. Every worker runs this sweep on its
own clock (not as a periodic job: a sweeper job can itself be stranded by the death it is
meant to repair, Procrastinate issue #1408): a job whose worker sent no heartbeat for
``stalled_s`` goes back to ``todo``. When its twin (same ``queueing_lock``) is already waiting,
the retry would break the queue's unique index (Procrastinate issue #1446): the twin does the
same work, so the stalled job is closed as ``aborted`` instead. Successful jobs are deleted by
the worker as they end; failed, aborted and cancelled ones after ``keep_failed_hours``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import procrastinate
import structlog
from procrastinate.exceptions import ConnectorException, UniqueViolation

from service.settings import WorkerSettings

log = structlog.get_logger(__name__)


@dataclass
class Swept:
    """What one sweep did."""

    retried: int = 0
    closed: int = 0


async def sweep(app: procrastinate.App, settings: WorkerSettings) -> Swept:
    """Retry (or close) the queue's stalled jobs once, then prune old finished jobs."""
    swept = Swept()
    manager = app.job_manager
    stalled = await manager.get_stalled_jobs(queue=settings.queue, seconds_since_heartbeat=settings.stalled_s)
    for job in stalled:
        try:
            await manager.retry_job(job)
            swept.retried += 1
            log.warning("stalled_job_retried", job_id=job.id, task=job.task_name, attempts=job.attempts)
        except UniqueViolation:  # its twin waits already and does the same work
            await _close(app, job)
            swept.closed += 1
        except ConnectorException as exc:  # another sweeper got to it first
            log.info("stalled_job_skipped", job_id=job.id, error=str(exc).splitlines()[0])
    await manager.delete_old_jobs(
        nb_hours=settings.keep_failed_hours,
        queue=settings.queue,
        include_failed=True,
        include_cancelled=True,
        include_aborted=True,
    )
    return swept


async def _close(app: procrastinate.App, job: procrastinate.jobs.Job) -> None:
    try:
        await app.job_manager.finish_job(job, status=procrastinate.jobs.Status.ABORTED, delete_job=False)
        log.warning("stalled_job_closed", job_id=job.id, task=job.task_name, queueing_lock=job.queueing_lock)
    except ConnectorException as exc:
        log.info("stalled_job_skipped", job_id=job.id, error=str(exc).splitlines()[0])


async def sweep_forever(app: procrastinate.App, settings: WorkerSettings) -> None:
    """Sweep every ``sweep_s`` until cancelled; a failing sweep is logged and tried again."""
    while True:
        await asyncio.sleep(settings.sweep_s)
        await sweep_once(app, settings)


async def sweep_once(app: procrastinate.App, settings: WorkerSettings) -> None:
    """One sweep; a failure is logged (the database may be away for a moment), not raised."""
    try:
        await sweep(app, settings)
    except Exception as exc:
        log.warning("sweep_failed", error=(str(exc).splitlines() or [type(exc).__name__])[0])
