"""Opening a run: take the lease, then resume the unfinished run or start a new one.

Shared by a run in one process (``runner``) and a run handed to workers (``conduct``), so both
resume, approve and supersede a held run the same way.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.models import SyncRun
from sync import audit, runs
from sync.fence import Fence
from sync.reconcile.approval import record_approval, supersede
from sync.reconcile.context import KIND, ReconcileOptions
from sync.runs import RunStatus

log = structlog.get_logger(__name__)


def begin_run(
    sessions: sessionmaker[Session], fence: Fence, options: ReconcileOptions, owner: str | None = None
) -> str:
    """Take the lease (held by ``owner``, default this process); resume the unfinished run
    (approving a held one when confirmed, superseding it otherwise) or open a new one. The
    run's id."""
    provisional = uuid.uuid4().hex[:16]
    fence.acquire(provisional, options.lease_seconds, owner)
    with transaction(sessions) as session:
        existing = runs.unfinished(session, KIND)
        if existing is not None and existing.status == RunStatus.HELD and not options.confirm:
            supersede(session, existing, provisional, actor=options.actor)
            existing = None
        if existing is None:
            runs.hold(session, fence.held(), provisional)
            session.add(new_run(options, provisional))
            return provisional
        if existing.status == RunStatus.HELD:
            record_approval(session, existing, actor=options.actor, reason=options.approval_reason)
        runs.hold(session, fence.held(), existing.id)
        existing.status = RunStatus.RUNNING
        log.info("reconcile_resuming", run_id=existing.id, phase=existing.phase)
        return existing.id


def new_run(options: ReconcileOptions, run_id: str) -> SyncRun:
    """A new run's row, at its first phase."""
    return SyncRun(
        id=run_id,
        kind=KIND,
        status=RunStatus.RUNNING,
        phase="units",
        dry_run=False,
        options=options.as_json(),
        counts={},
        started_at=audit.now(),
        calls=0,
        failed=0,
        conflicts_opened=0,
    )
