"""Append-only audit entries: every change, who made it and why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

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
    """Add one audit entry to the session's transaction."""
    session.add(AuditEntry(at=now(), actor=actor, action=action, pegawai_nip=nip, field=field,
                           old_value=old, new_value=new, reason=reason, run_id=run_id))
