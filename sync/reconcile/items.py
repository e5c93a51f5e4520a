"""One page of a run's employees, paged and counted in SQL, opening on what changed.

A finished run's employees are its ``run_item`` rows (changes from the audit log); a dry run's
and a held run's are the ``situasi`` rows of their stored plan (changes from the plan). Either
way the page is a ``LIMIT/OFFSET`` over the employees the caller may see, with a ``COUNT`` and
the counts per situation, and only the page's changes are read afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import AuditEntry, Pegawai, RunChange, RunItem, SyncRun
from sync.konflik.errors import KonflikError
from sync.konflik.scope import Scope
from sync.reconcile.detail import RunItemView, add_change, may_see_runs, resolve_run_id
from sync.reconcile.plan import SITUATION
from sync.runs import PLANNED

CHANGED = ("updated", "conflict", "absent", "missing", "left", "ambiguous", "failed", "stale")
SORTS = ("nip", "-nip", "nama", "-nama", "situasi", "-situasi")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class ItemQuery:
    """Which employees of a run: situations (None = all), text in NIP or name, sort, page."""

    situations: tuple[str, ...] | None = CHANGED
    text: str = ""
    sort: str = "nip"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class ItemPage:
    """The employees on one page, how many match, and the counts per situation in the area."""

    items: list[RunItemView]
    total: int
    counts: dict[str, int]
    planned: bool


def planned(run: SyncRun) -> bool:
    """Whether a run's changes are a stored plan (dry run, held or superseded run)."""
    return bool(run.dry_run) or run.status in PLANNED


def _rows(run: SyncRun, scope: Scope) -> tuple[Any, Any]:
    """(situation column, the employees' query) for ``run`` within ``scope``."""
    if planned(run):
        situation: Any = cast(RunChange.new_value, String)
        query = (
            select(
                RunChange.nip.label("nip"),
                situation.label("situasi"),
                RunChange.reason.label("error"),
                Pegawai.nama,
                Pegawai.unor_id,
            )
            .outerjoin(Pegawai, Pegawai.nip == RunChange.nip)
            .where(RunChange.run_id == run.id, RunChange.action == SITUATION, RunChange.nip.is_not(None))
        )
    else:
        situation = func.coalesce(RunItem.situation, RunItem.state)
        query = (
            select(
                RunItem.nip.label("nip"),
                situation.label("situasi"),
                RunItem.error.label("error"),
                Pegawai.nama,
                Pegawai.unor_id,
            )
            .outerjoin(Pegawai, Pegawai.nip == RunItem.nip)
            .where(RunItem.run_id == run.id)
        )
    return situation, query.where(scope.pegawai_clause())


def _stored(run: SyncRun, name: str) -> str:
    """A situation as the query compares it (a plan keeps it as JSON text)."""
    return json.dumps(name) if planned(run) else name


def _read(run: SyncRun, value: Any) -> str:
    if planned(run) and isinstance(value, str) and value.startswith('"'):
        return str(json.loads(value))
    return str(value) if value is not None else ""


def item_page(session: Session, scope: Scope, prefix: str, want: ItemQuery) -> ItemPage:
    """One page of the run's employees within ``scope`` that match ``want``."""
    may_see_runs(scope)
    if want.sort not in SORTS or want.page < 1 or not 1 <= want.per_page <= MAX_PER_PAGE:
        raise KonflikError(t("konflik.bad_page", maximum=MAX_PER_PAGE))
    run = session.get_one(SyncRun, resolve_run_id(session, prefix))
    situation, query = _rows(run, scope)
    counts = {_read(run, s): int(n) for s, n in session.execute(_count_query(query))}
    if want.situations is not None:
        query = query.where(situation.in_([_stored(run, s) for s in want.situations]))
    if want.text:
        like = "%" + want.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Pegawai.nama).like(like, escape="\\"),
                query.selected_columns.nip.like(like, escape="\\"),
            )
        )
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    ordered = query.order_by(*_order(query, want.sort))
    rows = session.execute(ordered.offset((want.page - 1) * want.per_page).limit(want.per_page)).all()
    items = {
        r.nip: RunItemView(
            nip=r.nip, nama=r.nama, unit_id=r.unor_id, situation=_read(run, r.situasi), error=r.error
        )
        for r in rows
    }
    _changes(session, run, items)
    return ItemPage(list(items.values()), total, counts, planned(run))


def plan_counts(session: Session, scope: Scope, prefix: str) -> dict[str, int]:
    """Employees per situation of a run's stored plan (a held run has no counts of its own)."""
    return item_page(session, scope, prefix, ItemQuery(situations=None, per_page=1)).counts


def _count_query(query: Any) -> Any:
    inner = query.subquery()
    return select(inner.c.situasi, func.count()).group_by(inner.c.situasi)


def _order(query: Any, sort: str) -> list[Any]:
    columns = query.selected_columns
    key = {"nip": columns.nip, "nama": Pegawai.nama, "situasi": columns.situasi}[sort.removeprefix("-")]
    first = key.desc() if sort.startswith("-") else key.asc()
    return [first, columns.nip.asc()]


def _changes(session: Session, run: SyncRun, items: dict[str, RunItemView]) -> None:
    """Attach the changes of the employees on the page (one query)."""
    if not items:
        return
    nips = sorted(items)
    if planned(run):
        for row in session.scalars(
            select(RunChange)
            .where(RunChange.run_id == run.id, RunChange.nip.in_(nips), RunChange.action != SITUATION)
            .order_by(RunChange.id)
        ):
            add_change(items[row.nip or ""], row.action, row.field, row.old_value, row.new_value, row.reason)
        return
    for entry in session.scalars(
        select(AuditEntry)
        .where(AuditEntry.run_id == run.id, AuditEntry.pegawai_nip.in_(nips))
        .order_by(AuditEntry.id)
    ):
        add_change(
            items[entry.pegawai_nip or ""],
            entry.action,
            entry.field,
            entry.old_value,
            entry.new_value,
            entry.reason,
        )
