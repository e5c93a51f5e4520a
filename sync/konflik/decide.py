"""Deciding conflicts: take SIASN, keep local (an upstream correction to propose), or set a value.

A decision records SIASN's value as the merge base, so the same disagreement is not raised again;
a later change on either side is judged afresh. A bulk decision is all or nothing: every
conflict is checked (in scope, still undecided, not superseded, unchanged since shown) before
the first is applied, the refusal names every refused conflict and why, and the caller's
transaction holds them together. Every decision is in the audit log; keeping the local value, or
setting one that differs from SIASN's, also records "usul_perbaikan_siasn" (an upstream
correction to propose, listed by ``usulan``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.limits import multi_line
from mappings.messages import t
from store.models import Conflict, ConflictEvent, FieldState, Pegawai, Unit, UnitClaim
from sync import audit
from sync.access.people import UnknownUser, labels, resolve_assignee
from sync.access.rules import AREA_FIELDS
from sync.konflik import group, lifecycle
from sync.konflik.errors import KonflikError, KonflikForbidden, KonflikNotFound, KonflikRefused
from sync.konflik.scope import Scope
from sync.profil.edit import EditError, validate_value
from sync.skp import konflik as skp_konflik
from sync.values import local_values, set_field

MAX_BULK = 5000
MAX_REASON = 1000


class Resolution(StrEnum):
    """What the admin decided (the values are the audit actions' suffixes)."""

    TAKE_SIASN = "ambil_siasn"
    KEEP_LOCAL = "pertahankan_lokal"
    SET_VALUE = "tetapkan_nilai"


def decide(
    session: Session,
    scope: Scope,
    ids: Sequence[int],
    resolution: Resolution,
    *,
    actor: str,
    reason: str,
    seen_versions: Mapping[int, int] | None = None,
    value: Any = None,
) -> list[Conflict]:
    """Apply one decision to every conflict in ``ids`` and their groups, all or nothing.

    Each conflict brings the undecided conflicts of its related fields along (``group``); with
    ``seen_versions`` every one of them must have been shown. Every check and every value is
    settled before the first write.
    """
    reason = decision_reason(reason)
    unique = list(dict.fromkeys(ids))
    if not unique or len(unique) > MAX_BULK:
        raise KonflikError(t("konflik.bad_ids", maximum=MAX_BULK))
    if not scope.may_decide:
        raise KonflikForbidden(t("konflik.read_only"))
    asked = _decidable_all(session, scope, unique, seen_versions)
    conflicts = group.expand(session, asked)
    group.check_seen(asked, conflicts, seen_versions)
    for member in conflicts[len(asked) :]:
        _check_version(session, member, seen_versions)
    if resolution is Resolution.SET_VALUE:
        group.check_value_keys(conflicts, value)
    plan = [(c, _target(session, c, resolution, conflicts, value)) for c in conflicts]
    _check_target_units(scope, plan, len(unique))
    return [
        _apply(session, c, resolution, actor, reason, new, group.partners(c, conflicts)) for c, new in plan
    ]


def _decidable_all(
    session: Session, scope: Scope, ids: Sequence[int], seen_versions: Mapping[int, int] | None
) -> list[Conflict]:
    """Every asked conflict checked before the first write; the refusal names each refused one."""
    found: list[Conflict] = []
    refused: list[tuple[int, KonflikError]] = []
    for cid in ids:
        try:
            found.append(_decidable(session, scope, cid, seen_versions))
        except KonflikError as exc:
            refused.append((cid, exc))
    _raise_refused(refused, len(ids))
    return found


def _raise_refused(refused: Sequence[tuple[int, KonflikError]], total: int) -> None:
    """One refusal refuses them all: a single decision gets its own error, a bulk one the list
    of every refused conflict and why (``KonflikError.refused``)."""
    if not refused:
        return
    first = refused[0][1]
    if total == 1:
        raise first
    lines = "; ".join(t("keputusan.bulk_refused_line", id=cid, reason=str(exc)) for cid, exc in refused)
    error = type(first)(t("keputusan.bulk_refused", refused=len(refused), total=total, details=lines))
    error.refused = tuple((cid, str(exc)) for cid, exc in refused)
    raise error


def _target(
    session: Session, conflict: Conflict, resolution: Resolution, decided: Sequence[Conflict], value: Any
) -> Any:
    """The value a field decision sets (validated), before anything is written."""
    if conflict.kind == "unor_dihapus" and resolution is not Resolution.SET_VALUE:
        raise KonflikError(t("konflik.removed_unit_needs_value", id=conflict.id))
    if conflict.kind not in group.GROUPED_KINDS:
        return None
    raw = group.value_for(conflict, decided, value) if resolution is Resolution.SET_VALUE else None
    return _decided(session, conflict, resolution, raw)


def _check_target_units(scope: Scope, plan: Sequence[tuple[Conflict, Any]], total: int) -> None:
    """A decision that sets a unit sets only units inside the caller's area (before any write)."""
    refused: list[tuple[int, KonflikError]] = [
        (conflict.id, KonflikForbidden(t("access.target_outside_area")))
        for conflict, target in plan
        if conflict.field in AREA_FIELDS
        and conflict.kind in group.GROUPED_KINDS
        and isinstance(target, str)
        and not scope.may_place(target)
    ]
    _raise_refused(refused, total)


def assign(
    session: Session,
    scope: Scope,
    conflict_id: int,
    assignee: str | None,
    *,
    actor: str,
    seen_version: int | None = None,
) -> Conflict:
    """Give an undecided conflict to ``assignee``, a person the system knows (``sync.access.people``);
    None takes it back to open."""
    if not scope.may_decide:
        raise KonflikForbidden(t("konflik.read_only"))
    try:
        who = resolve_assignee(session, assignee)
    except UnknownUser as exc:
        raise KonflikError(str(exc)) from None
    versions = {conflict_id: seen_version} if seen_version is not None else None
    conflict = _decidable(session, scope, conflict_id, versions)
    conflict.assignee = who
    conflict.status = lifecycle.ASSIGNED if who else lifecycle.OPEN
    shown = labels(session).get(who, who) if who else None
    detail = t("konflik.event_assigned", assignee=shown) if shown else t("konflik.event_unassigned")
    lifecycle.add_event(session, conflict, "assigned", actor, detail)
    return conflict


def comment(session: Session, scope: Scope, conflict_id: int, text: str, *, actor: str) -> None:
    """Add a comment to a conflict's history (any state; comments do not bump the version)."""
    body = stored_text(text)
    if not body or len(body) > 2000:
        raise KonflikError(t("konflik.bad_comment"))
    if not scope.may_decide:
        raise KonflikForbidden(t("konflik.read_only"))
    conflict = _in_scope(session, scope, conflict_id)
    lifecycle.add_event(session, conflict, "commented", actor, body)


def stored_text(value: str | None) -> str:
    """Free text as stored: trimmed; NUL and control characters (bar line breaks) refused."""
    try:
        return multi_line((value or "").strip())
    except ValueError as exc:
        raise KonflikError(str(exc)) from None


def decision_reason(reason: str) -> str:
    """A decision's reason as stored: required, within ``MAX_REASON``, no control characters."""
    text = stored_text(reason)
    if not text:
        raise KonflikError(t("konflik.reason_required"))
    if len(text) > MAX_REASON:
        raise KonflikError(t("konflik.reason_too_long", maximum=MAX_REASON))
    return text


def _in_scope(session: Session, scope: Scope, conflict_id: int) -> Conflict:
    conflict = session.scalar(select(Conflict).where(Conflict.id == conflict_id).with_for_update())
    if conflict is None:
        raise KonflikNotFound(t("konflik.not_found", id=conflict_id))
    nip = session.scalar(select(Pegawai.nip).where(Pegawai.id == conflict.pegawai_id))
    if not scope.sees_nip(session, nip):
        raise KonflikNotFound(t("konflik.not_found", id=conflict_id))
    return conflict


def _decidable(
    session: Session, scope: Scope, conflict_id: int, seen_versions: Mapping[int, int] | None
) -> Conflict:
    conflict = _in_scope(session, scope, conflict_id)
    if conflict.status == lifecycle.SUPERSEDED:
        successor = session.scalar(select(Conflict.id).where(Conflict.supersedes_id == conflict.id))
        raise KonflikRefused(t("konflik.refused_superseded", id=conflict_id, new_id=successor))
    if conflict.status == lifecycle.RESOLVED:
        raise KonflikRefused(
            t(
                "konflik.refused_resolved",
                id=conflict_id,
                by=conflict.resolved_by,
                resolution=conflict.resolution,
            )
        )
    _check_version(session, conflict, seen_versions)
    return conflict


def _check_version(session: Session, conflict: Conflict, seen_versions: Mapping[int, int] | None) -> None:
    """Refuse a conflict that changed since the version the caller was shown."""
    seen = (seen_versions or {}).get(conflict.id)
    if seen is not None and seen != conflict.version:
        raise KonflikRefused(
            t("konflik.refused_stale", id=conflict.id, changes=_changes_since(session, conflict, seen))
        )


def _changes_since(session: Session, conflict: Conflict, seen: int) -> str:
    events = session.scalars(
        select(ConflictEvent)
        .where(
            ConflictEvent.conflict_id == conflict.id,
            ConflictEvent.version > seen,
            ConflictEvent.kind != "commented",
        )
        .order_by(ConflictEvent.id)
    )
    said = [t("konflik.change_line", actor=e.actor, detail=e.detail or e.kind) for e in events]
    return "; ".join(said) or t("konflik.changed_nothing")


def _apply(
    session: Session,
    conflict: Conflict,
    resolution: Resolution,
    actor: str,
    reason: str,
    new: Any,
    partners: str = "",
) -> Conflict:
    person = session.get_one(Pegawai, conflict.pegawai_id)
    person.siasn_digest = None  # the next SIASN record is merged in full, against the decision
    if conflict.kind == "klaim":
        return _decide_claim(session, conflict, person, resolution, actor, reason)
    if conflict.kind == skp_konflik.KIND:
        return skp_konflik.decide(session, conflict, person, resolution.value, actor=actor, reason=reason)
    current = local_values(person).get(conflict.field)
    if resolution is Resolution.KEEP_LOCAL:  # the value local now: a later edit is not undone
        new = current
    if new != current and conflict.field in local_values(person):
        _set(session, person, conflict.field, new)
    if conflict.kind == "merge":
        _acknowledge(session, person.id, conflict.field, conflict.remote_value)
    conflict.decided_value = new
    lifecycle.close(
        session,
        conflict,
        resolution=resolution.value,
        actor=actor,
        reason=reason,
        detail=t(f"konflik.decided_{resolution.value}", reason=reason) + partners,
    )
    audit.record(
        session,
        actor=actor,
        action=f"konflik_{resolution.value}",
        nip=person.nip,
        field=conflict.field,
        old=current,
        new=new,
        reason=reason,
    )
    if resolution is not Resolution.TAKE_SIASN and new != lifecycle.siasn_value(conflict):
        audit.record(
            session,
            actor=actor,
            action="usul_perbaikan_siasn",
            nip=person.nip,
            field=conflict.field,
            old=lifecycle.siasn_value(conflict),
            new=new,
            reason=reason,
        )
    return conflict


def _set(session: Session, person: Pegawai, field: str, value: Any) -> None:
    """Set a decided field (a unit's name follows its id)."""
    set_field(person, field, value)
    if field == "unor_id":
        unit = session.get(Unit, value) if value else None
        person.unor_nama = unit.nama if unit else person.unor_nama
    person.updated_at = audit.now()


def _decide_claim(
    session: Session, conflict: Conflict, person: Pegawai, resolution: Resolution, actor: str, reason: str
) -> Conflict:
    if resolution is Resolution.SET_VALUE:
        raise KonflikError(t("konflik.claim_no_value", id=conflict.id))
    claim = session.scalar(select(UnitClaim).where(UnitClaim.pegawai_id == person.id))
    if resolution is Resolution.TAKE_SIASN and claim is not None:
        session.delete(claim)
    lifecycle.close(
        session,
        conflict,
        resolution=resolution.value,
        actor=actor,
        reason=reason,
        detail=t(f"konflik.decided_{resolution.value}", reason=reason),
    )
    audit.record(
        session,
        actor=actor,
        action=f"konflik_{resolution.value}",
        nip=person.nip,
        field=conflict.field,
        old=conflict.remote_value,
        new=conflict.local_value,
        reason=reason,
    )
    if resolution is Resolution.KEEP_LOCAL:
        audit.record(
            session,
            actor=actor,
            action="usul_perbaikan_siasn",
            nip=person.nip,
            field=conflict.field,
            old=conflict.remote_value,
            new=conflict.local_value,
            reason=reason,
        )
    return conflict


def _decided(session: Session, conflict: Conflict, resolution: Resolution, value: Any) -> Any:
    if resolution is Resolution.TAKE_SIASN:
        return conflict.remote_value
    if resolution is Resolution.KEEP_LOCAL:
        return conflict.local_value
    try:
        return validate_value(session, conflict.field, value)
    except EditError as exc:
        raise KonflikError(t("konflik.bad_value", id=conflict.id, error=str(exc))) from exc


def _acknowledge(session: Session, pegawai_id: int, field: str, remote: Any) -> None:
    state = session.scalar(
        select(FieldState).where(FieldState.pegawai_id == pegawai_id, FieldState.field == field)
    )
    if state is None:
        session.add(
            FieldState(pegawai_id=pegawai_id, field=field, base_value=remote, received_at=audit.now())
        )
    else:
        state.base_value, state.received_at = remote, audit.now()
