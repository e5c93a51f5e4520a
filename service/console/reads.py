"""Store reads the console pages need beyond ``sync.konflik``: runs, people, integrity, unit path.

Each function takes a session and the caller's access, and returns plain data for a template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from store.models import AuditEntry, Pegawai, RunItem, SyncRun
from sync import runs
from sync.access.rules import Action, Principal, RoleMap, authorize
from sync.authority import label
from sync.integrity import integrity_report
from sync.konflik.query import summary
from sync.konflik.scope import Scope, scope_for
from sync.run_detail import list_runs
from sync.run_steps import instansi_of
from sync.unit_index import unit_index

AUDIT_LIMIT = 50
BERANDA_UNITS = 15  # the units with most open conflicts; the rest through Konflik


def visible_runs(session: Session, who: Principal, roles: RoleMap, limit: int) -> list[dict[str, Any]]:
    """The newest runs as reports for the beranda; none for an employee's own account."""
    scope = scope_for(session, who, roles)
    return [] if scope.level == "self" else list_runs(session, scope, limit)


def beranda_runs(
    session: Session, who: Principal, roles: RoleMap, limit: int
) -> dict[str, list[dict[str, Any]]]:
    """The newest nights (not dry runs) and the newest PMM feeds, apart; an operator's night
    counts are those of their own area (counted from the run's items), never the instansi's."""
    scope = scope_for(session, who, roles)
    if scope.level == "self":
        return {"nights": [], "feeds": []}
    nights = [
        runs.run_summary(r)
        for r in session.scalars(
            select(SyncRun)
            .where(SyncRun.kind == "reconcile", SyncRun.dry_run.is_(False))
            .order_by(SyncRun.started_at.desc(), SyncRun.id)
            .limit(limit)
        )
    ]
    feeds = [
        runs.run_summary(r)
        for r in session.scalars(
            select(SyncRun)
            .where(SyncRun.kind.startswith("pmm:"))
            .order_by(SyncRun.started_at.desc(), SyncRun.id)
            .limit(10)
        )
    ]
    if scope.level == "operator":
        area = _area_counts(session, scope, [r["run_id"] for r in nights])
        for night in nights:
            night["counts"] = area.get(night["run_id"], {})
    return {"nights": nights, "feeds": feeds}


def _area_counts(session: Session, scope: Scope, run_ids: list[str]) -> dict[str, dict[str, int]]:
    """Situations per run counted over the employees of ``scope`` only (one grouped query)."""
    found: dict[str, dict[str, int]] = {}
    if not run_ids:
        return found
    situation = func.coalesce(RunItem.situation, RunItem.state)
    area = select(Pegawai.nip).where(scope.pegawai_clause())  # the unit index, then the PK
    for run_id, name, count in session.execute(
        select(RunItem.run_id, situation, func.count())
        .where(RunItem.run_id.in_(run_ids), RunItem.nip.in_(area))
        .group_by(RunItem.run_id, situation)
    ):
        found.setdefault(run_id, {})[name] = int(count)
    return found


def may_read(session: Session, who: Principal, roles: RoleMap, nip: str) -> bool:
    """Whether ``who`` may read the employee ``nip`` (the access rules of ``sync.access``)."""
    return authorize(session, who, Action.READ, roles, nip=nip).allowed


@dataclass(frozen=True)
class PegawaiQuery:
    """Which employees: text in NIP or name, a unit subtree, active or not, a sort and a page."""

    text: str = ""
    unit: str | None = None
    aktif: str = ""
    sort: str = "nama"
    page: int = 1
    per_page: int = 50


PEGAWAI_SORTS: dict[str, Any] = {
    "nama": Pegawai.nama,
    "nip": Pegawai.nip,
    "unit": Pegawai.unor_id,
    "jabatan": Pegawai.jabatan,
}


def pegawai_page(
    session: Session, who: Principal, roles: RoleMap, want: PegawaiQuery
) -> tuple[list[Any], int]:
    """One page of the employees ``who`` may see that match ``want``, and how many match."""
    scope = scope_for(session, who, roles)
    query = select(
        Pegawai.nip, Pegawai.nama, Pegawai.unor_id, Pegawai.unor_nama, Pegawai.jabatan, Pegawai.aktif
    ).where(scope.pegawai_clause())
    if want.text:
        digits = want.text.replace(" ", "")
        pattern = "%" + want.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        name = Pegawai.nama.ilike(pattern, escape="\\")
        query = query.where(or_(name, Pegawai.nip.startswith(digits)) if digits.isdigit() else name)
    if want.unit:
        query = query.where(Pegawai.unor_id.in_(sorted(unit_index(session).subtree([want.unit]))))
    if want.aktif:
        query = query.where(Pegawai.aktif.is_(want.aktif == "ya"))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    key = PEGAWAI_SORTS[want.sort.removeprefix("-")]
    order = key.desc() if want.sort.startswith("-") else key.asc()
    rows = session.execute(
        query.order_by(order, Pegawai.nip).offset((want.page - 1) * want.per_page).limit(want.per_page)
    ).all()
    return list(rows), total


def unit_names(session: Session, unit_id: str | None) -> list[str]:
    """The names of a unit's path from the root of the instansi down to the unit."""
    return [name for _, name in unit_index(session).path(unit_id)]


def unit_labels(session: Session, ids: set[Any]) -> dict[str, str]:
    """The path of every known unit id among ``ids`` (one read of the unit tree)."""
    return unit_index(session).labels(ids)


def integrity_view(session: Session, who: Principal, roles: RoleMap) -> dict[str, Any]:
    """The live supervisor integrity report; examples limited to employees ``who`` may read."""
    latest = session.scalar(
        select(SyncRun)
        .where(SyncRun.units_snapshot.is_not(None))
        .order_by(SyncRun.started_at.desc())
        .limit(1)
    )
    report = integrity_report(session, instansi_of(latest.units_snapshot) if latest else None)
    for found in report.values():
        nips = [nip for nip in found["contoh"] if may_read(session, who, roles, nip)]
        names = {
            nip: nama
            for nip, nama in session.execute(select(Pegawai.nip, Pegawai.nama).where(Pegawai.nip.in_(nips)))
        }
        found["people"] = [{"nip": nip, "nama": names.get(nip)} for nip in nips]
    return report


def konflik_summary(session: Session, who: Principal, roles: RoleMap) -> dict[str, Any]:
    """Open and overdue conflicts the viewer may see, by unit and by field, for the beranda."""
    found = summary(session, scope_for(session, who, roles))
    index = unit_index(session)
    return {
        "open": found["open"],
        "overdue": found["overdue"],
        "by_unit": [
            {
                "key": r["unit_id"] or "",
                "label": index.label(r["unit_id"], r["unit_nama"]) or r["unit_id"] or "-",
                "open": r["open"],
                "overdue": r["overdue"],
            }
            for r in found["by_unit"][:BERANDA_UNITS]
        ],
        "units_more": max(0, len(found["by_unit"]) - BERANDA_UNITS),
        "by_field": [
            {"key": r["field"], "label": label(r["field"]), "open": r["open"], "overdue": r["overdue"]}
            for r in found["by_field"]
        ],
    }


def audit_trail(session: Session, nip: str) -> list[AuditEntry]:
    """The newest audit entries about the employee ``nip``, newest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.pegawai_nip == nip)
            .order_by(AuditEntry.id.desc())
            .limit(AUDIT_LIMIT)
        )
    )
