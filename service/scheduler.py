"""APScheduler 3 inside ``ekinerja-sync serve``: the nightly reconciliation, the PMM feed and the
SKP push, each on its own cron schedule (an empty PMM or push schedule turns that job off).

The scheduler's threads hand each job to the serving event loop (``service.jobs`` on uvicorn's
loop), so a night, the PMM feed, the SKP push, the Sinkron API and a held-run approval share one
client and one budget per credential. The night waits on a thread of its own, the feed and the
push share another (one after the other, as before): a long night does not hold the feed back,
where a job queued behind it would also be dropped as missed once ``MISFIRE_GRACE_S`` late.

Jobs live in APScheduler's SQLAlchemy job store (table ``apscheduler_jobs`` in our database);
misfires coalesce into one run, one instance at a time, and the run lease still refuses an
overlap with a run started elsewhere (cron, another machine).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from mappings.messages import t
from service.container import Container
from service.jobs import run_feed, run_push, run_reconcile
from service.worker.follow import queue_and_follow
from service.worker.queue import conninfo
from sync.reconcile import ReconcileOptions
from sync.runs import RunBusy

JOB_ID = "nightly-reconcile"
PMM_JOB_ID = "pmm-feed"
SKP_PUSH_JOB_ID = "skp-push"
NIGHT_EXECUTOR = "night"  # the night's own thread: the feed and the push never wait behind it
R = TypeVar("R")
log = structlog.get_logger(__name__)
_container: Container | None = None
_loop: asyncio.AbstractEventLoop | None = None


class ScheduleError(ValueError):
    """A schedule setting that cannot be read (cron or timezone)."""


def _cron(name: str, expression: str, timezone: str) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    except (ValueError, LookupError) as exc:
        raise ScheduleError(t("guards.schedule_unreadable", variable=f"EKINERJA_SCHEDULE__{name}")) from exc


def build_scheduler(
    container: Container, loop: asyncio.AbstractEventLoop | None = None
) -> BackgroundScheduler:
    """A scheduler on our database with the nightly jobs registered (not started). Given the
    serving event ``loop``, its jobs run there, over the same upstream clients as the API."""
    global _container, _loop
    _container, _loop = container, loop
    config = container.settings.schedule
    if config.queue and config.enabled:
        conninfo(container.settings.database_url)  # the queue needs PostgreSQL: refuse at start
    trigger = _cron("RECONCILE_CRON", config.reconcile_cron, config.timezone)
    extra = [
        (PMM_JOB_ID, "Umpan PMM", nightly_pmm_feed, "PMM_CRON", config.pmm_cron),
        (SKP_PUSH_JOB_ID, "Kirim SKP ke SIASN", nightly_skp_push, "SKP_PUSH_CRON", config.skp_push_cron),
    ]
    triggers = [
        (job_id, name, func, _cron(var, cron, config.timezone))
        for job_id, name, func, var, cron in extra
        if cron.strip()
    ]
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=container.engine)},
        executors={"default": ThreadPoolExecutor(1), NIGHT_EXECUTOR: ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_s},
        timezone=config.timezone,
    )
    scheduler.add_job(
        nightly_reconcile,
        trigger,
        id=JOB_ID,
        name="Rekonsiliasi malam",
        executor=NIGHT_EXECUTOR,
        replace_existing=True,
    )
    for job_id, name, func, cron_trigger in triggers:
        scheduler.add_job(func, cron_trigger, id=job_id, name=name, replace_existing=True)
    return scheduler


def jobs(container: Container) -> list[dict[str, Any]]:
    """The scheduled jobs and their next run (the scheduler is started paused, then stopped)."""
    scheduler = build_scheduler(container)
    scheduler.start(paused=True)
    try:
        return [
            {
                "id": job.id,
                "name": job.name,
                "trigger": str(job.trigger),
                "next_run_time": job.next_run_time.isoformat() if job.next_run_time else None,
                "coalesce": job.coalesce,
                "max_instances": job.max_instances,
                "misfire_grace_time": job.misfire_grace_time,
            }
            for job in scheduler.get_jobs()
        ]
    finally:
        scheduler.shutdown(wait=False)


def nightly_reconcile() -> dict[str, Any] | None:
    """The job: one reconciliation with the nightly rate; an overlapping run is skipped."""

    def job(container: Container) -> Coroutine[Any, Any, dict[str, Any]]:
        options = ReconcileOptions(timezone=container.settings.display_timezone)
        if container.settings.schedule.queue:  # the workers run it; serve follows it to its end
            return queue_and_follow(container, options)
        return run_reconcile(container, options, rate=container.settings.schedule.rate or None)

    try:
        report = _run(job)
    except RunBusy as exc:
        log.warning("nightly_reconcile_skipped", reason=str(exc))
        return None
    log.info("nightly_reconcile_done", run_id=report["run_id"], status=report["status"])
    return report


def nightly_pmm_feed() -> list[dict[str, Any]] | None:
    """The job: the PMM feed from every configured source; an overlapping run is skipped."""
    try:
        reports = _run(lambda container: run_feed(container, "all"))
    except RunBusy as exc:
        log.warning("pmm_feed_skipped", reason=str(exc))
        return None
    for report in reports:
        log.info("pmm_feed_done", run_id=report["run_id"], status=report["status"])
    return reports


def nightly_skp_push() -> dict[str, Any] | None:
    """The job: push the SKP results due to SIASN; an overlapping run is skipped."""
    try:
        report = _run(run_push)
    except RunBusy as exc:
        log.warning("skp_push_skipped", reason=str(exc))
        return None
    log.info("skp_push_done", run_id=report["run_id"], status=report["status"])
    return report


def _run(job: Callable[[Container], Coroutine[Any, Any, R]]) -> R:
    """Run a job (on the scheduler's thread) on the serving event loop when there is one, so it
    shares the API's upstream clients; else on an event loop of its own."""
    if _container is None:
        raise RuntimeError("the scheduler was not built by build_scheduler")
    loop = _loop
    if loop is not None and loop.is_running():
        return asyncio.run_coroutine_threadsafe(job(_container), loop).result()
    return asyncio.run(job(_container))
