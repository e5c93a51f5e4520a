"""The PMM feed job: teachers' results from SIASN, the PMM HTTP contract or a recap file into SKP.

Single-flight (one feed at a time, the ``pmm`` lease of ``sync.runs``), recorded as a run with
counts per outcome, resumable: each batch's rows and the source's cursor are written in one
transaction, so a killed run resumes after the last batch it committed and a re-run over the
same data changes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connectors.errors import AuthError, UpstreamError
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from store.db import transaction
from store.models import SyncRun
from store.models_skp import PmmCursor, PmmProblem
from sync import audit, runs
from sync.clock import aware
from sync.pmm.ingest import COUNTS
from sync.pmm.problems import problem_view
from sync.pmm.siasn_source import SOURCE as SIASN
from sync.pmm.siasn_source import TeacherRows, ingest_teacher, teacher_nips
from sync.runs import RunStatus

LEASE = "pmm"
T = TypeVar("T")
# Told how far a feed is: (done, total) in teachers (SIASN) or periods (the PMM contract).
Progress = Callable[[int, int], None]
log = structlog.get_logger(__name__)


class FeedStopped(RuntimeError):
    """The source refused our credentials; the run stops and resumes next time."""


class FeedRun:
    """Run bookkeeping shared by the sources: lease, run row, cursor, counts, report."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        source: str,
        *,
        actor: str = "umpan-pmm",
        options: dict[str, Any] | None = None,
    ) -> None:
        self.sessions = sessions
        self.source = source
        self.options = options
        self.actor = actor
        self.run_id = uuid.uuid4().hex[:16]
        self.counts: Counter[str] = Counter({name: 0 for name in COUNTS})
        self.errors: list[dict[str, str]] = []

    def begin(self) -> None:
        """Take the feed lease and open the run row."""
        self._lease = runs.acquire(self.sessions, LEASE, self.run_id)
        with transaction(self.sessions) as session:
            session.add(
                SyncRun(
                    id=self.run_id,
                    kind=f"pmm:{self.source}",
                    status=RunStatus.RUNNING,
                    phase="feed",
                    dry_run=False,
                    counts={},
                    calls=0,
                    failed=0,
                    options=self.options,
                    conflicts_opened=0,
                    started_at=audit.now(),
                )
            )

    def tx(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one transaction and renew the lease (progress moves with data)."""
        with transaction(self.sessions) as session:
            runs.hold(session, self._lease)  # a feed whose lease was taken over writes nothing
            result = work(session)
        return result

    def cursor(self, scope: str) -> PmmCursor | None:
        """The stored cursor of this source and scope."""
        with self.sessions() as session:
            row = session.get(PmmCursor, (self.source, scope))
            if row is not None:
                session.expunge(row)
            return row

    def move_cursor(
        self, session: Session, scope: str, *, page: str | None, high_water: datetime | None
    ) -> None:
        """Set the cursor in the caller's transaction (together with the rows it covers)."""
        row = session.get(PmmCursor, (self.source, scope))
        if row is None:
            row = PmmCursor(source=self.source, scope=scope)
            session.add(row)
        row.page_cursor, row.run_id, row.updated_at = page, self.run_id, audit.now()
        if high_water is not None:
            row.high_water = high_water

    def add(self, counts: Counter[str]) -> None:
        """Add a batch's counts."""
        self.counts.update(counts)

    def fail(self, where: str, error: str, *, read: int = 0) -> None:
        """Note a failure that did not stop the run (retried next run): ``read`` results that
        could not be stored, or (``read`` 0) a teacher or page that could not be read at all."""
        if read:
            self.counts["read"] += read
            self.counts["failed"] += read
        else:
            self.counts["unread"] += 1
        self.errors.append({"where": where, "error": error})

    def finish(
        self, status: RunStatus, reason: str | None = None, *, max_problems: int | None = None
    ) -> dict[str, Any]:
        """Close the run row, give the lease up and return the report (its open problems, the
        first ``max_problems`` of them when given, and how many there are)."""
        try:
            with transaction(self.sessions) as session:
                run = session.get_one(SyncRun, self.run_id)
                run.status, run.phase, run.guard_reason = status, "done", reason
                run.counts = dict(self.counts)
                run.failed = self.counts["failed"] + self.counts["unread"]
                run.finished_at = audit.now()
                run.duration_s = round((run.finished_at - _aware(run.started_at)).total_seconds(), 3)
                mine = (PmmProblem.run_id == self.run_id, PmmProblem.status == "open")
                problems = [
                    problem_view(p)
                    for p in session.scalars(
                        select(PmmProblem)
                        .where(*mine)
                        .order_by(PmmProblem.npsn, PmmProblem.nip, PmmProblem.rule)
                        .limit(max_problems)
                    )
                ]
                total = (
                    len(problems)
                    if max_problems is None
                    else session.scalar(select(func.count()).select_from(PmmProblem).where(*mine))
                )
                summary = runs.RunReport.of(run).to_json()
        finally:
            runs.release(self.sessions, self._lease)
        log.info(
            "pmm_feed_finished",
            run_id=self.run_id,
            source=self.source,
            status=status,
            counts=dict(self.counts),
        )
        return {
            **summary,
            "source": self.source,
            "problems": problems,
            "problems_total": total,
            "errors": self.errors,
        }


def _aware(value: datetime) -> datetime:
    result = aware(value)
    if result is None:
        raise TypeError("a stored time is missing")
    return result


async def feed_siasn(
    sessions: sessionmaker[Session],
    siasn: SiasnClient,
    *,
    batch_size: int = 25,
    concurrency: int = 8,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Read every teacher's rw-skp22 / rw-kinerjaperiodik from SIASN into SKP (resumable);
    ``progress`` is told the teachers done after each batch."""
    feed = FeedRun(sessions, SIASN)
    await asyncio.to_thread(feed.begin)
    scope = "guru"
    try:
        resume = await asyncio.to_thread(feed.cursor, scope)
        after = resume.page_cursor if resume else None
        nips = await asyncio.to_thread(_teachers, sessions, after)
        gate = asyncio.Semaphore(max(1, concurrency))
        for start in range(0, len(nips), batch_size):
            chunk = nips[start : start + batch_size]
            fetched = await _fetch_all(siasn, chunk, gate)
            await asyncio.to_thread(_store_siasn, feed, scope, chunk, fetched)
            if progress is not None:
                progress(start + len(chunk), len(nips))
        await asyncio.to_thread(
            feed.tx, lambda s: feed.move_cursor(s, scope, page=None, high_water=audit.now())
        )
    except FeedStopped as exc:
        return await asyncio.to_thread(feed.finish, RunStatus.STOPPED, str(exc))
    except BaseException:
        await asyncio.to_thread(feed.finish, RunStatus.FAILED, "interrupted")
        raise
    return await asyncio.to_thread(feed.finish, RunStatus.COMPLETED)


def _teachers(sessions: sessionmaker[Session], after: str | None) -> list[str]:
    with sessions() as session:
        return teacher_nips(session, after)


async def _fetch_all(siasn: SiasnClient, nips: list[str], gate: asyncio.Semaphore) -> list[TeacherRows | str]:
    """Every teacher's rows of one batch; credentials refused cancel the rest and stop."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_fetch(siasn, nip, gate)) for nip in nips]
    except* FeedStopped as stopped:
        raise stopped.exceptions[0] from None
    return [task.result() for task in tasks]


async def _fetch(siasn: SiasnClient, nip: str, gate: asyncio.Semaphore) -> TeacherRows | str:
    async with gate:
        try:
            skp22 = await siasn.rw_skp22(nip)
            periodik = await siasn.rw_kinerjaperiodik(nip)
        except AuthError as exc:
            raise FeedStopped(t("skp.error.credentials", source="SIASN", detail=str(exc))) from exc
        except UpstreamError as exc:
            return str(exc)
    return TeacherRows(nip=nip, nama=None, skp22=skp22, periodik=periodik)


def _store_siasn(feed: FeedRun, scope: str, chunk: list[str], fetched: list[TeacherRows | str]) -> None:
    def work(session: Session) -> None:
        for nip, rows in zip(chunk, fetched, strict=True):
            if isinstance(rows, str):
                feed.fail(nip, rows)
                continue
            try:  # one teacher's odd rows must not sink the batch
                with session.begin_nested():
                    feed.add(ingest_teacher(session, rows, actor=feed.actor, run_id=feed.run_id))
            except (IntegrityError, ValueError) as exc:
                read = len(rows.skp22) + len(rows.periodik)
                feed.fail(nip, f"{type(exc).__name__}: {exc}"[:500], read=read)
        feed.move_cursor(session, scope, page=chunk[-1], high_water=None)

    feed.tx(work)
