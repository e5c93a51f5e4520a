"""Held runs: one pending at a time, and who approved one and why.

A run held by a guard waits for an admin. A later run of the same kind that is not an approval
replaces it: the older is marked ``superseded`` and points at its replacement, so only one held
run is ever pending. Approving (the console's button, the API, ``runs setujui`` or ``reconcile
--confirm --alasan``) records who and why twice: in the audit log (``run_disetujui``) and on the
run itself (``options["approval"]``), where the run page and ``runs show`` read it at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from store.models import SyncRun
from sync import audit
from sync.runs import RunStatus

APPROVED = "run_disetujui"
REPLACED = "run_digantikan"
RUN_ACTIONS = frozenset({APPROVED, REPLACED})


def supersede(session: Session, old: SyncRun, new_id: str, *, actor: str) -> None:
    """Mark the held run ``old`` replaced by the run ``new_id`` (audited)."""
    old.status, old.phase = RunStatus.SUPERSEDED, "done"
    old.options = {**(old.options or {}), "replaced_by": new_id}
    audit.record(session, actor=actor, action=REPLACED, nip=None, new=new_id, run_id=old.id)


def record_approval(session: Session, run: SyncRun, *, actor: str, reason: str | None) -> None:
    """Record, once per run, that ``actor`` approved ``run``'s held changes because ``reason``."""
    if approval_of(run) is not None:
        return
    at = audit.now()
    run.options = {
        **(run.options or {}),
        "approval": {"oleh": actor, "alasan": reason, "pada": at.isoformat()},
    }
    audit.record(session, actor=actor, action=APPROVED, nip=None, reason=reason, run_id=run.id)


def approval_of(run: SyncRun) -> dict[str, Any] | None:
    """Who approved the run, why and when (``oleh``, ``alasan``, ``pada``); None if nobody."""
    found = (run.options or {}).get("approval")
    return dict(found) if isinstance(found, dict) else None


def replaced_by(run: SyncRun) -> str | None:
    """The id of the run that replaced this held one, if any."""
    found = (run.options or {}).get("replaced_by")
    return found if isinstance(found, str) else None


def held_details(run: SyncRun) -> dict[str, Any]:
    """The approval and replacement of a run, for its report."""
    return {"approval": approval_of(run), "replaced_by": replaced_by(run)}
