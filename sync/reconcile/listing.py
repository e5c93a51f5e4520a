"""The run list, paged in SQL with a total: filtered by kind (nights, PMM feeds, SKP push) and status.

Kinds are grouped as a person asks for them: ``reconcile`` (the nightly reconciliation),
``pmm`` (every PMM feed: SIASN, recap files, HTTP) and ``skp_push``; a stored kind outside
these groups is still listed under "semua".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import SyncRun
from sync import runs
from sync.konflik.errors import KonflikError
from sync.konflik.scope import Scope
from sync.reconcile.detail import may_see_runs
from sync.runs import RunStatus

KIND_GROUPS = ("reconcile", "pmm", "skp_push")
SORTS = {
    "mulai": SyncRun.started_at,
    "status": SyncRun.status,
    "jenis": SyncRun.kind,
    "durasi": SyncRun.duration_s,
}
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class RunQuery:
    """Which runs: a kind group, a status, a sort key (``-`` for descending) and a page."""

    kind: str = ""
    status: str = ""
    sort: str = "-mulai"
    page: int = 1
    per_page: int = 50


def kind_clause(kind: str) -> ColumnElement[bool]:
    """The WHERE clause of a kind group."""
    if kind == "pmm":
        return SyncRun.kind.startswith("pmm:")
    return SyncRun.kind == kind


def kind_group(kind: str) -> str:
    """The group a stored kind belongs to (``pmm:pmm_file`` -> ``pmm``)."""
    return "pmm" if kind.startswith("pmm:") else kind


def list_run_page(session: Session, scope: Scope, want: RunQuery) -> tuple[list[dict[str, Any]], int]:
    """One page of run reports matching ``want``, and how many match in all."""
    may_see_runs(scope)
    key = SORTS.get(want.sort.removeprefix("-"))
    if key is None or want.page < 1 or not 1 <= want.per_page <= MAX_PER_PAGE:
        raise KonflikError(t("konflik.bad_page", maximum=MAX_PER_PAGE))
    query = select(SyncRun)
    if want.kind:
        query = query.where(kind_clause(want.kind))
    if want.status:
        query = query.where(SyncRun.status == want.status)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    order = key.desc() if want.sort.startswith("-") else key.asc()
    rows = session.scalars(
        query.order_by(order, SyncRun.started_at.desc(), SyncRun.id)
        .offset((want.page - 1) * want.per_page)
        .limit(want.per_page)
    )
    return [runs.RunReport.of(r).to_json() for r in rows], total


def held_runs(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Runs waiting for an admin's approval, newest first."""
    may_see_runs(scope)
    return [
        runs.RunReport.of(r).to_json()
        for r in session.scalars(
            select(SyncRun).where(SyncRun.status == RunStatus.HELD).order_by(SyncRun.started_at.desc())
        )
    ]
