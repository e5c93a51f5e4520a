"""APScheduler 3 inside ``ekinerja-sync serve``: the nightly reconciliation, the PMM feed and the
SKP push, each on its own cron schedule (an empty PMM or push schedule turns that job off).

Jobs live in APScheduler's SQLAlchemy job store (table ``apscheduler_jobs`` in our database);
misfires coalesce into one run, one instance at a time, and the run lease still refuses an
overlap with a run started elsewhere (cron, another machine).
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from mappings.messages import t
from service.container import Container
from sync.reconcile import ReconcileOptions, Reconciler
from sync.runs import RunBusy

JOB_ID = "nightly-reconcile"
PMM_JOB_ID = "pmm-feed"
SKP_PUSH_JOB_ID = "skp-push"
log = structlog.get_logger(__name__)
_container: Container | None = None


class ScheduleError(ValueError):
    """A schedule setting that cannot be read (cron or timezone)."""


def _cron(name: str, expression: str, timezone: str) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    except (ValueError, LookupError) as exc:
        raise ScheduleError(t("guards.schedule_unreadable", variable=f"EKINERJA_SCHEDULE__{name}")) from exc


def build_scheduler(container: Container) -> BackgroundScheduler:
    """A scheduler on our database with the nightly jobs registered (not started)."""
    global _container
    _container = container
    config = container.settings.schedule
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
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_s},
        timezone=config.timezone,
    )
    scheduler.add_job(nightly_reconcile, trigger, id=JOB_ID, name="Rekonsiliasi malam", replace_existing=True)
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
    if _container is None:
        raise RuntimeError("the scheduler was not built by build_scheduler")
    container = _container
    rate = container.settings.schedule.rate

    async def go() -> dict[str, Any]:
        async with container.siasn() as siasn:
            siasn.limiter.rate = siasn.limiter.ceiling = rate or None
            return await Reconciler(
                siasn,
                container.sessions,
                ReconcileOptions(timezone=container.settings.display_timezone),
            ).run()

    try:
        report = asyncio.run(go())
    except RunBusy as exc:
        log.warning("nightly_reconcile_skipped", reason=str(exc))
        return None
    log.info("nightly_reconcile_done", run_id=report["run_id"], status=report["status"])
    return report


def nightly_pmm_feed() -> list[dict[str, Any]] | None:
    """The job: the PMM feed from every configured source; an overlapping run is skipped."""
    if _container is None:
        raise RuntimeError("the scheduler was not built by build_scheduler")
    from service.cli.pmm import run_feed

    try:
        reports = asyncio.run(run_feed(_container, "all"))
    except RunBusy as exc:
        log.warning("pmm_feed_skipped", reason=str(exc))
        return None
    for report in reports:
        log.info("pmm_feed_done", run_id=report["run_id"], status=report["status"])
    return reports


def nightly_skp_push() -> dict[str, Any] | None:
    """The job: push the SKP results due to SIASN; an overlapping run is skipped."""
    if _container is None:
        raise RuntimeError("the scheduler was not built by build_scheduler")
    from service.cli.skp import run_push

    try:
        report = asyncio.run(run_push(_container))
    except RunBusy as exc:
        log.warning("skp_push_skipped", reason=str(exc))
        return None
    log.info("skp_push_done", run_id=report["run_id"], status=report["status"])
    return report
