"""What every phase of a run works with: its options, SIASN, the store through its fence.

``Context`` also owns the writes to the run's own row that more than one phase makes: a phase
change and an end (``aborted``, ``stopped``, ``completed``) with its counts and duration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.siasn.client import SiasnClient
from store.models import SyncRun
from sync import clock, runs
from sync.fence import Fence
from sync.reconcile.approval import record_approval
from sync.reconcile.early_guard import tally
from sync.reconcile.guards import GuardPolicy
from sync.reconcile.steps import finish
from sync.runs import RunStatus

KIND = "reconcile"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ReconcileOptions:
    """How a run behaves."""

    dry_run: bool = False
    confirm: bool = False
    concurrency: int = 16
    batch_size: int = 200
    guards: GuardPolicy = field(default_factory=GuardPolicy)
    actor: str = "rekonsiliasi"
    approval_reason: str | None = None  # why a held run is approved (``confirm``), audited
    lease_seconds: float = runs.LEASE_SECONDS
    write_slice_s: float = 0.15  # longest a write transaction of the apply/supervisor phases runs
    timezone: str = clock.DEFAULT_ZONE  # the display timezone of the times in item reasons

    def as_json(self) -> dict[str, Any]:
        """The options as stored on the run row."""
        data = asdict(self)
        data["guards"] = asdict(self.guards)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], **override: Any) -> ReconcileOptions:
        """Options stored on a run row (unknown keys, such as an approval's, are ignored)."""
        known = {f.name for f in fields(cls)} - {"guards"}
        guards = {f.name for f in fields(GuardPolicy)}
        kept = {k: v for k, v in data.items() if k in known}
        policy = GuardPolicy(**{k: v for k, v in (data.get("guards") or {}).items() if k in guards})
        return cls(**{**kept, "guards": policy, **override})


@dataclass
class Context:
    """One run's collaborators: SIASN, the store and its fence, the options, a progress hook."""

    siasn: SiasnClient
    sessions: sessionmaker[Session]
    options: ReconcileOptions
    progress: Progress
    fence: Fence

    def set_phase(self, run_id: str, phase: str) -> None:
        """Move the run on to ``phase`` (fenced)."""
        with self.fence.write() as session:
            session.get_one(SyncRun, run_id).phase = phase

    def mark(
        self,
        run_id: str,
        *,
        status: RunStatus,
        reason: str | None = None,
        phase: str | None = None,
        only_from: str | None = None,
    ) -> None:
        """Set the run's status and reason; an aborted or stopped run counts what it fetched, an
        ended one is stamped with its end time. ``only_from``: only while the run is running in
        that phase (a partition's early guard never ends a run that has moved on)."""
        with self.fence.write() as session:
            run = session.get_one(SyncRun, run_id)
            if only_from is not None and (run.status != RunStatus.RUNNING or run.phase != only_from):
                return
            run.status, run.guard_reason = status, reason
            if phase is not None:
                run.phase = phase
            if status in (RunStatus.ABORTED, RunStatus.STOPPED):
                run.counts = tally(session, run_id)
                run.failed = run.counts["failed"]
            if status in (RunStatus.ABORTED, RunStatus.COMPLETED):
                finish(run)

    def approve(self, session: Session, run: SyncRun) -> None:
        """Record that the options' actor approved the held ``run`` (once), and why."""
        record_approval(session, run, actor=self.options.actor, reason=self.options.approval_reason)
