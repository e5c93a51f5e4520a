"""Phase ``apply``: the unit tree, then employees in batches, each one's data and item state
in one transaction (so a kill loses nothing and repeats nothing).

Every write is short (``ReconcileOptions.write_slice_s``): a batch commits when its time is up
even if it is not full, so an interactive write waits well under a second even on SQLite.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.pegawai import PegawaiRecord
from store.models import RunItem
from sync import clock
from sync.reconcile.apply_batch import ApplyBatch
from sync.reconcile.context import Context
from sync.reconcile.fetch import Failed, Fetched, from_item, remote_of
from sync.reconcile.steps import apply_item, org_context, progress_counts
from sync.reconcile.units_phase import apply_tree
from sync.unor.supervision import OrgContext

BULK = True  # batches share reads and writes (``sync.reconcile.apply_batch``); False: one by one
LOAD = 25  # staged items read (in bulk: their employees' stored side read, then written) at a time


async def apply_phase(ctx: Context, run_id: str) -> None:
    """Apply the tree and every staged employee, then move on to ``supervisors``."""
    await ctx.fence.call(apply_tree, ctx, run_id)
    org = await ctx.fence.call(read_org, ctx)  # the tree is settled: read once, outside writes
    while await ctx.fence.call(_apply_batch, ctx, run_id, org):
        total, done = await ctx.fence.call(_progress, ctx, run_id)
        ctx.progress("apply", done, total)
    await ctx.fence.call(ctx.set_phase, run_id, "supervisors")


def read_org(ctx: Context) -> OrgContext:
    """The organisation context (units, positions, links), read outside any write."""
    with ctx.sessions() as session:
        return org_context(session)


def _progress(ctx: Context, run_id: str) -> tuple[int, int]:
    with ctx.sessions() as session:
        return progress_counts(session, run_id)


async def apply_items(ctx: Context, run_id: str, bounds: tuple[str, str]) -> None:
    """Apply the staged employees within ``bounds`` (a partition of a queued run; the tree is
    applied already). Rows are claimed ``FOR UPDATE SKIP LOCKED``, so two jobs that overlap
    never apply one employee twice."""
    org = await ctx.fence.call(read_org, ctx)
    while await ctx.fence.call(_apply_batch, ctx, run_id, org, bounds):
        total, done = await ctx.fence.call(_progress, ctx, run_id)
        ctx.progress("apply", done, total)


def _apply_batch(ctx: Context, run_id: str, org: OrgContext, bounds: tuple[str, str] | None = None) -> bool:
    """Apply the next employees (within ``bounds``), at most a batch and only for
    ``write_slice_s``; False when none is left. With ``BULK`` the batch reads its employees'
    stored side together and writes it in parts (``sync.reconcile.apply_batch``), else one by one."""
    query = select(RunItem).where(RunItem.run_id == run_id, RunItem.state.in_(("fetched", "failed")))
    if bounds is not None:
        query = query.where(RunItem.nip.between(*bounds))
    query = query.order_by(RunItem.nip).limit(ctx.options.batch_size)
    with ctx.fence.write() as session:
        items = list(session.scalars(query.with_for_update(skip_locked=True)))
        deadline = time.monotonic() + ctx.options.write_slice_s
        batch = ApplyBatch(session) if BULK else None
        for item, result in _staged(items, batch):
            if time.monotonic() >= deadline and item is not items[0]:
                break
            _apply_one(ctx, session, item, result, org, run_id, batch)
        if batch is not None:
            batch.write()
    return bool(items)


def _staged(items: list[RunItem], batch: ApplyBatch | None) -> Iterator[tuple[RunItem, Fetched]]:
    """Each item with its staged result, read ``LOAD`` items at a time just before they are
    applied (with their stored side, for a batch, after writing the part before): a batch its
    time slice cuts short reads little it does not apply, and writes little after the slice."""
    for start in range(0, len(items), LOAD):
        part = [
            (item, from_item(item.state, item.snapshot, item.error)) for item in items[start : start + LOAD]
        ]
        if batch is not None:
            batch.write()
            batch.load(_records(part))
        yield from part


def _records(staged: list[tuple[RunItem, Fetched]]) -> dict[str, PegawaiRecord | None]:
    """The record each staged profile brings, per NIP (None: SIASN does not know the NIP)."""
    records: dict[str, PegawaiRecord | None] = {}
    for item, result in staged:
        if not isinstance(result, Failed):
            remote = remote_of(result)
            records[item.nip] = remote.record if remote is not None else None
    return records


def _apply_one(
    ctx: Context,
    session: Session,
    item: RunItem,
    result: Fetched,
    org: OrgContext,
    run_id: str,
    batch: ApplyBatch | None,
) -> None:
    """Apply one staged employee and close its item (a stale snapshot keeps its reason)."""
    item.situation, skipped = apply_item(
        session,
        item.nip,
        result,
        org,
        actor=ctx.options.actor,
        run_id=run_id,
        fetched_at=item.fetched_at,
        tz=clock.zone(ctx.options.timezone),
        batch=batch,
    )
    item.state, item.snapshot = "done", None
    item.error = skipped or item.error
