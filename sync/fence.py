"""How a run touches the database: through its lease, fenced, retried, stopped cleanly.

Every write transaction of a run checks (and renews) the lease in the same transaction, so a run
whose lease was taken over cannot commit again; every unit of work is re-run on transient
database errors (a dropped connection, a locked SQLite file) a bounded number of times, after
which the run stops with ``DatabaseStopped`` and resumes with the next run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from mappings.messages import t
from store.db import DatabaseUnavailable, retrying, transaction
from store.models import SyncRun
from sync import runs

log = structlog.get_logger(__name__)
YIELD_S = 0.01  # pause after each write transaction of a run (SQLite writers take turns)


class RunStopped(RuntimeError):
    """The run stopped cleanly (credentials refused); it resumes with the next ``reconcile``."""


class DatabaseStopped(RunStopped):
    """The database stayed unavailable past the bounded retries; the run stopped cleanly."""


class Fence:
    """A run's lease and its way to the database."""

    def __init__(self, sessions: sessionmaker[Session], kind: str) -> None:
        self.sessions = sessions
        self.kind = kind
        self._lease: runs.Lease | None = None
        self._renewer: runs.Renewer | None = None

    def acquire(self, run_id: str, seconds: float, owner: str | None = None) -> None:
        """Take the lease once (``RunBusy`` when another run holds it)."""
        if self._lease is None:
            self._lease = runs.acquire(self.sessions, self.kind, run_id, seconds, owner)

    def adopt(self, lease: runs.Lease) -> None:
        """Work under a lease taken elsewhere (a queued run's job holds its run's lease)."""
        self._lease = lease

    def held(self) -> runs.Lease:
        """The lease this run holds."""
        if self._lease is None:
            raise RuntimeError("the run has no lease")
        return self._lease

    def check(self) -> None:
        """Stop before any further work once the renewer found the lease taken over."""
        if self._renewer is not None and self._renewer.lost:
            raise runs.LeaseLost(self._renewer.lost)

    @contextmanager
    def renewing(self) -> Iterator[None]:
        """Keep the lease renewed on its own clock for the duration of the block."""
        with runs.Renewer(self.sessions, self.held()) as self._renewer:
            yield

    async def call(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One unit of database work on a thread, re-run on transient errors, else stop."""

        def once() -> Any:
            self.check()
            return work(*args, **kwargs)

        def retry(exc: BaseException) -> None:
            log.warning("database_retry", error=str(exc).splitlines()[0])

        try:
            return await asyncio.to_thread(retrying, once, on_retry=retry)
        except DatabaseUnavailable as exc:
            raise DatabaseStopped(t("runs.db_unavailable", error=str(exc))) from exc

    @contextmanager
    def write(self, run_id: str | None = None) -> Iterator[Session]:
        """A write transaction, fenced: it commits only while the lease is ours. After it, the
        run pauses briefly so a waiting interactive write takes the lock before the next one."""
        with transaction(self.sessions) as session:
            runs.hold(session, self.held(), run_id)
            yield session
        time.sleep(YIELD_S)

    def release(self) -> None:
        """Give the lease up; a failure is logged (the lease expires by itself)."""
        try:
            runs.release(self.sessions, self.held())
        except Exception as exc:  # never hide the run's real outcome behind this one
            log.warning("lease_release_failed", error=str(exc).splitlines()[0])

    def orphaned(self, run_id: str, reason: str) -> None:
        """Mark the run stopped, unless another process holds its lease and carries it on."""
        try:
            with transaction(self.sessions) as session:
                if not runs.carried_on(session, self.kind, run_id, self.held()):
                    session.execute(
                        update(SyncRun)
                        .where(SyncRun.id == run_id, SyncRun.status == runs.RunStatus.RUNNING)
                        .values(status=runs.RunStatus.STOPPED, guard_reason=reason)
                    )
        except Exception as exc:  # best effort: the database may be the thing that failed
            log.warning("run_stop_not_recorded", run_id=run_id, error=str(exc).splitlines()[0])


async def gather(work: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run ``work`` concurrently; the first failure cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in work:
                group.create_task(coroutine)
    except* Exception as failed:
        raise first_failure(failed) from None


def first_failure(group: BaseExceptionGroup[Exception]) -> Exception:
    """The first leaf of an exception group, a stop (lease, credentials, database) preferred."""
    leaves: list[Exception] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop(0)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        elif isinstance(current, Exception):
            leaves.append(current)
    stops = [e for e in leaves if isinstance(e, RunStopped | runs.RunBusy)]
    return (stops or leaves)[0]
