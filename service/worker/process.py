"""One worker process: Procrastinate's worker over the store's PostgreSQL, and its sweeper."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

import structlog

from service.container import Container
from service.worker.queue import build_app
from service.worker.sweeper import sweep_forever, sweep_once
from service.worker.tasks import Runtime, part_job, step_job

log = structlog.get_logger(__name__)


async def run_worker(container: Container, concurrency: int, *, wait: bool = True) -> None:
    """Run jobs until SIGINT/SIGTERM (the running job finishes first; a second signal stops at
    once, its job is then retried by another worker's sweep). ``wait=False``: stop once the
    queue is empty (tests, one-off catch-up)."""
    settings = container.settings.worker
    app = build_app(container, step_job, part_job)
    name = f"{socket.gethostname()}:{os.getpid()}"
    async with app.open_async(), container.siasn():  # one SIASN client (and token) for every job
        await sweep_once(app, settings)  # a dead worker's jobs first (also for ``--sekali``)
        sweeper = asyncio.create_task(sweep_forever(app, settings))
        log.info("worker_started", worker=name, queue=settings.queue, concurrency=concurrency)
        try:
            await app.run_worker_async(
                queues=[settings.queue],
                name=name,
                concurrency=1,  # one job at a time; ``concurrency`` SIASN requests inside it
                wait=wait,
                update_heartbeat_interval=settings.heartbeat_s,
                stalled_worker_timeout=settings.stalled_s,
                delete_jobs="successful",
                additional_context={"runtime": Runtime(container, concurrency)},
                fetch_job_polling_interval=1.0,
            )
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            log.info("worker_stopped", worker=name)
