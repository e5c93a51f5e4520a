"""Run records and the single-flight lease: two runs of one kind never overlap.

The lease is a row in ``run_lock`` taken with a conditional UPDATE (atomic on SQLite and
PostgreSQL), renewed as the run makes progress, and taken over when it expired or when its owner
process on this host is gone (a killed run can be resumed at once).
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.models import RunLock, SyncRun

OWNER = f"{socket.gethostname()}:{os.getpid()}"
LEASE_SECONDS = 120.0


class RunBusy(RuntimeError):
    """Another run of the same kind holds the lease."""


def _owner_dead(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(sessions: sessionmaker[Session], kind: str, run_id: str,
            lease: float = LEASE_SECONDS) -> None:
    """Take the lease of ``kind`` for ``run_id`` or raise ``RunBusy`` saying who holds it."""
    now = time.time()
    with transaction(sessions) as session:
        current = session.get(RunLock, kind)
        if current is None:
            session.add(RunLock(kind=kind, run_id=run_id, owner=OWNER, expires_at=now + lease))
            try:
                session.flush()
                return
            except IntegrityError:
                raise RunBusy(f"another {kind} run started at the same moment") from None
        holder = current.owner
        takeable = current.expires_at < now or holder == OWNER or _owner_dead(holder)
        if takeable:
            taken = session.execute(
                update(RunLock).where(RunLock.kind == kind, RunLock.owner == holder,
                                      RunLock.expires_at == current.expires_at)
                .values(run_id=run_id, owner=OWNER, expires_at=now + lease))
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return
        left = max(0, int(current.expires_at - now))
        raise RunBusy(f"another {kind} run ({current.run_id}) is in progress, held by {holder} "
                      f"for {left} s more; wait for it to finish (ekinerja-sync runs list)")


def renew(sessions: sessionmaker[Session], kind: str, lease: float = LEASE_SECONDS) -> None:
    """Extend our lease (called as the run makes progress)."""
    with transaction(sessions) as session:
        session.execute(update(RunLock).where(RunLock.kind == kind, RunLock.owner == OWNER)
                        .values(expires_at=time.time() + lease))


def release(sessions: sessionmaker[Session], kind: str) -> None:
    """Give the lease up."""
    with transaction(sessions) as session:
        session.execute(update(RunLock).where(RunLock.kind == kind, RunLock.owner == OWNER)
                        .values(expires_at=0.0))


def unfinished(session: Session, kind: str) -> SyncRun | None:
    """The newest run of ``kind`` that was interrupted, stopped (credentials) or is held."""
    return session.scalar(select(SyncRun).where(
        SyncRun.kind == kind, SyncRun.dry_run.is_(False),
        SyncRun.status.in_(("running", "stopped", "held")))
        .order_by(SyncRun.started_at.desc()).limit(1))


def run_summary(run: SyncRun) -> dict[str, Any]:
    """The report of a run as JSON."""
    return {
        "run_id": run.id, "kind": run.kind, "status": run.status, "phase": run.phase,
        "dry_run": run.dry_run, "counts": run.counts or {}, "calls": run.calls,
        "failed": run.failed, "conflicts_opened": run.conflicts_opened,
        "duration_s": run.duration_s, "guard_reason": run.guard_reason,
        "unit_changes": run.unit_changes or {}, "integrity": run.integrity or {},
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
