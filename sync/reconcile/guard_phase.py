"""Phase ``guard``: the guards on the complete staged plan, before anything is applied.

Abort when the source is empty or mostly failing; hold before a mass unit change or
deactivation until an admin approves it (the console's button, ``runs setujui``;
``sync.reconcile.approval``). A held run keeps the plan it would apply, for review.
"""

from __future__ import annotations

from store.models import SyncRun
from sync.reconcile.context import Context
from sync.reconcile.early_guard import tally
from sync.reconcile.guards import PlanStats, Verdict, check
from sync.reconcile.plan import plan_held_run
from sync.reconcile.steps import count_items, finish, instansi_of, plan_stats, staged_pages
from sync.runs import RunStatus


async def guard_phase(ctx: Context, run_id: str) -> None:
    """Check the guards; abort, hold (and plan) or move on to ``apply``."""
    await ctx.fence.call(_guard, ctx, run_id)


def _guard(ctx: Context, run_id: str) -> None:
    verdict = _verdict(ctx, run_id)
    if _settle(ctx, run_id, verdict):  # keep what it would change, for review before approval
        plan_held_run(ctx.sessions, run_id, ctx.options.actor)


def _verdict(ctx: Context, run_id: str) -> Verdict:
    """The guards' verdict on the whole staged plan, read outside the write a page at a time."""
    with ctx.sessions() as session:
        run = session.get_one(SyncRun, run_id)
        instansi = instansi_of(run.units_snapshot)
        stats = PlanStats(count_items(session, run_id, "done"), 0, 0, 0, 0)
        for page in staged_pages(session, run_id):
            stats = stats + plan_stats(session, page, instansi)
    return check(stats, ctx.options.guards)


def _settle(ctx: Context, run_id: str, verdict: Verdict) -> bool:
    """Record the verdict on the run; True when the run is now held."""
    with ctx.fence.write() as session:
        run = session.get_one(SyncRun, run_id)
        if run.phase != "guard":
            return False  # a retry after a commit whose acknowledgement was lost
        if verdict.abort:
            run.status, run.phase, run.guard_reason = RunStatus.ABORTED, "done", verdict.reason
            run.counts = tally(session, run_id)
            run.failed = run.counts["failed"]
            finish(run)
            return False
        if verdict.hold and not ctx.options.confirm:
            run.status, run.guard_reason = RunStatus.HELD, verdict.reason
            return True
        if verdict.hold:  # confirmed before it was held: the approval is recorded too
            ctx.approve(session, run)
        run.phase, run.guard_reason = "apply", verdict.reason
        return False
