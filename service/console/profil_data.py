"""What the profile's actions read and do: who may press Sinkron SIASN or Edit Profil, the edit
form's fields and the changes a submitted form asks for.

The rules are those of the API: ``sync.access.rules.authorize`` decides (an operator acts on employees
of their area and places them only in units of their area), ``sync.edit.edit_pegawai`` checks
and audits the edit with its reason, as ``PATCH /api/v1/pegawai/{nip}`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.positions import ESELON, JENIS_JABATAN
from service.console.unit_picker import Pick, pick_unit
from store.models import Pegawai
from sync.access.rules import Action, Decision, Principal, RoleMap, authorize
from sync.authority import EDITABLE_FIELDS
from sync.edit import EditError, EditLimitError, PegawaiNotFound, edit_pegawai
from sync.fields import FIELD, Kind, names
from sync.konflik.scope import scope_for
from sync.unit_index import unit_index
from sync.values import local_values

UNIT = "unor_id"
TEXT_LIMIT = 1000
CHOICES: dict[str, dict[int, str]] = {
    "jenis_jabatan_id": dict(JENIS_JABATAN),
    "eselon_id": {k: f"{v.nama} ({v.jabatan_asn})" for k, v in ESELON.items()},
}
DATES = frozenset(EDITABLE_FIELDS) & names(Kind.DATE)
# The form lets a person type no more than the edit accepts (the field table's limit).
LIMITS: dict[str, int] = {
    name: limit for name in EDITABLE_FIELDS if (limit := FIELD[name].max_length) is not None
}


@dataclass(frozen=True)
class Rights:
    """What the viewer may do on this profile."""

    sinkron: bool
    edit: bool


@dataclass
class EditForm:
    """The edit form as shown: current (or submitted) values, the unit picker, a refusal."""

    values: dict[str, str]
    pick: Pick
    nama: str = ""
    reason: str = ""
    error: str = ""
    problems: list[str] = field(default_factory=list)


class EditRefused(Exception):
    """An edit refused with an HTTP status and a message in Bahasa Indonesia."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def rights(session: Session, who: Principal, roles: RoleMap, nip: str) -> Rights:
    """May ``who`` run Sinkron SIASN on, and edit, the employee ``nip``?"""
    return Rights(
        sinkron=authorize(session, who, Action.SINKRON, roles, nip=nip).allowed,
        edit=authorize(session, who, Action.EDIT, roles, nip=nip).allowed,
    )


def may(session: Session, who: Principal, roles: RoleMap, nip: str, action: Action) -> Decision:
    """The access decision for one action on ``nip`` (its reason shown when refused)."""
    return authorize(session, who, action, roles, nip=nip)


def current_form(session: Session, nip: str, chosen: str = "") -> EditForm:
    """The edit form filled with the stored values (``chosen``: a unit picked from the picker's
    page of matches, shown as the new unit; its area is checked when the form is saved)."""
    pegawai = _pegawai(session, nip)
    values = {name: _text(value) for name, value in local_values(pegawai).items() if name in EDITABLE_FIELDS}
    index = unit_index(session)
    ref = index.ref(chosen) if chosen else None
    ref = ref or (index.ref(pegawai.unor_id) if pegawai.unor_id else None)
    return EditForm(values, Pick(ref, ref.label if ref else ""), nama=pegawai.nama or nip)


def submitted_changes(
    session: Session, who: Principal, roles: RoleMap, nip: str, form: Mapping[str, Any]
) -> tuple[dict[str, Any], EditForm]:
    """The fields the form changes (those sent and different from the stored values) and the
    form as sent, for showing it again."""
    stored = current_form(session, nip)
    sent = {name: _form_text(form, name) for name in EDITABLE_FIELDS if name != UNIT and name in form}
    pick = _unit_pick(session, who, roles, form, stored.pick)
    values = {**stored.values, **sent, UNIT: pick.unit_id or ""}
    shown = EditForm(values, pick, nama=stored.nama, reason=_form_text(form, "alasan"))
    changes: dict[str, Any] = {
        name: value or None for name, value in sent.items() if value != stored.values.get(name, "")
    }
    if pick.unit_id and pick.unit_id != stored.values.get(UNIT):
        changes[UNIT] = pick.unit_id
    return changes, shown


def apply_edit(
    session: Session, who: Principal, roles: RoleMap, nip: str, changes: dict[str, Any], reason: str
) -> dict[str, tuple[Any, Any]]:
    """Check access for these fields and the target unit, then edit and audit (as the API)."""
    if not reason.strip():
        raise EditRefused(422, t("profil.reason_required"))
    if not changes:
        raise EditRefused(422, t("profil.nothing_changed"))
    target = changes.get(UNIT)
    decision = authorize(
        session, who, Action.EDIT, roles, nip=nip, fields=frozenset(changes), target_unit=target
    )
    if not decision.allowed:
        raise EditRefused(403, t("profil.edit_forbidden", reason=decision.reason))
    try:
        return edit_pegawai(session, nip, changes, actor=who.actor, reason=reason).changed
    except PegawaiNotFound:
        raise EditRefused(404, t("common.not_found_pegawai", nip=nip)) from None
    except EditLimitError as exc:
        raise EditRefused(422, "; ".join(p.message for p in exc.problems)) from None
    except EditError as exc:
        raise EditRefused(422, str(exc)) from None


def _unit_pick(
    session: Session, who: Principal, roles: RoleMap, form: Mapping[str, Any], stored: Pick
) -> Pick:
    """The unit the form names: a picked id as sent (its area is checked on apply, 403), else the
    typed text resolved within the viewer's area, else the stored unit."""
    uid, typed = _form_text(form, UNIT), _form_text(form, f"{UNIT}_cari")
    if uid:
        ref = unit_index(session).ref(uid)
        if ref is None:
            raise EditRefused(422, t("console.unit_unknown", name=UNIT))
        if not typed or typed in (ref.label, ref.id):
            return Pick(ref, ref.label)
    if not typed:
        return stored
    return pick_unit(session, scope_for(session, who, roles), {f"{UNIT}_cari": typed}, UNIT)


def _pegawai(session: Session, nip: str) -> Pegawai:
    found = session.scalar(select(Pegawai).where(Pegawai.nip == nip))
    if found is None:
        raise EditRefused(404, t("common.not_found_pegawai", nip=nip))
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _form_text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > TEXT_LIMIT:
        raise EditRefused(422, t("profil.too_long", field=name, limit=TEXT_LIMIT))
    return value.strip()
