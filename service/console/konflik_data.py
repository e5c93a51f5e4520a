"""What the konflik pages show and do, one transaction each, by calling ``sync.konflik``.

Each function takes ``(session, roles, viewer, ...)`` so the routes can run it through
``Gate.tx``; the caller's scope is built inside the same transaction that reads or decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import tzinfo
from typing import Any

from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.limits import whole_number
from mappings.messages import t
from service.console.filters import ListRequest, parse_list
from service.console.paging import Paging
from service.console.safe import csv_bytes, xlsx_bytes
from service.console.unit_picker import pick_unit
from service.console.views import PREFIX, Viewer
from store.models import Conflict
from sync.access.people import known_people, labels
from sync.access.rules import RoleMap
from sync.authority import label
from sync.konflik import decide as deciding
from sync.konflik import group
from sync.konflik.errors import KonflikError, KonflikRefused
from sync.konflik.export import Column
from sync.konflik.lifecycle import ACTIVE, STATUSES
from sync.konflik.query import KINDS, MAX_PER_PAGE, get_conflict, list_conflicts, select_ids
from sync.konflik.scope import Scope, scope_for
from sync.unit_index import unit_index

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORT_COLUMNS = (
    Column("konflik_id", "ekspor.konflik_id", "number"),
    Column("nip", "ekspor.nip", "id"),
    Column("nama", "ekspor.nama"),
    Column("unit_id", "ekspor.unit_id", "id"),
    Column("unit", "ekspor.unit"),
    Column("elemen", "ekspor.elemen"),
    Column("situasi", "ekspor.situasi"),
    Column("status", "ekspor.status"),
    Column("penerima_tugas", "ekspor.penerima_tugas"),
    Column("dibuka", "ekspor.dibuka", "time"),
    Column("tenggat", "ekspor.tenggat", "date"),
    Column("lewat_tenggat", "ekspor.lewat_tenggat"),
    Column("nilai_dasar", "ekspor.nilai_dasar"),
    Column("nilai_lokal", "ekspor.nilai_lokal"),
    Column("nilai_siasn", "ekspor.nilai_siasn"),
    Column("penjelasan", "ekspor.penjelasan"),
)
ACTIONS = {"putuskan": "diputuskan", "tugaskan": "ditugaskan", "komentar": "komentar"}
UNIT_INPUTS = ("nilai", "nilai:unor_id")  # the unit pickers of the decision form


def _scope(session: Session, roles: RoleMap, viewer: Viewer) -> Scope:
    return scope_for(session, viewer.who, roles)


def list_page(
    session: Session, roles: RoleMap, viewer: Viewer, want: ListRequest, raw: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """One page of conflicts with what the filter form offers (the unit through the picker)."""
    scope = _scope(session, roles, viewer)
    pick = pick_unit(session, scope, want.params if raw is None else raw)
    want = want.with_unit(pick.unit_id)
    page = list_conflicts(session, scope, want.filt, want.sort, want.page, want.per_page)
    pages = max(1, -(-page.total // page.per_page))
    return {
        "result": page,
        "pages": pages,
        "want": want,
        "pick": pick,
        "paging": Paging(page.page, page.per_page, page.total),
        "unit_labels": unit_index(session).labels(r.unit_id for r in page.rows),
        "links": group.linked(
            session, [(r.id, r.nip, r.field, r.kind) for r in page.rows if r.status in ACTIVE]
        ),
        "fields": _fields(session),
        "kinds": KINDS,
        "statuses": STATUSES,
        "may_decide": scope.may_decide,
        "resolutions": list(deciding.Resolution),
        "label": label,
        "pick_units": scope.level != "self",
        "assignee_labels": labels(session) if any(r.assignee for r in page.rows) else {},
        "people": known_people(session) if scope.may_decide else [],
    }


def detail(
    session: Session,
    roles: RoleMap,
    viewer: Viewer,
    conflict_id: int,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One conflict with its three values side by side and which of them differ; a unit value
    is chosen with the unit picker (``params`` carry a unit picked on the picker's own page)."""
    scope = _scope(session, roles, viewer)
    found = get_conflict(session, scope, conflict_id)
    row = found.row
    show = unit_index(session).labels((row.base, row.local, row.remote)) if row.field == "unor_id" else {}
    sides = [
        (t("konflik.side_base"), show.get(row.base, row.base), False),
        (t("konflik.side_local"), show.get(row.local, row.local), row.local != row.base),
        (t("konflik.side_siasn"), show.get(row.remote, row.remote), row.remote != row.base),
    ]
    return {
        "d": found,
        "row": row,
        "sides": sides,
        "together": _together(session, found),
        "decided": _unit_label(session, row.field, found.decided_value),
        "picks": {name: pick_unit(session, scope, params or {}, name) for name in UNIT_INPUTS},
        "back": f"{PREFIX}/konflik/{row.id}",
        "label": label,
        "may_decide": scope.may_decide and row.status in ("open", "assigned"),
        "may_comment": scope.may_decide,
        "resolutions": list(deciding.Resolution),
        "people": known_people(session) if scope.may_decide else [],
        "assignee_labels": labels(session) if row.assignee else {},
    }


