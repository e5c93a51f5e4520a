"""Phase ``supervisors``: conflicts for stranded employees and contradicted claims, every
supervisor link recomputed in short slices (idempotent: a resumed run recomputes from the
first), the integrity report (read outside the write) and the final counts."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select, update

from store.models import RunItem, SyncRun
from sync.reconcile.apply_phase import read_org
from sync.reconcile.context import Context
from sync.reconcile.integrity import integrity_report
from sync.reconcile.steps import conflicts_opened, count_situations, finish, instansi_of, strand_conflicts
from sync.runs import RunStatus
from sync.unor.claims import claim_conflicts
from sync.unor.supervision import OrgContext, recompute_slice


async def supervisors_phase(ctx: Context, run_id: str) -> None:
    """Finish the run: stranded conflicts, supervisor links, integrity, counts."""
    await ctx.fence.call(_stranded, ctx, run_id)
    org = await ctx.fence.call(read_org, ctx)
    after: int | None = 0
    while after is not None:
        after = await ctx.fence.call(_recompute, ctx, after, org, run_id)
    integrity = await ctx.fence.call(_integrity, ctx, run_id)
    await ctx.fence.call(_complete, ctx, run_id, integrity)


def _stranded(ctx: Context, run_id: str) -> None:
    actor = ctx.options.actor
    with ctx.fence.write() as session:
        stranded = strand_conflicts(session, actor=actor, run_id=run_id)
        stranded += claim_conflicts(session, actor=actor, run_id=run_id)
        if stranded:
            session.execute(
                update(RunItem)
                .where(RunItem.run_id == run_id, RunItem.nip.in_(stranded))
                .values(situation="conflict")
            )


def _recompute(ctx: Context, after: int, org: OrgContext, run_id: str) -> int | None:
    with ctx.fence.write() as session:
        return recompute_slice(
            session,
            org,
            after_id=after,
            limit=ctx.options.batch_size,
            deadline=time.monotonic() + ctx.options.write_slice_s,
            actor=ctx.options.actor,
            run_id=run_id,
        )


def _integrity(ctx: Context, run_id: str) -> dict[str, Any]:
    with ctx.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        return integrity_report(session, instansi_of(run.units_snapshot))


def _complete(ctx: Context, run_id: str, integrity: dict[str, Any]) -> None:
    with ctx.fence.write() as session:
        run = session.get_one(SyncRun, run_id)
        if run.phase != "supervisors":
            return  # a retry after a commit whose acknowledgement was lost
        run.integrity = integrity
        situations = session.scalars(select(RunItem.situation).where(RunItem.run_id == run_id))
        run.counts = count_situations(s for s in situations if s)
        run.failed = run.counts["failed"]
        run.conflicts_opened = conflicts_opened(session, run_id)
        run.status, run.phase = RunStatus.COMPLETED, "done"
        finish(run)
