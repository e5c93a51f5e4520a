"""Append-only audit entries: every change, who made it and why.

``record`` (and ``record_many`` for bulk writers) is the only way an entry is written; the entry
joins the hash chain when its transaction commits (``store.audit_chain``). Nothing in the code
updates or deletes an entry (a test scans for it) and the database refuses both (migration
0008's triggers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from store.audit_chain import enlist, enlist_many, normalize
from store.models import AuditEntry

SYSTEM_ACTOR = "sinkron-siasn"


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    nip: str | None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
    run_id: str | None = None,
) -> None:
    """Add one audit entry to the session's transaction (sealed into the chain at commit)."""
    enlist(
        session,
        AuditEntry(
            at=now(),
            actor=actor,
            action=action,
            pegawai_nip=nip,
            field=field,
            old_value=normalize(old),
            new_value=normalize(new),
            reason=reason,
            run_id=run_id,
        ),
    )


def record_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add many audit entries in one statement (``AuditEntry`` column names as keys); they are
    sealed into the chain at commit like ``record``'s."""
    enlist_many(session, rows)