def _unit_label(session: Session, field: str, value: Any) -> Any:
    """A unit id as its path; any other value as it is."""
    return unit_index(session).label(value, value) if field == "unor_id" and isinstance(value, str) else value


def _together(session: Session, found: Any) -> list[dict[str, Any]]:
    """The conflicts decided with the one shown (itself included), values side by side."""
    return [
        {
            "id": m.id,
            "field": m.field,
            "version": m.version,
            "values": [_unit_label(session, m.field, v) for v in (m.base, m.local, m.remote)],
            "differs": [False, m.local != m.base, m.remote != m.base],
        }
        for m in found.together
    ]


def _seen(conflict_id: int, fields: Mapping[str, str]) -> dict[int, int]:
    """The versions the form showed: ``versi`` for the conflict, ``versi-ID`` for its group."""
    seen = {conflict_id: _version(fields.get("versi", ""))}
    for key, raw in fields.items():
        if key.startswith("versi-"):
            seen[_version(key.removeprefix("versi-"))] = _version(raw)
    return seen


def _value(session: Session, scope: Scope, fields: Mapping[str, str]) -> Any:
    """The new value(s): ``nilai:FIELD`` inputs of a group as a mapping, or the lone ``nilai``."""
    fields = _typed_units(session, scope, fields)
    per_field = {
        k.removeprefix("nilai:"): v
        for k, v in fields.items()
        if k.startswith("nilai:") and not k.endswith("_cari") and v.strip()
    }
    return per_field or fields.get("nilai") or None


def _typed_units(session: Session, scope: Scope, fields: Mapping[str, str]) -> Mapping[str, str]:
    """A unit picker sent with typed text only (no script): the one unit the text names."""
    resolved = dict(fields)
    for name in UNIT_INPUTS:
        typed = fields.get(f"{name}_cari", "").strip()
        if fields.get(name) or not typed:
            continue
        pick = pick_unit(session, scope, {f"{name}_cari": typed}, name)
        if pick.unit_id is None:
            raise KonflikError(t("console.unit_pick_needed"))
        resolved[name] = pick.unit_id
    return resolved


def change(
    session: Session, roles: RoleMap, viewer: Viewer, conflict_id: int, action: str, fields: Mapping[str, str]
) -> str:
    """Decide, assign or comment on one conflict; returns the confirmation's key."""
    scope, actor = _scope(session, roles, viewer), viewer.who.actor
    if action == "putuskan":
        deciding.decide(
            session,
            scope,
            [conflict_id],
            _resolution(fields),
            actor=actor,
            reason=fields.get("alasan", ""),
            seen_versions=_seen(conflict_id, fields),
            value=_value(session, scope, fields),
        )
    elif action == "tugaskan":
        deciding.assign(
            session,
            scope,
            conflict_id,
            fields.get("penerima"),
            actor=actor,
            seen_version=_version(fields.get("versi", "")),
        )
    elif action == "komentar":
        deciding.comment(session, scope, conflict_id, fields.get("komentar", ""), actor=actor)
    else:
        raise KonflikError(t("console.bad_action", action=action[:30]))
    return ACTIONS[action]


