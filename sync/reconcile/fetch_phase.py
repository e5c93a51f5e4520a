"""Phase ``fetch``: data-utama per pending NIP, concurrently within the shared rate budget.

Results are staged on the run's items in batches (with the calls they cost); no employee's
data changes yet. An employee whose SIASN record is unchanged since it was last applied is
closed instead (``sync.reconcile.unchanged``): ``confirmed``, with only its sync time and
revision stamped, as the apply would. The failing and unknown-NIP guards are checked on a
sample as results arrive (``GuardPolicy.sample_size``): a tripped sample aborts the run at once.
"""

from __future__ import annotations

import time
from typing import TypeVar

from sqlalchemy import Select, func, select, update

from store.models import RunItem, SyncRun
from sync.profil.remote import Known
from sync.reconcile import unchanged
from sync.reconcile.context import Context
from sync.reconcile.early_guard import all_workers, watched
from sync.reconcile.fetch import fetch_one, staged_values
from sync.reconcile.guards import SampleWatch
from sync.reconcile.steps import known_bases
from sync.runs import RunStatus

Staged = unchanged.Staged  # NIP, result, when its fetch began (epoch seconds)


Bounds = tuple[str, str] | None  # first and last NIP of a partition (None: every NIP)
PAGE = 5000  # pending NIPs fetched per page (the workers drain each page, then the next is read)
T = TypeVar("T")


class PhaseOver(RuntimeError):
    """The run is no longer fetching (aborted or moved on): a partition's job has nothing to do."""


async def fetch_phase(ctx: Context, run_id: str) -> None:
    """Fetch every pending NIP and stage the results; abort when the sample guard trips."""
    if await fetch_items(ctx, run_id, None):
        return
    await ctx.fence.call(ctx.set_phase, run_id, "guard")


async def fetch_items(ctx: Context, run_id: str, bounds: Bounds, watch: SampleWatch | None = None) -> bool:
    """Fetch and stage the pending NIPs within ``bounds``, a page of NIPs at a time (memory
    follows the page, not the instansi); True when the sample guard tripped (the run is then
    aborted). ``watch``: the sample so far (a partition starts from the run's)."""
    total = await ctx.fence.call(_count_pending, ctx, run_id, bounds)
    batcher = _Batcher(ctx, run_id, total)
    watch = watch or SampleWatch(ctx.options.guards)
    after = ""
    try:
        while watch.tripped is None:
            pending, known = await ctx.fence.call(_pending, ctx, run_id, bounds, after)
            if not pending:
                break
            await _fetch_page(ctx, pending, known, batcher, watch)
            after = pending[-1]
    finally:  # what was fetched (calls, failures) is recorded even when the run stops
        await batcher.flush()
    if watch.tripped is None:
        return False
    await ctx.fence.call(
        ctx.mark, run_id, status=RunStatus.ABORTED, phase="done", reason=watch.tripped, only_from="fetch"
    )
    return True


async def _fetch_page(
    ctx: Context, pending: list[str], known: dict[str, Known], batcher: _Batcher, watch: SampleWatch
) -> None:
    """Fetch one page of NIPs with ``concurrency`` workers, handing each result to ``batcher``."""
    queue = iter(pending)

    async def worker() -> None:
        for nip in queue:
            ctx.fence.check()
            fetched_at = time.time()  # the snapshot is at least as new as this instant
            result = await fetch_one(ctx.siasn, nip, known.get(nip))
            await batcher.add((nip, result, fetched_at))
            watched(watch, result)

    await all_workers(worker, ctx.options.concurrency)


class _Batcher:
    """Collects fetch results and stages them a batch at a time, with the calls they cost."""

    def __init__(self, ctx: Context, run_id: str, total: int) -> None:
        self.ctx, self.run_id, self.total = ctx, run_id, total
        self.pending: list[Staged] = []
        self.done = 0
        self.calls = ctx.siasn.calls

    async def add(self, item: Staged) -> None:
        """Keep one result; stage the batch once it is full."""
        self.pending.append(item)
        if len(self.pending) >= self.ctx.options.batch_size:
            await self.flush()

    async def flush(self) -> None:
        """Stage what is kept (and the calls made since the last flush)."""
        batch, self.pending = self.pending, []
        delta, self.calls = self.ctx.siasn.calls - self.calls, self.ctx.siasn.calls
        await self.ctx.fence.call(_stage, self.ctx, self.run_id, batch, delta)
        self.done += len(batch)
        self.ctx.progress("fetch", self.done, self.total)


def _pending(ctx: Context, run_id: str, bounds: Bounds, after: str) -> tuple[list[str], dict[str, Known]]:
    """The next ``PAGE`` pending NIPs after ``after`` (within ``bounds``) and their merge bases."""
    query = _pending_query(select(RunItem.nip), run_id, bounds).where(RunItem.nip > after)
    with ctx.sessions() as session:
        nips = list(session.scalars(query.order_by(RunItem.nip).limit(PAGE)))
        return nips, known_bases(session, nips)


def _count_pending(ctx: Context, run_id: str, bounds: Bounds) -> int:
    query = _pending_query(select(func.count()).select_from(RunItem), run_id, bounds)
    with ctx.sessions() as session:
        return int(session.scalar(query) or 0)


def _pending_query(query: Select[T], run_id: str, bounds: Bounds) -> Select[T]:
    query = query.where(RunItem.run_id == run_id, RunItem.state == "pending")
    return query if bounds is None else query.where(RunItem.nip.between(*bounds))


def _stage(ctx: Context, run_id: str, batch: list[Staged], calls: int) -> None:
    """Stage a batch on items still pending (a partition's job that overlaps another one never
    stages over an item already staged or applied); ``PhaseOver`` once the run is not fetching.
    Employees whose SIASN record is unchanged since it was applied are closed instead
    (``sync.reconcile.unchanged``): nothing of theirs is staged or applied again."""
    with ctx.fence.write() as session:
        run = session.get_one(SyncRun, run_id)
        run.calls += calls  # what was spent is counted even when the run has moved on
        fetching = run.status == RunStatus.RUNNING and run.phase == "fetch"
        for nip, result, fetched_at in unchanged.close_unchanged(session, run, batch) if fetching else []:
            session.execute(
                update(RunItem)
                .where(RunItem.run_id == run_id, RunItem.nip == nip, RunItem.state == "pending")
                .values(**staged_values(result, fetched_at))
            )
    if not fetching:
        raise PhaseOver(run_id)
