"""The sweeper retries a dead worker's jobs, and closes one whose twin already waits (the
retry would break Procrastinate's queueing-lock index, Procrastinate issue #1446)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from service.container import Container
from service.settings import Settings, WorkerSettings
from service.worker.queue import PART, build_app
from service.worker.sweeper import sweep
from store.db import make_engine, upgrade
from tests.conftest import drop_postgres, fresh_postgres_url, need_postgres

pytestmark = pytest.mark.postgres
ARGS: dict[str, Any] = {
    "run_id": "r1",
    "owner": "antrian:x",
    "epoch": 1,
    "seconds": 120.0,
    "phase": "fetch",
    "last": "9",
}


@pytest.fixture
def pg_container() -> Iterator[Container]:
    """A PostgreSQL store with the queue's tables (``db upgrade``)."""
    need_postgres()
    url = fresh_postgres_url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    container = Container.build(Settings(database_url=url))
    try:
        yield container
    finally:
        container.close()
        drop_postgres(url)


def _stall(container: Container, job_id: int) -> None:
    """Make ``job_id`` a job taken by a worker that stopped sending heartbeats an hour ago."""
    with container.engine.begin() as connection:
        worker = connection.execute(
            text(
                "INSERT INTO procrastinate_workers (last_heartbeat) "
                "VALUES (now() - interval '1 hour') RETURNING id"
            )
        ).scalar()
        connection.execute(
            text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w WHERE id = :j"),
            {"w": worker, "j": job_id},
        )


def _status(container: Container, job_id: int) -> tuple[str, int]:
    with container.engine.connect() as connection:
        row = connection.execute(
            text("SELECT status::text, attempts FROM procrastinate_jobs WHERE id = :j"), {"j": job_id}
        ).one()
        return str(row[0]), int(row[1])


def test_stalled_jobs_are_retried_or_closed(pg_container: Container) -> None:
    """A stalled job alone goes back to ``todo``; a stalled job with a waiting twin is closed
    as ``aborted`` and the twin stays; a second sweep changes nothing."""
    app = build_app(pg_container)
    settings = WorkerSettings(stalled_s=5, heartbeat_s=1)

    async def scenario() -> tuple[int, int, int, tuple[int, int], tuple[int, int]]:
        async with app.open_async():
            task = app.tasks[PART]
            alone = await task.configure(queueing_lock="a").defer_async(**ARGS, first="1")
            twinned = await task.configure(queueing_lock="b").defer_async(**ARGS, first="2")
            await asyncio.to_thread(_stall, pg_container, alone)
            await asyncio.to_thread(_stall, pg_container, twinned)
            twin = await task.configure(queueing_lock="b").defer_async(**ARGS, first="2")
            first = await sweep(app, settings)
            again = await sweep(app, settings)
            return alone, twinned, twin, (first.retried, first.closed), (again.retried, again.closed)

    alone, twinned, twin, first, again = asyncio.run(scenario())
    assert first == (1, 1)
    assert again == (0, 0)
    assert _status(pg_container, alone) == ("todo", 1)
    assert _status(pg_container, twinned)[0] == "aborted"
    assert _status(pg_container, twin) == ("todo", 0)
