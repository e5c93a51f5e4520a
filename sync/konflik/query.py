"""Reading conflicts: filtered pages, one conflict in detail, summaries, select-all-filtered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import Conflict, ConflictEvent, Pegawai, Unit
from sync import audit
from sync.konflik import group
from sync.konflik.calendar import local_date, overdue_before
from sync.konflik.errors import KonflikError, KonflikNotFound
from sync.konflik.lifecycle import ACTIVE, DEFAULT_POLICY, STATUSES, KonflikPolicy, due_date
from sync.konflik.scope import Scope, subtree
from sync.unor.index import unit_index

KINDS = ("merge", "unor_dihapus", "klaim", "skp_nilai")
SORTS: dict[str, Any] = {
    "dibuka": Conflict.opened_at,
    "id": Conflict.id,
    "nip": Pegawai.nip,
    "field": Conflict.field,
    "unit": Pegawai.unor_id,
    "status": Conflict.status,
}
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class KonflikFilter:
    """What to list: unit subtree, field, situation (kind), status, assignee, age, overdue, text."""

    unit: str | None = None
    field: str | None = None
    kind: str | None = None
    statuses: tuple[str, ...] = ACTIVE
    assignee: str | None = None
    min_age_days: int | None = None
    overdue: bool = False
    text: str | None = None

    def check(self) -> None:
        """Raise ``KonflikError`` naming the first bad criterion."""
        bad = [s for s in self.statuses if s not in STATUSES]
        if bad or not self.statuses:
            raise KonflikError(t("konflik.bad_status", value=",".join(bad), allowed=", ".join(STATUSES)))
        if self.kind is not None and self.kind not in KINDS:
            raise KonflikError(t("konflik.bad_kind", value=self.kind, allowed=", ".join(KINDS)))
        if self.min_age_days is not None and not 0 <= self.min_age_days <= 36500:
            raise KonflikError(t("konflik.bad_age", value=self.min_age_days))
        if self.text is not None and len(self.text) > 200:
            raise KonflikError(t("konflik.bad_text"))


@dataclass(frozen=True)
class KonflikRow:
    """One conflict as a list shows it."""

    id: int
    nip: str
    nama: str | None
    unit_id: str | None
    unit_nama: str | None
    field: str
    kind: str
    status: str
    assignee: str | None
    opened_at: datetime
    due_on: date
    overdue: bool
    version: int
    explanation: str
    base: Any
    local: Any
    remote: Any


@dataclass(frozen=True)
class KonflikPage:
    """A page of conflicts and how many match in all."""

    rows: list[KonflikRow]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class EventView:
    """One step of a conflict's history."""

    at: datetime
    actor: str
    kind: str
    detail: str | None
    version: int


@dataclass(frozen=True)
class MemberView:
    """An undecided conflict decided together with the one shown (its group, itself included)."""

    id: int
    field: str
    version: int
    base: Any
    local: Any
    remote: Any


@dataclass(frozen=True)
class KonflikDetail:
    """One conflict with everything a reviewer needs to decide it."""

    row: KonflikRow
    unit_path: list[tuple[str, str]]
    recommended: str
    events: list[EventView] = field(default_factory=list)
    supersedes_id: int | None = None
    superseded_by_id: int | None = None
    resolution: str | None = None
    resolution_reason: str | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    decided_value: Any = None
    together: list[MemberView] = field(default_factory=list)

    @property
    def comments(self) -> list[EventView]:
        """The comments, oldest first."""
        return [e for e in self.events if e.kind == "commented"]


def _today(policy: KonflikPolicy) -> date:
    return local_date(audit.now(), policy.timezone)


def _select(session: Session, scope: Scope, filt: KonflikFilter, policy: KonflikPolicy) -> Any:
    filt.check()
    statuses = tuple(s for s in filt.statuses if s in ACTIVE) if scope.level == "self" else filt.statuses
    query = (
        select(Conflict, Pegawai, Unit)
        .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
        .outerjoin(Unit, Unit.id == Pegawai.unor_id)
        .where(scope.pegawai_clause(), Conflict.status.in_(statuses or ("-",)))
    )
    if filt.unit:
        query = query.where(Pegawai.unor_id.in_(sorted(subtree(session, [filt.unit]))))
    if filt.field:
        query = query.where(Conflict.field == filt.field)
    if filt.kind:
        query = query.where(Conflict.kind == filt.kind)
    if filt.assignee:
        query = query.where(Conflict.assignee == filt.assignee)
    if filt.min_age_days:
        query = query.where(Conflict.opened_at <= audit.now() - timedelta(days=filt.min_age_days))
    if filt.overdue:
        cutoff = overdue_before(_today(policy), policy.due_working_days, policy.timezone)
        query = query.where(Conflict.status.in_(ACTIVE), Conflict.opened_at < cutoff)
    if filt.text:
        escaped = filt.text.strip().lower().replace("\\", "\\\\").replace("%", "\\%")
        like = "%" + escaped.replace("_", "\\_") + "%"
        query = query.where(
            or_(Pegawai.nip.like(like, escape="\\"), func.lower(Pegawai.nama).like(like, escape="\\"))
        )
    return query


