"""What the konflik pages show and do, one transaction each, by calling ``sync.konflik``.

Each function takes ``(session, roles, viewer, ...)`` so the routes can run it through
``Gate.tx``; the caller's scope is built inside the same transaction that reads or decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from service.console.filters import ListRequest, parse_list
from service.console.safe import csv_bytes, xlsx_bytes
from service.console.views import Viewer
from store.models import Conflict, Unit
from sync.access import RoleMap
from sync.authority import label
from sync.konflik import decide as deciding
from sync.konflik.errors import KonflikError, KonflikRefused
from sync.konflik.lifecycle import STATUSES
from sync.konflik.query import KINDS, MAX_PER_PAGE, get_conflict, list_conflicts, select_ids
from sync.konflik.scope import Scope, scope_for

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXPORT_HEADER = ("konflik_id", "nip", "nama", "unit_id", "unit", "elemen", "situasi", "status",
                 "penerima_tugas", "dibuka", "tenggat", "lewat_tenggat", "nilai_dasar",
                 "nilai_lokal", "nilai_siasn", "penjelasan")
ACTIONS = {"putuskan": "diputuskan", "tugaskan": "ditugaskan", "komentar": "komentar"}


def _scope(session: Session, roles: RoleMap, viewer: Viewer) -> Scope:
    return scope_for(session, viewer.who, roles)


def list_page(session: Session, roles: RoleMap, viewer: Viewer, want: ListRequest
              ) -> dict[str, Any]:
    """One page of conflicts with what the filter form offers."""
    scope = _scope(session, roles, viewer)
    page = list_conflicts(session, scope, want.filt, want.sort, want.page, want.per_page)
    pages = max(1, -(-page.total // page.per_page))
    return {"result": page, "pages": pages, "units": _units(session, scope),
            "fields": _fields(session), "kinds": KINDS, "statuses": STATUSES,
            "may_decide": scope.may_decide, "resolutions": list(deciding.Resolution),
            "label": label}


def detail(session: Session, roles: RoleMap, viewer: Viewer, conflict_id: int
           ) -> dict[str, Any]:
    """One conflict with its three values side by side and which of them differ."""
    scope = _scope(session, roles, viewer)
    found = get_conflict(session, scope, conflict_id)
    row = found.row
    show = _unit_names(session, row) if row.field == "unor_id" else {}
    sides = [(t("konflik.side_base"), show.get(row.base, row.base), False),
             (t("konflik.side_local"), show.get(row.local, row.local), row.local != row.base),
             (t("konflik.side_siasn"), show.get(row.remote, row.remote), row.remote != row.base)]
    return {"d": found, "row": row, "sides": sides, "label": label,
            "may_decide": scope.may_decide and row.status in ("open", "assigned"),
            "may_comment": scope.may_decide, "resolutions": list(deciding.Resolution)}


def change(session: Session, roles: RoleMap, viewer: Viewer, conflict_id: int, action: str,
           fields: Mapping[str, str]) -> str:
    """Decide, assign or comment on one conflict; returns the confirmation's key."""
    scope, actor = _scope(session, roles, viewer), viewer.who.actor
    if action == "putuskan":
        version = _version(fields.get("versi", ""))
        deciding.decide(session, scope, [conflict_id], _resolution(fields), actor=actor,
                        reason=fields.get("alasan", ""), seen_versions={conflict_id: version},
                        value=fields.get("nilai") or None)
    elif action == "tugaskan":
        deciding.assign(session, scope, conflict_id, fields.get("penerima"), actor=actor,
                        seen_version=_version(fields.get("versi", "")))
    elif action == "komentar":
        deciding.comment(session, scope, conflict_id, fields.get("komentar", ""), actor=actor)
    else:
        raise KonflikError(t("console.bad_action", action=action[:30]))
    return ACTIONS[action]


def bulk_decide(session: Session, roles: RoleMap, viewer: Viewer, fields: Mapping[str, str],
                picked: list[str]) -> int:
    """Decide the ticked conflicts, or every conflict the filter selects; all or nothing."""
    scope = _scope(session, roles, viewer)
    if fields.get("cakupan") == "tersaring":
        ids = select_ids(session, scope, parse_list(fields).filt)
        shown = _version(fields.get("jumlah", ""))
        if shown != len(ids):
            raise KonflikRefused(t("console.bulk_set_changed", shown=shown, now=len(ids)))
        seen: dict[int, int] | None = None
    else:
        pairs = [_pair(p) for p in picked]
        ids, seen = [cid for cid, _ in pairs], dict(pairs)
    deciding.decide(session, scope, ids, _resolution(fields), actor=viewer.who.actor,
                    reason=fields.get("alasan", ""), seen_versions=seen)
    return len(ids)


def export_conflicts(session: Session, roles: RoleMap, viewer: Viewer, want: ListRequest,
                     fmt: str) -> bytes:
    """Every conflict the filter selects (all pages) as CSV or XLSX, cells neutralised."""
    rows = list(_export_rows(session, _scope(session, roles, viewer), want))
    if fmt == "csv":
        return csv_bytes(EXPORT_HEADER, rows)
    return xlsx_bytes("konflik", EXPORT_HEADER, rows)


def download(body: bytes, name: str, fmt: str) -> Response:
    """An attachment response of an export."""
    return Response(body, media_type=EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "X-Content-Type-Options": "nosniff"})


def _export_rows(session: Session, scope: Scope, want: ListRequest) -> Iterator[list[Any]]:
    page_no = 1
    while True:
        page = list_conflicts(session, scope, want.filt, want.sort, page_no, MAX_PER_PAGE)
        for r in page.rows:
            yield [r.id, r.nip, r.nama, r.unit_id, r.unit_nama, label(r.field), r.kind, r.status,
                   r.assignee, r.opened_at.isoformat(), r.due_on.isoformat(),
                   t("console.yes") if r.overdue else t("console.no"), r.base, r.local,
                   r.remote, r.explanation]
        if page_no * MAX_PER_PAGE >= page.total:
            return
        page_no += 1


def _units(session: Session, scope: Scope) -> list[tuple[str, str]]:
    query = select(Unit.id, Unit.nama).where(Unit.aktif.is_(True)).order_by(Unit.nama)
    if scope.level == "operator":
        query = query.where(Unit.id.in_(sorted(scope.units)))
    elif scope.level == "self":
        return []
    return [(uid, name) for uid, name in session.execute(query)]


def _unit_names(session: Session, row: Any) -> dict[Any, str]:
    """Unit ids of a unit conflict shown as ``name (id)``."""
    ids = [v for v in (row.base, row.local, row.remote) if isinstance(v, str)]
    return {uid: f"{name} ({uid})" for uid, name in session.execute(
        select(Unit.id, Unit.nama).where(Unit.id.in_(ids)))}


def _fields(session: Session) -> list[str]:
    return list(session.scalars(select(Conflict.field).distinct().order_by(Conflict.field)))


def _resolution(fields: Mapping[str, str]) -> deciding.Resolution:
    try:
        return deciding.Resolution(fields.get("keputusan", ""))
    except ValueError:
        allowed = ", ".join(r.value for r in deciding.Resolution)
        raise KonflikError(t("console.bad_resolution", allowed=allowed)) from None


def _version(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 9:
        raise KonflikError(t("console.bad_form_number", value=raw[:20]))
    return int(raw)


def _pair(raw: str) -> tuple[int, int]:
    cid, _, version = raw.partition(":")
    return _version(cid), _version(version)