def bulk_decide(
    session: Session, roles: RoleMap, viewer: Viewer, fields: Mapping[str, str], picked: list[str]
) -> int:
    """Decide the ticked conflicts, or every conflict the filter selects; all or nothing."""
    scope = _scope(session, roles, viewer)
    if fields.get("cakupan") == "tersaring":
        ids = select_ids(session, scope, parse_list(fields).filt)
        shown = _version(fields.get("jumlah", ""))
        if shown != len(ids):
            raise KonflikRefused(t("console.bulk_set_changed", shown=shown, now=len(ids)))
        seen: dict[int, int] | None = None
    else:
        pairs = [_pair(one) for p in picked for one in p.split(";")]  # a group ticks all its members
        ids, seen = [cid for cid, _ in pairs], dict(pairs)
    deciding.decide(
        session,
        scope,
        ids,
        _resolution(fields),
        actor=viewer.who.actor,
        reason=fields.get("alasan", ""),
        seen_versions=seen,
    )
    return len(ids)


def export_conflicts(
    session: Session, roles: RoleMap, viewer: Viewer, want: ListRequest, fmt: str, tz: tzinfo
) -> bytes:
    """Every conflict the filter selects (all pages) as CSV or XLSX, cells neutralised, times in
    ``tz`` (the display timezone)."""
    rows = list(_export_rows(session, _scope(session, roles, viewer), want))
    if fmt == "csv":
        return csv_bytes(EXPORT_COLUMNS, rows, tz)
    return xlsx_bytes("konflik", EXPORT_COLUMNS, rows, tz)


def download(body: bytes, name: str, fmt: str) -> Response:
    """An attachment response of an export."""
    return Response(
        body,
        media_type=EXPORT_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _export_rows(session: Session, scope: Scope, want: ListRequest) -> Iterator[list[Any]]:
    index, page_no = unit_index(session), 1
    while True:
        page = list_conflicts(session, scope, want.filt, want.sort, page_no, MAX_PER_PAGE)
        for r in page.rows:
            shown = index.labels((r.base, r.local, r.remote)) if r.field == "unor_id" else {}
            yield [
                r.id,
                r.nip,
                r.nama,
                r.unit_id,
                index.label(r.unit_id, r.unit_nama),
                label(r.field),
                t(f"console.kind_{r.kind}"),
                t(f"console.status_{r.status}"),
                r.assignee,
                r.opened_at,
                r.due_on,
                t("console.yes") if r.overdue else t("console.no"),
                *(shown.get(v, v) if isinstance(v, str) else v for v in (r.base, r.local, r.remote)),
                r.explanation,
            ]
        if page_no * MAX_PER_PAGE >= page.total:
            return
        page_no += 1


def _fields(session: Session) -> list[str]:
    return list(session.scalars(select(Conflict.field).distinct().order_by(Conflict.field)))


def _resolution(fields: Mapping[str, str]) -> deciding.Resolution:
    if not fields.get("keputusan", "").strip():
        raise KonflikError(t("keputusan.missing"))
    try:
        return deciding.Resolution(fields.get("keputusan", ""))
    except ValueError:
        allowed = ", ".join(r.value for r in deciding.Resolution)
        raise KonflikError(t("console.bad_resolution", allowed=allowed)) from None


def _version(raw: str) -> int:
    try:
        return whole_number(raw, low=0)
    except ValueError as exc:
        raise KonflikError(t("console.bad_form_field", problem=str(exc))) from None


def _pair(raw: str) -> tuple[int, int]:
    cid, _, version = raw.partition(":")
    return _version(cid), _version(version)