def _row(
    conflict: Conflict, person: Pegawai, unit: Unit | None, policy: KonflikPolicy, today: date
) -> KonflikRow:
    due = due_date(conflict.opened_at, policy)
    return KonflikRow(
        id=conflict.id,
        nip=person.nip,
        nama=person.nama,
        unit_id=person.unor_id,
        unit_nama=unit.nama if unit else person.unor_nama,
        field=conflict.field,
        kind=conflict.kind,
        status=conflict.status,
        assignee=conflict.assignee,
        opened_at=conflict.opened_at,
        due_on=due,
        overdue=conflict.status in ACTIVE and today > due,
        version=conflict.version,
        explanation=conflict.explanation,
        base=conflict.base_value,
        local=conflict.local_value,
        remote=conflict.remote_value,
    )


def list_conflicts(
    session: Session,
    scope: Scope,
    filt: KonflikFilter,
    sort: str = "dibuka",
    page: int = 1,
    per_page: int = 50,
    *,
    policy: KonflikPolicy = DEFAULT_POLICY,
) -> KonflikPage:
    """One page of the conflicts ``scope`` may see that match ``filt``, sorted by ``sort``."""
    key = SORTS.get(sort.removeprefix("-"))
    if key is None:
        raise KonflikError(t("konflik.bad_sort", value=sort, allowed=", ".join(SORTS)))
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise KonflikError(t("konflik.bad_page", maximum=MAX_PER_PAGE))
    query = _select(session, scope, filt, policy)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    order = key.desc() if sort.startswith("-") else key.asc()
    rows = session.execute(
        query.order_by(order, Conflict.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    today = _today(policy)
    return KonflikPage([_row(c, p, u, policy, today) for c, p, u in rows], total, page, per_page)


def select_ids(
    session: Session, scope: Scope, filt: KonflikFilter, *, policy: KonflikPolicy = DEFAULT_POLICY
) -> list[int]:
    """The ids of every conflict matching ``filt`` (select-all-filtered), oldest first."""
    query = _select(session, scope, filt, policy).with_only_columns(Conflict.id)
    return list(session.scalars(query.order_by(Conflict.id)))


def get_conflict(
    session: Session, scope: Scope, conflict_id: int, *, policy: KonflikPolicy = DEFAULT_POLICY
) -> KonflikDetail:
    """One conflict in detail; ``KonflikNotFound`` when absent or outside ``scope``."""
    wide = KonflikFilter(statuses=STATUSES)
    found = session.execute(_select(session, scope, wide, policy).where(Conflict.id == conflict_id)).first()
    if found is None:
        raise KonflikNotFound(t("konflik.not_found", id=conflict_id))
    conflict, person, unit = found
    events = session.scalars(
        select(ConflictEvent).where(ConflictEvent.conflict_id == conflict.id).order_by(ConflictEvent.id)
    )
    successor = session.scalar(select(Conflict.id).where(Conflict.supersedes_id == conflict.id))
    return KonflikDetail(
        row=_row(conflict, person, unit, policy, _today(policy)),
        unit_path=_unit_path(session, person.unor_id),
        recommended=recommend(conflict.kind),
        events=[EventView(e.at, e.actor, e.kind, e.detail, e.version) for e in events],
        supersedes_id=conflict.supersedes_id,
        superseded_by_id=successor,
        resolution=conflict.resolution,
        resolution_reason=conflict.resolution_reason,
        resolved_by=conflict.resolved_by,
        resolved_at=conflict.resolved_at,
        decided_value=conflict.decided_value,
        together=_together(session, conflict),
    )


def _together(session: Session, conflict: Conflict) -> list[MemberView]:
    """The group an undecided conflict is decided with; empty when it is decided alone."""
    if conflict.status not in ACTIVE:
        return []
    found = group.members(session, conflict, lock=False)
    if len(found) < 2:
        return []
    return [MemberView(c.id, c.field, c.version, c.base_value, c.local_value, c.remote_value) for c in found]


def recommend(kind: str) -> str:
    """The recommended action for a kind of conflict, in Bahasa Indonesia."""
    return t(f"konflik.recommend_{kind}") if kind in KINDS else t("konflik.recommend_merge")


def _unit_path(session: Session, unit_id: str | None) -> list[tuple[str, str]]:
    return unit_index(session).path(unit_id)


def summary(session: Session, scope: Scope, *, policy: KonflikPolicy = DEFAULT_POLICY) -> dict[str, Any]:
    """Open and overdue conflicts in ``scope``, in all, by unit and by field (counted in SQL)."""
    cutoff = overdue_before(_today(policy), policy.due_working_days, policy.timezone)
    base = (
        _select(session, scope, KonflikFilter(), policy)
        .with_only_columns(
            Pegawai.unor_id.label("unit_id"),
            func.coalesce(Unit.nama, Pegawai.unor_nama).label("unit_nama"),
            Conflict.field.label("field"),
            Conflict.opened_at.label("opened_at"),
        )
        .subquery()
    )
    late = func.sum(case((base.c.opened_at < cutoff, 1), else_=0))
    by_unit = [
        {"unit_id": u, "unit_nama": n, "open": int(o), "overdue": int(d or 0)}
        for u, n, o, d in session.execute(
            select(base.c.unit_id, base.c.unit_nama, func.count(), late).group_by(
                base.c.unit_id, base.c.unit_nama
            )
        )
    ]
    by_field = [
        {"field": f, "open": int(o), "overdue": int(d or 0)}
        for f, o, d in session.execute(select(base.c.field, func.count(), late).group_by(base.c.field))
    ]
    by_unit.sort(key=lambda r: (-r["open"], str(r["unit_id"])))
    by_field.sort(key=lambda r: (-r["open"], r["field"]))
    return {
        "open": sum(r["open"] for r in by_field),
        "overdue": sum(r["overdue"] for r in by_field),
        "by_unit": by_unit,
        "by_field": by_field,
    }
