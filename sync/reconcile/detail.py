"""Runs in detail: every employee's situation and changes, failures, leavers, the integrity report.

A finished run's changes come from the audit log (entries carry the run id); a dry run's and a
held run's from their stored plan (``sync.reconcile.plan``), so both read the same way. Operators see
only the employees of their units; employees see no runs.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.siasn.client import SiasnClient
from mappings.messages import t
from store.models import AuditEntry, Pegawai, RunChange, RunItem, SyncRun
from sync import clock, runs
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.scope import Scope
from sync.reconcile.approval import held_details
from sync.reconcile.plan import SITUATION
from sync.reconcile.runner import ReconcileOptions, Reconciler
from sync.runs import PLANNED, RunStatus

LEAVER_ACTION = "dinonaktifkan"


@dataclass(frozen=True)
class ChangeView:
    """One change to one employee: what, which field, from and to, why."""

    action: str
    field: str | None
    old: Any
    new: Any
    reason: str | None


@dataclass
class RunItemView:
    """One employee within a run."""

    nip: str
    nama: str | None = None
    unit_id: str | None = None
    situation: str | None = None
    error: str | None = None
    left_reason: str | None = None
    changes: list[ChangeView] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return asdict(self)


def resolve_run_id(session: Session, prefix: str) -> str:
    """The one run id starting with ``prefix``; a clear error when none or several match."""
    text = prefix.strip()
    if not text or len(text) > 40 or not all(c.isalnum() or c == "-" for c in text):
        raise KonflikError(t("konflik.run_bad_id", value=prefix))
    if session.get(SyncRun, text) is not None:
        return text
    found = list(
        session.scalars(select(SyncRun.id).where(SyncRun.id.startswith(text)).order_by(SyncRun.id).limit(6))
    )
    if not found:
        raise KonflikNotFound(t("konflik.run_unknown", value=text))
    if len(found) > 1:
        raise KonflikError(t("konflik.run_ambiguous", value=text, candidates=", ".join(found[:5])))
    return found[0]


def list_runs(session: Session, scope: Scope, limit: int = 20) -> list[dict[str, Any]]:
    """The newest runs (reports only); employees may not list runs."""
    may_see_runs(scope)
    if not 1 <= limit <= 1000:
        raise KonflikError(t("konflik.run_bad_limit"))
    return [
        runs.RunReport.of(r).to_json()
        for r in session.scalars(select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id).limit(limit))
    ]


def run_report(session: Session, scope: Scope, prefix: str) -> dict[str, Any]:
    """One run's report, its id resolved from a unique prefix."""
    may_see_runs(scope)
    run = session.get_one(SyncRun, resolve_run_id(session, prefix))
    return {**runs.RunReport.of(run).to_json(), **held_details(run)}


def run_items(session: Session, scope: Scope, prefix: str, situation: str | None = None) -> list[RunItemView]:
    """Per employee: situation, changes, failure cause, leaving reason (within ``scope``)."""
    may_see_runs(scope)
    run = session.get_one(SyncRun, resolve_run_id(session, prefix))
    planned = run.dry_run or run.status in PLANNED
    items = _from_plan(session, run.id) if planned else _from_audit(session, run.id)
    _name(session, items)
    visible = [i for i in items.values() if _visible(scope, i)]
    if situation:
        visible = [i for i in visible if i.situation == situation]
    return sorted(visible, key=lambda i: i.nip)


def may_see_runs(scope: Scope) -> None:
    """Refuse an employee's own account: runs are for admins and operators."""
    if scope.level == "self":
        raise KonflikForbidden(t("konflik.run_forbidden"))


def _visible(scope: Scope, item: RunItemView) -> bool:
    return scope.level == "all" or (item.unit_id is not None and item.unit_id in scope.units)


def _item(items: dict[str, RunItemView], nip: str) -> RunItemView:
    if nip not in items:
        items[nip] = RunItemView(nip=nip)
    return items[nip]


def _from_audit(session: Session, run_id: str) -> dict[str, RunItemView]:
    items: dict[str, RunItemView] = {}
    for row in session.scalars(select(RunItem).where(RunItem.run_id == run_id)):
        item = _item(items, row.nip)
        item.situation, item.error = row.situation or row.state, row.error
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.run_id == run_id).order_by(AuditEntry.id)
    ):
        if entry.pegawai_nip:
            add_change(
                _item(items, entry.pegawai_nip),
                entry.action,
                entry.field,
                entry.old_value,
                entry.new_value,
                entry.reason,
            )
    return items


def _from_plan(session: Session, run_id: str) -> dict[str, RunItemView]:
    items: dict[str, RunItemView] = {}
    for row in session.scalars(select(RunChange).where(RunChange.run_id == run_id).order_by(RunChange.id)):
        if not row.nip:
            continue
        item = _item(items, row.nip)
        if row.action == SITUATION:
            item.situation, item.error = row.new_value, row.reason
        else:
            add_change(item, row.action, row.field, row.old_value, row.new_value, row.reason)
    return items


def add_change(
    item: RunItemView, action: str, field_name: str | None, old: Any, new: Any, reason: str | None
) -> None:
    """Add one change to an employee's item (a leaver's reason kept apart)."""
    if action == LEAVER_ACTION:
        item.left_reason = reason
    item.changes.append(ChangeView(action, field_name, old, new, reason))


def _name(session: Session, items: dict[str, RunItemView]) -> None:
    by_nip: dict[str, list[RunItemView]] = defaultdict(list)
    for item in items.values():
        by_nip[item.nip].append(item)
    nips = sorted(by_nip)
    for start in range(0, len(nips), 500):
        chunk = nips[start : start + 500]
        for nip, nama, unit in session.execute(
            select(Pegawai.nip, Pegawai.nama, Pegawai.unor_id).where(Pegawai.nip.in_(chunk))
        ):
            for item in by_nip[nip]:
                item.nama, item.unit_id = nama, unit


def held_run_id(session: Session, scope: Scope, prefix: str) -> str:
    """The id of a held run an admin may approve; refused for any other run or caller."""
    if scope.level != "all":
        raise KonflikForbidden(t("konflik.run_approve_admin_only"))
    run_id = resolve_run_id(session, prefix)
    run = session.get_one(SyncRun, run_id)
    newest = runs.unfinished(session, run.kind)
    if run.status != RunStatus.HELD or newest is None or newest.id != run_id:
        raise KonflikRefused(t("konflik.run_not_held", id=run_id, status=run.status))
    return run_id


async def approve_held_run(
    siasn: SiasnClient,
    sessions: sessionmaker[Session],
    scope: Scope,
    prefix: str,
    *,
    actor: str,
    reason: str,
    timezone: str = clock.DEFAULT_ZONE,
) -> dict[str, Any]:
    """Apply a held run after review, recording who approved it and why; its report.

    ``timezone`` is the display timezone of the times in the run's item reasons."""
    text = (reason or "").strip()
    if not text:
        raise KonflikError(t("konflik.reason_required"))

    def check() -> str:
        with sessions() as session:
            return held_run_id(session, scope, prefix)

    run_id = await asyncio.to_thread(check)
    options = ReconcileOptions(confirm=True, actor=actor, approval_reason=text, timezone=timezone)
    report = await Reconciler(siasn, sessions, options).execute()
    if report.run_id != run_id:  # pragma: no cover - a race with another approval
        raise KonflikRefused(t("konflik.run_not_held", id=run_id, status=report.status))
    return report.to_json()
