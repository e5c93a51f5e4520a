"""Resolving a conflict (the admin's decision): take SIASN, keep local, or set a value.

Each resolution records SIASN's value as the merge base, so the same disagreement is not raised
again; a later change on either side is judged afresh. Every resolution is audited with who and
why; keeping the local value also records that a correction should be proposed to BKN.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Conflict, FieldState, Pegawai
from sync import audit
from sync.edit import EditError, validate_value
from sync.values import local_values, set_field


class Resolution(StrEnum):
    """What the admin decided."""

    TAKE_SIASN = "ambil_siasn"
    KEEP_LOCAL = "pertahankan_lokal"
    SET_VALUE = "tetapkan_nilai"


class ResolveError(ValueError):
    """A resolution that cannot be applied; the message says why."""


def resolve_conflict(session: Session, conflict_id: int, resolution: Resolution, *, actor: str,
                     reason: str, value: Any = None) -> Conflict:
    """Apply the admin's decision to one open conflict."""
    if not actor.strip() or not reason.strip():
        raise ResolveError("who resolves (actor) and why (reason) are required")
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.status != "open":
        raise ResolveError(f"conflict {conflict_id} is not open")
    person = session.get_one(Pegawai, conflict.pegawai_id)
    if conflict.kind == "unor_dihapus" and resolution is not Resolution.SET_VALUE:
        raise ResolveError("a removed-unit conflict is resolved by setting an active unit")
    if conflict.kind == "klaim":
        return _resolve_claim(session, conflict, person, resolution, actor, reason)
    current = local_values(person).get(conflict.field)
    new = _decided(session, conflict, resolution, value)
    if new != current and conflict.field in local_values(person):
        set_field(person, conflict.field, new)
        person.updated_at = audit.now()
    if conflict.kind == "merge":
        _acknowledge(session, person.id, conflict.field, conflict.remote_value)
    conflict.status, conflict.resolution = "resolved", resolution.value
    conflict.resolved_at, conflict.resolved_by = audit.now(), actor
    conflict.resolution_reason = reason
    audit.record(session, actor=actor, action=f"konflik_{resolution.value}", nip=person.nip,
                 field=conflict.field, old=current, new=new, reason=reason)
    if resolution is Resolution.KEEP_LOCAL:
        audit.record(session, actor=actor, action="usul_perbaikan_siasn", nip=person.nip,
                     field=conflict.field, old=conflict.remote_value, new=current, reason=reason)
    return conflict


def _resolve_claim(session: Session, conflict: Conflict, person: Pegawai,
                   resolution: Resolution, actor: str, reason: str) -> Conflict:
    from store.models import UnitClaim

    if resolution is Resolution.SET_VALUE:
        raise ResolveError("a claim conflict is resolved by ambil_siasn or pertahankan_lokal")
    claim = session.scalar(select(UnitClaim).where(UnitClaim.pegawai_id == person.id))
    if resolution is Resolution.TAKE_SIASN and claim is not None:
        session.delete(claim)
    conflict.status, conflict.resolution = "resolved", resolution.value
    conflict.resolved_at, conflict.resolved_by = audit.now(), actor
    conflict.resolution_reason = reason
    audit.record(session, actor=actor, action=f"konflik_{resolution.value}", nip=person.nip,
                 field=conflict.field, old=conflict.remote_value, new=conflict.local_value,
                 reason=reason)
    if resolution is Resolution.KEEP_LOCAL:
        audit.record(session, actor=actor, action="usul_perbaikan_siasn", nip=person.nip,
                     field=conflict.field, old=conflict.remote_value, new=conflict.local_value,
                     reason=reason)
    return conflict


def _decided(session: Session, conflict: Conflict, resolution: Resolution, value: Any) -> Any:
    if resolution is Resolution.TAKE_SIASN:
        return conflict.remote_value
    if resolution is Resolution.KEEP_LOCAL:
        return conflict.local_value
    try:
        return validate_value(session, conflict.field, value)
    except EditError as exc:
        raise ResolveError(str(exc)) from exc


def _acknowledge(session: Session, pegawai_id: int, field: str, remote: Any) -> None:
    state = session.scalar(select(FieldState).where(FieldState.pegawai_id == pegawai_id,
                                                    FieldState.field == field))
    if state is None:
        session.add(FieldState(pegawai_id=pegawai_id, field=field, base_value=remote,
                               received_at=audit.now()))
    else:
        state.base_value, state.received_at = remote, audit.now()
