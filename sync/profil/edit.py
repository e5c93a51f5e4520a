"""The local "Edit Profil" path of the e-Kinerja app: validated, audited with who and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.siasn.types import parse_siasn_date
from mappings.limits import (
    ACTOR_MAX,
    EMAIL_PATTERN,
    REASON_MAX,
    TEXT_MAX,
    LimitError,
    Problem,
    check_changes,
    multi_line,
    single_line,
)
from mappings.messages import t
from mappings.ranks import RankError, parse_golongan
from store.models import Pegawai, Unit
from sync import audit
from sync.authority import EDITABLE_FIELDS, FIELD_AUTHORITY, Authority
from sync.fields import FIELD, FIELDS, Kind, names
from sync.values import local_values, set_field, to_json


class EditError(ValueError):
    """A local edit that is refused; the message says which field and why."""


class EditLimitError(EditError):
    """An edit with values outside their declared limits; ``problems`` names each field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


class PegawaiNotFound(LookupError):
    """No local employee with that NIP."""


@dataclass(frozen=True)
class EditResult:
    """Fields changed by one edit: field -> (old, new)."""

    nip: str
    changed: dict[str, tuple[Any, Any]]


def edit_pegawai(
    session: Session, nip: str, changes: Mapping[str, Any], *, actor: str, reason: str
) -> EditResult:
    """Validate every change first, then apply and audit them all (or none)."""
    if not actor.strip():
        raise EditError(t("guards.edit_actor"))
    if not reason.strip():
        raise EditError(t("guards.edit_reason"))
    if not changes:
        raise EditError(t("guards.edit_nothing"))
    try:
        _check_who_and_why(actor, reason)
        changes = check_changes(changes)
    except LimitError as exc:
        raise EditLimitError(exc.problems) from None
    pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == nip).with_for_update())
    if pegawai is None:
        raise PegawaiNotFound(t("common.not_found_pegawai", nip=nip))
    parsed = {name: _validate(session, name, value) for name, value in changes.items()}
    current = local_values(pegawai)
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in parsed.items():
        if current[name] == value:
            continue
        set_field(pegawai, name, value)
        changed[name] = (current[name], value)
        audit.record(
            session,
            actor=actor,
            action="edit_lokal",
            nip=nip,
            field=name,
            old=current[name],
            new=value,
            reason=reason,
        )
    if "unor_id" in changed:
        unit = session.get(Unit, pegawai.unor_id)
        pegawai.unor_nama = unit.nama if unit else None
    if changed:
        pegawai.updated_at = audit.now()
        pegawai.siasn_digest = None  # the next SIASN record is merged in full, against the edit
    return EditResult(nip=nip, changed=changed)


def validate_value(session: Session, name: str, value: Any) -> Any:
    """A field value checked and normalised as a local edit would be (``EditError`` if not)."""
    try:
        checked = check_changes({name: value}, prefix="")[name]
    except LimitError as exc:
        raise EditLimitError(exc.problems) from None
    return _validate(session, name, checked)


def _check_who_and_why(actor: str, reason: str) -> None:
    """The audit actor fits its column; neither text holds NUL, surrogates or control bytes."""
    checks = (("actor", actor, single_line, ACTOR_MAX), ("reason", reason, multi_line, REASON_MAX))
    found = []
    for path, value, clean, limit in checks:
        try:
            clean(value)
        except ValueError as exc:
            found.append(Problem(path, str(exc)))
            continue
        if len(value) > limit:
            found.append(Problem(path, t("access.pydantic_string_too_long", max_length=limit)))
    if found:
        raise LimitError(found)


def _validate(session: Session, name: str, value: Any) -> Any:
    owner = FIELD_AUTHORITY.get(name)
    if owner is None:
        raise EditError(t("guards.edit_unknown_field", fields=", ".join(EDITABLE_FIELDS)))
    if owner is Authority.SIASN:
        raise EditError(t("guards.edit_siasn_field", field=name))
    if value is None or (isinstance(value, str) and not value.strip()):
        if FIELD[name].required:
            raise EditError(t("guards.edit_not_empty", field=name))
        return None
    return _VALIDATORS.get(name, _text)(session, name, value)


def _text(_session: Session, name: str, value: Any) -> str:
    text = " ".join(str(value).split())
    limit = FIELD[name].max_length or TEXT_MAX
    if len(text) > limit:
        raise EditError(t("guards.edit_too_long", field=name, limit=limit))
    return text


def _date(_session: Session, name: str, value: Any) -> str:
    try:
        parsed = parse_siasn_date(value)
    except ValueError as exc:
        raise EditError(t("guards.edit_date", field=name)) from exc
    if parsed is None or parsed > date(2100, 1, 1):
        raise EditError(t("guards.edit_date", field=name))
    return str(to_json(parsed))


def _golongan(_session: Session, name: str, value: Any) -> str:
    try:
        return parse_golongan(str(value)).kode
    except RankError as exc:
        raise EditError(t("guards.edit_golongan", field=name)) from exc


def _unor(session: Session, name: str, value: Any) -> str:
    unit_id = str(value).strip()
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.aktif:
        raise EditError(t("guards.edit_unit", field=name))
    return unit_id


def _choice(table: Mapping[int, object]) -> Any:
    def check(_session: Session, name: str, value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = -1
        if number not in table:
            raise EditError(t("guards.edit_choice", field=name, choices=", ".join(map(str, sorted(table)))))
        return number

    return check


def _email(_session: Session, name: str, value: Any) -> str:
    text = str(value).strip()
    if not EMAIL_PATTERN.fullmatch(text):
        raise EditError(t("guards.edit_email", field=name))
    return text


_VALIDATORS: dict[str, Any] = {
    **{name: _date for name in names(Kind.DATE)},
    **{f.name: _choice(f.choices) for f in FIELDS if f.choices is not None},
    "golongan": _golongan,
    "unor_id": _unor,
    "email": _email,
}
