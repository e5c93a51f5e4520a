"""The planned changes of a dry run or a run held by a guard, kept after the rollback.

A dry run applies everything in one transaction that is rolled back; a held run applies nothing
until an admin approves it. Both show the same per-employee changes: the audit entries the
simulated apply wrote (captured before the rollback) and each employee's situation, stored as
``run_change`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from mappings.units import UnitRecord
from store.db import transaction
from store.models import AuditEntry, RunChange, SyncRun
from sync.reconcile.fetch import Failed, Fetched
from sync.reconcile.integrity import integrity_report
from sync.reconcile.steps import (
    apply_item,
    apply_unit_phase,
    closed,
    instansi_of,
    org_context,
    staged,
    strand_conflicts,
    units_from_json,
)
from sync.runs import RunReport
from sync.unor.claims import claim_conflicts
from sync.unor.supervision import recompute_all

SITUATION = "situasi"


def simulate(
    session: Session,
    units: list[UnitRecord],
    fetched: Mapping[str, Fetched],
    *,
    actor: str,
    run_id: str,
    units_failed: str | None = None,
    settled: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """Apply the units and every fetched profile in ``session`` (the caller rolls back); the
    situations and the unit phase's counts (only the failure when ref-unor failed).
    ``settled``: the situations of employees already closed (unchanged while fetching)."""
    unit_changes: dict[str, Any] = (
        {"status": "failed", "reason": units_failed}
        if units_failed is not None
        else apply_unit_phase(session, units, actor=actor, run_id=run_id).counts()
    )
    org = org_context(session)
    situation = dict(settled or {})
    for nip, remote in sorted(fetched.items()):
        situation[nip] = apply_item(session, nip, remote, org, actor=actor, run_id=run_id)[0]
    for nip in [
        *strand_conflicts(session, actor=actor, run_id=run_id),
        *claim_conflicts(session, actor=actor, run_id=run_id),
    ]:
        situation[nip] = "conflict"
    recompute_all(session, actor=actor, run_id=run_id)
    session.flush()
    return situation, unit_changes


def capture(
    session: Session, run_id: str, situations: Mapping[str, str], errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The simulated run's changes (from its audit entries) and situations, before rollback."""
    rows: list[dict[str, Any]] = [
        {
            "nip": nip,
            "action": SITUATION,
            "field": None,
            "old_value": None,
            "new_value": situation,
            "reason": errors.get(nip),
        }
        for nip, situation in sorted(situations.items())
    ]
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.run_id == run_id).order_by(AuditEntry.id)
    ):
        rows.append(
            {
                "nip": entry.pegawai_nip,
                "action": entry.action,
                "field": entry.field,
                "old_value": entry.old_value,
                "new_value": entry.new_value,
                "reason": entry.reason,
            }
        )
    return rows


def save(session: Session, run_id: str, plan: list[dict[str, Any]]) -> None:
    """Replace the stored plan of ``run_id`` with ``plan``."""
    session.execute(delete(RunChange).where(RunChange.run_id == run_id))
    session.add_all(RunChange(run_id=run_id, **row) for row in plan)


def plan_held_run(sessions: sessionmaker[Session], run_id: str, actor: str) -> int:
    """Simulate a held run's apply, roll it back and store its plan; the number of rows."""
    with sessions() as session:
        try:
            run = session.get_one(SyncRun, run_id)
            fetched = staged(session, run_id)
            errors = {nip: r.reason for nip, r in fetched.items() if isinstance(r, Failed) and r.reason}
            units = run.unit_changes or {}
            situations, _ = simulate(
                session,
                units_from_json(run.units_snapshot or []),
                fetched,
                actor=actor,
                run_id=run_id,
                units_failed=units.get("reason") if units.get("status") == "failed" else None,
                settled=closed(session, run_id),
            )
            plan = capture(session, run_id, situations, errors)
            integrity = integrity_report(session, instansi_of(run.units_snapshot))
        finally:
            session.rollback()
    with transaction(sessions) as session:
        save(session, run_id, plan)
        held = session.get_one(SyncRun, run_id)
        held.integrity = integrity  # what the supervisor links would look like once applied
    return len(plan)


def save_dry_run(sessions: sessionmaker[Session], report: RunReport, plan: list[dict[str, Any]]) -> None:
    """Record a finished dry run and its plan so it can be reviewed like any run."""
    with transaction(sessions) as session:
        session.add(
            SyncRun(
                id=report.run_id,
                kind=report.kind,
                status=report.status,
                phase=report.phase,
                dry_run=True,
                options=None,
                counts=report.counts,
                unit_changes=report.unit_changes,
                calls=report.calls,
                failed=report.failed,
                conflicts_opened=report.conflicts_opened,
                guard_reason=report.guard_reason,
                integrity=report.integrity,
                started_at=report.started_at,
                finished_at=report.finished_at,
                duration_s=report.duration_s,
            )
        )
        session.flush()
        save(session, report.run_id, plan)
