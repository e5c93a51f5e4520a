"""Store reads the console pages need beyond ``sync.konflik``: runs, people, integrity, unit path.

Each function takes a session and the caller's access, and returns plain data for a template.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from store.models import AuditEntry, Pegawai, SyncRun, Unit
from sync.access import Action, Principal, RoleMap, authorize, unit_path
from sync.authority import label
from sync.integrity import integrity_report
from sync.konflik.query import summary
from sync.konflik.scope import scope_for
from sync.run_detail import list_runs
from sync.run_steps import instansi_of

SEARCH_LIMIT = 50
AUDIT_LIMIT = 50


def visible_runs(session: Session, who: Principal, roles: RoleMap, limit: int
                 ) -> list[dict[str, Any]]:
    """The newest runs as reports for the beranda; none for an employee's own account."""
    scope = scope_for(session, who, roles)
    return [] if scope.level == "self" else list_runs(session, scope, limit)


def may_read(session: Session, who: Principal, roles: RoleMap, nip: str) -> bool:
    """Whether ``who`` may read the employee ``nip`` (the access rules of ``sync.access``)."""
    return authorize(session, who, Action.READ, roles, nip=nip).allowed


def search_pegawai(session: Session, who: Principal, roles: RoleMap, query: str
                   ) -> tuple[list[Pegawai], bool]:
    """Employees whose NIP starts with, or whose name contains, ``query``; only those ``who`` may see."""
    digits = query.replace(" ", "")
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    name = Pegawai.nama.ilike(pattern, escape="\\")
    clause = or_(name, Pegawai.nip.startswith(digits)) if digits.isdigit() else name
    scope = scope_for(session, who, roles)
    rows = list(session.scalars(select(Pegawai).where(clause, scope.pegawai_clause())
                                .order_by(Pegawai.nama, Pegawai.nip).limit(SEARCH_LIMIT + 1)))
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


def unit_names(session: Session, unit_id: str | None) -> list[str]:
    """The names of a unit's path from the root of the instansi down to the unit."""
    if not unit_id:
        return []
    names = []
    for uid in reversed(unit_path(session, unit_id)):
        unit = session.get(Unit, uid)
        names.append(unit.nama if unit is not None else uid)
    return names


def integrity_view(session: Session, who: Principal, roles: RoleMap) -> dict[str, Any]:
    """The live supervisor integrity report; examples limited to employees ``who`` may read."""
    latest = session.scalar(select(SyncRun).where(SyncRun.units_snapshot.is_not(None))
                            .order_by(SyncRun.started_at.desc()).limit(1))
    report = integrity_report(session, instansi_of(latest.units_snapshot) if latest else None)
    for found in report.values():
        nips = [nip for nip in found["contoh"] if may_read(session, who, roles, nip)]
        names = {nip: nama for nip, nama in session.execute(
            select(Pegawai.nip, Pegawai.nama).where(Pegawai.nip.in_(nips)))}
        found["people"] = [{"nip": nip, "nama": names.get(nip)} for nip in nips]
    return report


def konflik_summary(session: Session, who: Principal, roles: RoleMap) -> dict[str, Any]:
    """Open and overdue conflicts the viewer may see, by unit and by field, for the beranda."""
    found = summary(session, scope_for(session, who, roles))
    return {
        "open": found["open"], "overdue": found["overdue"],
        "by_unit": [{"key": r["unit_id"] or "", "label": r["unit_nama"] or r["unit_id"] or "-",
                     "open": r["open"], "overdue": r["overdue"]} for r in found["by_unit"]],
        "by_field": [{"key": r["field"], "label": label(r["field"]), "open": r["open"],
                      "overdue": r["overdue"]} for r in found["by_field"]],
    }


def audit_trail(session: Session, nip: str) -> list[AuditEntry]:
    """The newest audit entries about the employee ``nip``, newest first."""
    return list(session.scalars(select(AuditEntry).where(AuditEntry.pegawai_nip == nip)
                                .order_by(AuditEntry.id.desc()).limit(AUDIT_LIMIT)))
