"""Phase ``units``: fetch ref-unor, stage it and list the roster; later, apply the tree.

When ref-unor fails the stored tree is staged instead and no unit is changed (the report's
``unit_changes`` says ``{"status": "failed", "reason": ...}``); with no stored tree either (a
first night) employees are still reconciled with the unit data-utama gives, unconfirmed.
An empty ref-unor is an empty source: the run aborts.
"""

from __future__ import annotations

import structlog
from sqlalchemy import insert

from connectors.errors import AuthError, UpstreamError
from connectors.siasn.client import SiasnClient
from mappings.messages import t
from mappings.units import UnitRecord
from store.models import RunItem, SyncRun
from sync.fence import RunStopped
from sync.reconcile.context import Context
from sync.reconcile.steps import (
    apply_unit_phase,
    count_situations,
    finish,
    roster_nips,
    unit_failure,
    units_from_json,
    units_to_json,
)
from sync.runs import RunStatus
from sync.unor.tree import fetch_units, stored_units

log = structlog.get_logger(__name__)

ITEMS_PER_INSERT = 5000


async def fetch_tree(siasn: SiasnClient) -> tuple[list[UnitRecord], str | None]:
    """ref-unor: credentials refused stop the run; any other failure (also a page failing
    halfway) is the unit phase failing, with its reason: never a partial tree."""
    try:
        units = await fetch_units(siasn)
    except AuthError as exc:
        raise RunStopped(f"kredensial SIASN ditolak: {exc}") from exc
    except UpstreamError as exc:
        log.warning("ref_unor_failed", error=str(exc))
        return [], str(exc)
    return units, None  # no unit at all: an empty source, the run aborts


async def units_phase(ctx: Context, run_id: str) -> None:
    """Stage the unit tree (or the stored one) and one pending item per roster NIP."""
    calls = ctx.siasn.calls
    units, failure = await fetch_tree(ctx.siasn)

    def stage() -> None:
        with ctx.fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if run.phase != "units":
                return  # a retry after a commit whose acknowledgement was lost
            run.calls += ctx.siasn.calls - calls
            staged = units
            if failure is not None:  # reconcile against the stored tree, change no unit
                staged = stored_units(session)
                run.unit_changes = {"status": "failed", "reason": unit_failure(failure, stored=bool(staged))}
            elif not units:
                run.status, run.phase = RunStatus.ABORTED, "done"
                run.guard_reason = t("guards.unit_phase_empty")
                run.counts = count_situations([])
                finish(run)
                return
            run.units_snapshot = units_to_json(staged)
            nips = roster_nips(session)
            for start in range(0, len(nips), ITEMS_PER_INSERT):  # bounded memory per statement
                rows = [
                    {"run_id": run_id, "nip": nip, "state": "pending", "calls": 0}
                    for nip in nips[start : start + ITEMS_PER_INSERT]
                ]
                session.execute(insert(RunItem), rows)
            run.phase = "fetch"

    await ctx.fence.call(stage)


def apply_tree(ctx: Context, run_id: str) -> None:
    """Apply the staged tree once (removed units are deactivated, never deleted)."""
    with ctx.fence.write() as session:
        run = session.get_one(SyncRun, run_id)
        if run.unit_changes is not None:
            return
        units = units_from_json(run.units_snapshot)
        changes = apply_unit_phase(session, units, actor=ctx.options.actor, run_id=run_id)
        run.unit_changes = changes.counts()
