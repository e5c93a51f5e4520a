"""Run records and the single-flight lease: two runs of one kind never overlap.

The lease is a row in ``run_lock`` taken with a conditional UPDATE (atomic on SQLite and
PostgreSQL) and taken over when it expired or when its owner process on this host is gone (a
killed run can be resumed at once). It is a fence, not a hint: every take-over bumps its
``epoch``, a ``Renewer`` thread renews it on its own clock (every third of the lease), and every
write of a run calls ``hold`` in the same transaction, which renews the lease only if owner and
epoch are still ours and otherwise raises ``LeaseLost``, rolling that write back.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mappings.messages import t
from store.db import DatabaseUnavailable, retrying, transaction
from store.models import RunLock, SyncRun
from sync import clock

LEASE_SECONDS = 120.0
log = structlog.get_logger(__name__)


class RunStatus(StrEnum):
    """Where a run stands, as stored in ``sync_run.status`` and shown in every report."""

    RUNNING = "running"
    COMPLETED = "completed"
    HELD = "held"  # a guard stopped it before applying; an admin may approve it
    ABORTED = "aborted"  # a guard stopped it: nothing applied
    STOPPED = "stopped"  # credentials refused, database gone, lease lost: resumes next run
    DRY_RUN = "dry_run"
    DRY_RUN_HELD = "dry_run_held"
    DRY_RUN_ABORTED = "dry_run_aborted"
    SUPERSEDED = "superseded"  # a held run a later run replaced
    FAILED = "failed"  # a PMM feed that could not finish


UNFINISHED = (RunStatus.RUNNING, RunStatus.STOPPED, RunStatus.HELD)
PLANNED = (RunStatus.HELD, RunStatus.SUPERSEDED)  # their changes are a stored plan


class RunBusy(RuntimeError):
    """Another run of the same kind holds the lease."""


class LeaseLost(RunBusy):
    """Our lease was taken over (we were paused past its expiry): the run must write no more."""


@dataclass(frozen=True)
class Lease:
    """A held lease: who holds it and the fencing epoch every write is checked against."""

    kind: str
    owner: str
    epoch: int
    seconds: float = LEASE_SECONDS


def lease_owner() -> str:
    """Who takes a lease now: this host and this process, read when the lease is taken (a
    forked child is another owner than its parent, so it can neither hold nor steal its lease)."""
    return f"{socket.gethostname()}:{os.getpid()}"


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


def acquire(
    sessions: sessionmaker[Session],
    kind: str,
    run_id: str,
    lease: float = LEASE_SECONDS,
    owner: str | None = None,
) -> Lease:
    """Take the lease of ``kind`` for ``run_id`` or raise ``RunBusy`` saying who holds it.

    ``owner`` names the holder (default: this host and process); a run handed to workers is
    held by a token of its own, shared by every job of the run (``sync.reconcile.conduct``)."""
    now, me = time.time(), owner or lease_owner()
    with transaction(sessions) as session:
        current = session.get(RunLock, kind)
        if current is None:
            session.add(RunLock(kind=kind, run_id=run_id, owner=me, expires_at=now + lease, epoch=1))
            try:
                session.flush()
            except IntegrityError:
                raise RunBusy(t("runs.busy_same_moment", kind=kind)) from None
            return Lease(kind, me, 1, lease)
        holder, epoch = current.owner, current.epoch
        if current.expires_at < now or _owner_dead(holder):
            taken = session.execute(
                update(RunLock)
                .where(
                    RunLock.kind == kind,
                    RunLock.owner == holder,
                    RunLock.epoch == epoch,
                    RunLock.expires_at == current.expires_at,
                )
                .values(run_id=run_id, owner=me, expires_at=now + lease, epoch=epoch + 1)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                log.info("lease_taken_over", kind=kind, previous=holder, epoch=epoch + 1)
                return Lease(kind, me, epoch + 1, lease)
        left = max(0, int(current.expires_at - now))
        raise RunBusy(t("runs.busy", kind=kind, run_id=current.run_id, owner=holder, left=left))


def hold(session: Session, lease: Lease, run_id: str | None = None) -> None:
    """Inside a write transaction: renew the lease if still ours, else raise ``LeaseLost``.

    The conditional UPDATE locks the lease row until the transaction ends, so a take-over can
    never slip in between this check and the commit of the write it guards.
    """
    values: dict[str, Any] = {"expires_at": time.time() + lease.seconds}
    if run_id is not None:
        values["run_id"] = run_id
    kept = session.execute(
        update(RunLock)
        .where(
            RunLock.kind == lease.kind,
            RunLock.owner == lease.owner,
            RunLock.epoch == lease.epoch,
            RunLock.expires_at > 0,  # a released lease is not ours any more (a late job's write)
        )
        .values(**values)
    )
    if kept.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost(t("runs.lease_lost", kind=lease.kind))


def renew(sessions: sessionmaker[Session], lease: Lease) -> None:
    """Extend our lease, or raise ``LeaseLost`` when another run has taken it over."""
    with transaction(sessions) as session:
        hold(session, lease)


def release(sessions: sessionmaker[Session], lease: Lease) -> None:
    """Give the lease up (only if it is still ours)."""
    with transaction(sessions) as session:
        session.execute(
            update(RunLock)
            .where(RunLock.kind == lease.kind, RunLock.owner == lease.owner, RunLock.epoch == lease.epoch)
            .values(expires_at=0.0)
        )


def carried_on(session: Session, kind: str, run_id: str, lease: Lease) -> bool:
    """True when another holder has taken the lease over and carries ``run_id`` on."""
    current = session.scalar(select(RunLock).where(RunLock.kind == kind).with_for_update())
    return (
        current is not None
        and current.epoch != lease.epoch
        and current.run_id == run_id
        and current.expires_at > time.time()
    )


class Renewer:
    """Renews a lease every third of its length on its own thread, whatever the run is doing."""

    def __init__(self, sessions: sessionmaker[Session], lease: Lease) -> None:
        self._sessions = sessions
        self._lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lease-renewer", daemon=True)
        self.lost: str | None = None

    def __enter__(self) -> Renewer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self._lease.seconds / 3):
            try:
                retrying(lambda: renew(self._sessions, self._lease))
            except LeaseLost as exc:
                self.lost = str(exc)
                log.warning("lease_lost", kind=self._lease.kind, epoch=self._lease.epoch)
                return
            except (DatabaseUnavailable, DBAPIError) as exc:
                log.warning("lease_renewal_failed", kind=self._lease.kind, error=str(exc))


def unfinished(session: Session, kind: str) -> SyncRun | None:
    """The newest run of ``kind`` that was interrupted, stopped (credentials) or is held."""
    return session.scalar(
        select(SyncRun)
        .where(
            SyncRun.kind == kind,
            SyncRun.dry_run.is_(False),
            SyncRun.status.in_(UNFINISHED),
        )
        .order_by(SyncRun.started_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class RunReport:
    """The report of one run: what the CLI, the API, the console and the run list show."""

    run_id: str
    kind: str
    status: RunStatus
    phase: str
    dry_run: bool
    counts: dict[str, int]
    calls: int
    failed: int
    conflicts_opened: int
    duration_s: float | None
    guard_reason: str | None
    unit_changes: dict[str, Any]
    integrity: dict[str, Any]
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, run: SyncRun) -> RunReport:
        """The report of a stored run."""
        return cls(
            run_id=run.id,
            kind=run.kind,
            status=RunStatus(run.status),
            phase=run.phase,
            dry_run=run.dry_run,
            counts=dict(run.counts or {}),
            calls=run.calls,
            failed=run.failed,
            conflicts_opened=run.conflicts_opened,
            duration_s=run.duration_s,
            guard_reason=run.guard_reason,
            unit_changes=dict(run.unit_changes or {}),
            integrity=dict(run.integrity or {}),
            started_at=run.started_at,
            finished_at=run.finished_at,
        )

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (the one format every surface returns)."""
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "status": self.status.value,
            "phase": self.phase,
            "dry_run": self.dry_run,
            "counts": dict(self.counts),
            "calls": self.calls,
            "failed": self.failed,
            "conflicts_opened": self.conflicts_opened,
            "duration_s": self.duration_s,
            "guard_reason": self.guard_reason,
            "unit_changes": dict(self.unit_changes),
            "integrity": dict(self.integrity),
            "started_at": clock.iso(self.started_at),
            "finished_at": clock.iso(self.finished_at),
        }
