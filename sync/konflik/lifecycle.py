"""A conflict's life: opened, assigned, commented, resolved or superseded by newer values.

A conflict whose SIASN or local value changes again before anyone decides it is superseded by a
new conflict carrying the new values (linked by ``supersedes_id``), so no decision ever applies
to values nobody saw. Every step is a ``ConflictEvent``; steps that change what a reviewer was
shown (assigned, resolved, superseded) bump ``version``, which decisions check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import Conflict, ConflictEvent, Pegawai
from sync import audit
from sync.konflik.calendar import add_working_days, local_date

OPEN: Final = "open"
ASSIGNED: Final = "assigned"
RESOLVED: Final = "resolved"
SUPERSEDED: Final = "superseded"
ACTIVE: Final = (OPEN, ASSIGNED)
STATUSES: Final = (OPEN, ASSIGNED, RESOLVED, SUPERSEDED)
EVENT_KINDS: Final = ("opened", "assigned", "commented", "resolved", "superseded")


@dataclass(frozen=True)
class KonflikPolicy:
    """How long an admin has (working days) and the timezone days are counted in."""

    due_working_days: int = 5
    timezone: str = "Asia/Jakarta"


DEFAULT_POLICY: Final = KonflikPolicy()


def due_date(opened_at: datetime, policy: KonflikPolicy = DEFAULT_POLICY) -> date:
    """The day a conflict opened at ``opened_at`` should be decided by."""
    return add_working_days(local_date(opened_at, policy.timezone), policy.due_working_days)


def is_overdue(conflict: Conflict, today: date, policy: KonflikPolicy = DEFAULT_POLICY) -> bool:
    """An undecided conflict past its due date."""
    return conflict.status in ACTIVE and today > due_date(conflict.opened_at, policy)


def add_event(
    session: Session, conflict: Conflict, kind: str, actor: str, detail: str | None = None
) -> ConflictEvent:
    """Append one step to the history; a step that changes the conflict bumps its version."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown conflict event {kind!r}")
    stamp = audit.now()
    if kind not in ("opened", "commented"):
        conflict.version = (conflict.version or 1) + 1
        conflict.updated_at = stamp
    event = ConflictEvent(
        conflict_id=conflict.id, at=stamp, actor=actor, kind=kind, detail=detail, version=conflict.version
    )
    session.add(event)
    return event


def raise_conflict(
    session: Session,
    *,
    pegawai: Pegawai,
    field: str,
    kind: str,
    values: tuple[Any, Any, Any],
    explanation: str,
    actor: str,
    run_id: str | None,
    existing: Conflict | None = None,
) -> Conflict:
    """Open a conflict on (base, local, remote) ``values``; supersede ``existing`` if they moved."""
    if existing is not None and _values(existing) == values:
        return existing
    if existing is not None:
        return _supersede(session, existing, pegawai, kind, values, explanation, actor, run_id)
    conflict = _new(session, pegawai, field, kind, values, explanation, run_id)
    add_event(session, conflict, "opened", actor, explanation)
    audit.record(
        session,
        actor=actor,
        action="konflik_dibuka",
        nip=pegawai.nip,
        field=field,
        old=values[1],
        new=values[2],
        reason=explanation,
        run_id=run_id,
    )
    return conflict


def close(
    session: Session,
    conflict: Conflict,
    *,
    resolution: str,
    actor: str,
    reason: str,
    detail: str | None = None,
) -> None:
    """Mark ``conflict`` resolved by ``actor`` with ``resolution`` and why."""
    conflict.status, conflict.resolution = RESOLVED, resolution
    conflict.resolved_at, conflict.resolved_by = audit.now(), actor
    conflict.resolution_reason = reason
    add_event(session, conflict, "resolved", actor, detail or reason)


def siasn_value(conflict: Conflict) -> Any:
    """What SIASN holds for the field: its new value, or for a removed unit the unit it still names."""
    return conflict.base_value if conflict.kind == "unor_dihapus" else conflict.remote_value


def _values(conflict: Conflict) -> tuple[Any, Any, Any]:
    return conflict.base_value, conflict.local_value, conflict.remote_value


def _new(
    session: Session,
    pegawai: Pegawai,
    field: str,
    kind: str,
    values: tuple[Any, Any, Any],
    explanation: str,
    run_id: str | None,
    supersedes: Conflict | None = None,
) -> Conflict:
    stamp = audit.now()
    assignee = supersedes.assignee if supersedes is not None else None
    conflict = Conflict(
        pegawai_id=pegawai.id,
        field=field,
        kind=kind,
        base_value=values[0],
        local_value=values[1],
        remote_value=values[2],
        status=ASSIGNED if assignee else OPEN,
        explanation=explanation,
        opened_at=stamp,
        updated_at=stamp,
        run_id=run_id,
        assignee=assignee,
        version=1,
        supersedes_id=supersedes.id if supersedes else None,
    )
    session.add(conflict)
    session.flush()
    return conflict


def _supersede(
    session: Session,
    old: Conflict,
    pegawai: Pegawai,
    kind: str,
    values: tuple[Any, Any, Any],
    explanation: str,
    actor: str,
    run_id: str | None,
) -> Conflict:
    changed = describe_change(_values(old), values)
    old.status = SUPERSEDED
    session.flush()  # the partial unique index allows one active conflict per field
    new = _new(session, pegawai, old.field, kind, values, explanation, run_id, supersedes=old)
    add_event(
        session, old, "superseded", actor, t("konflik.event_superseded", new_id=new.id, changed=changed)
    )
    add_event(session, new, "opened", actor, t("konflik.event_opened_from", old_id=old.id, changed=changed))
    audit.record(
        session,
        actor=actor,
        action="konflik_digantikan",
        nip=pegawai.nip,
        field=old.field,
        old=old.remote_value,
        new=values[2],
        reason=t("konflik.event_superseded", new_id=new.id, changed=changed),
        run_id=run_id,
    )
    return new


def describe_change(before: tuple[Any, Any, Any], after: tuple[Any, Any, Any]) -> str:
    """Which of base, local and SIASN changed between two value triples, in Bahasa Indonesia."""
    names = (t("konflik.side_base"), t("konflik.side_local"), t("konflik.side_siasn"))
    parts = [
        t("konflik.changed_value", side=name, old=_show(b), new=_show(a))
        for name, b, a in zip(names, before, after, strict=True)
        if b != a
    ]
    return "; ".join(parts) or t("konflik.changed_nothing")


def _show(value: Any) -> str:
    return t("konflik.empty") if value is None else str(value)
