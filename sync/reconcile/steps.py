"""Session-level steps of a reconciliation, shared by real runs and dry runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mappings.departure import departure_reason
from mappings.messages import t
from mappings.units import UnitRecord
from store.models import AuditEntry, FieldState, Pegawai, RosterEntry, RunItem, SyncRun
from sync import audit, clock
from sync.apply import StaleSnapshot, apply_profile
from sync.merge import Decision, merge_field
from sync.outcome import Status
from sync.profil.remote import Known
from sync.reconcile.apply_batch import ApplyBatch
from sync.reconcile.fetch import Failed, Fetched, NotFound, from_item, remote_of
from sync.reconcile.guards import PlanStats
from sync.unor.supervision import OrgContext, load_context
from sync.unor.tree import UnitChanges, apply_units, open_removed_unit_conflicts

SITUATION = {
    Status.CONFIRMED: "confirmed",
    Status.UPDATED: "updated",
    Status.CONFLICT: "conflict",
    Status.CREATED: "absent",
    Status.NOT_FOUND: "missing",
    Status.LEFT: "left",
    Status.AMBIGUOUS: "ambiguous",
    Status.FAILED: "failed",
}
SLICE = 500  # NIPs per IN clause
PAGE = 2000  # staged items read at a time
SITUATIONS = ("confirmed", "updated", "conflict", "absent", "missing", "left", "ambiguous", "failed", "stale")


def roster_nips(session: Session) -> list[str]:
    """Who a run covers: active local employees plus imported roster NIPs not yet local."""
    local = set(session.scalars(select(Pegawai.nip).where(Pegawai.aktif.is_(True))))
    known = set(session.scalars(select(Pegawai.nip)))
    roster = {nip for nip in session.scalars(select(RosterEntry.nip)) if nip not in known}
    return sorted(local | roster)


def known_bases(session: Session, nips: Iterable[str]) -> dict[str, Known]:
    """Merge bases of the fields that decide whether riwayat is fetched, per NIP (read in slices
    of ``SLICE`` NIPs: memory follows the NIPs asked for, not the instansi)."""
    bases: dict[str, dict[str, Any]] = {}
    for chunk in in_slices(nips):
        rows = session.execute(
            select(Pegawai.nip, FieldState.field, FieldState.base_value)
            .join(FieldState, FieldState.pegawai_id == Pegawai.id)
            .where(Pegawai.nip.in_(chunk), FieldState.field.in_(("golongan", "jabatan", "unor_id")))
        )
        for nip, name, value in rows:
            bases.setdefault(nip, {})[name] = value
    return {nip: Known(b.get("golongan"), b.get("jabatan"), b.get("unor_id")) for nip, b in bases.items()}


def in_slices(nips: Iterable[str], size: int | None = None) -> Iterator[list[str]]:
    """``nips`` (each once) in lists of at most ``size`` (``SLICE``), for ``IN`` clauses every
    database takes."""
    unique, size = list(dict.fromkeys(nips)), size or SLICE
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def units_to_json(units: list[UnitRecord]) -> list[dict[str, Any]]:
    """Unit snapshot for staging."""
    return [asdict(u) for u in units]


def units_from_json(rows: list[dict[str, Any]]) -> list[UnitRecord]:
    """Unit snapshot back from staging."""
    return [UnitRecord(**row) for row in rows]


def apply_unit_phase(
    session: Session, units: list[UnitRecord], *, actor: str, run_id: str | None
) -> UnitChanges:
    """Apply the unit tree (removed units are deactivated, never deleted)."""
    changes = apply_units(session, units, actor=actor, run_id=run_id)
    session.flush()
    return changes


def unit_failure(error: str, *, stored: bool) -> str:
    """Why the unit phase failed and what the run does instead: the stored tree, or (none
    stored yet) the unit id and name of each employee's data-utama, unconfirmed by ref-unor."""
    return t("guards.unit_phase_failed" if stored else "guards.unit_phase_unconfirmed", error=error)


def strand_conflicts(session: Session, *, actor: str, run_id: str | None) -> list[str]:
    """After employees are applied: those still in a removed unit get a conflict."""
    return open_removed_unit_conflicts(session, actor=actor, run_id=run_id)


def apply_item(
    session: Session,
    nip: str,
    result: Fetched,
    org: OrgContext,
    *,
    actor: str,
    run_id: str | None,
    fetched_at: float | None = None,
    tz: tzinfo | None = None,
    batch: ApplyBatch | None = None,
) -> tuple[str, str | None]:
    """Apply one fetched employee; returns its situation and why it was skipped, if it was.

    A snapshot fetched before the newest SIASN value already stored is never applied: it is
    counted as ``stale`` with the reason (the stored value is the newer one). ``batch``: the
    reads and writes shared with the rest of a run's batch (``sync.reconcile.apply_batch``).
    """
    if isinstance(result, Failed):
        return "failed", None
    try:
        outcome = apply_profile(
            session,
            nip,
            remote_of(result),
            actor=actor,
            run_id=run_id,
            org=org,
            supervisors=False,
            fetched_at=fetched_at,
            tz=tz,
            batch=batch,
        )
    except StaleSnapshot as stale:
        zone = tz or clock.default_zone()
        return "stale", t(
            "runs.stale_snapshot",
            fetched=_stamp(stale.fetched_at, zone),
            stored=_stamp(stale.stored_at, zone),
        )
    return SITUATION[outcome.status], None


def _stamp(epoch: float, tz: tzinfo) -> str:
    """A fetch time in the display timezone, to the microsecond (two fetches can be that close)."""
    return f"{datetime.fromtimestamp(epoch, tz):%Y-%m-%d %H:%M:%S.%f %Z}"


def plan_stats(
    session: Session, fetched: Mapping[str, Fetched], instansi_id: str | None, *, unchanged: int = 0
) -> PlanStats:
    """What applying ``fetched`` would do: failures, 404s, unit changes, deactivations.

    ``unchanged``: employees already closed unchanged while fetching (``sync.reconcile.unchanged``),
    counted among the employees: SIASN knows them, nobody moves or leaves.
    """
    people = {
        nip: (unor_id, aktif)
        for chunk in in_slices(fetched)
        for nip, unor_id, aktif in session.execute(
            select(Pegawai.nip, Pegawai.unor_id, Pegawai.aktif).where(Pegawai.nip.in_(chunk))
        )
    }
    bases = known_bases(session, fetched)
    failed = missing = moves = leaving = 0
    for nip, result in fetched.items():
        if isinstance(result, Failed):
            failed += 1
            continue
        if isinstance(result, NotFound):
            missing += int(nip in people)
            continue
        remote = result.profile
        if nip not in people:
            continue
        unor_id, aktif = people[nip]
        base = bases.get(nip)
        decision = merge_field(
            "unor_id",
            base.unor_id if base else None,
            unor_id,
            remote.record.unor_id,
            has_base=base is not None,
        )
        moves += int(decision.decision is Decision.APPLY_REMOTE and unor_id is not None)
        leaving += int(aktif and departure_reason(remote.record, instansi_id) is not None)
    return PlanStats(len(fetched) + unchanged, failed, missing, moves, leaving)


def conflicts_opened(session: Session, run_id: str) -> int:
    """Conflicts a run opened (from its audit entries)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.run_id == run_id, AuditEntry.action == "konflik_dibuka")
        )
        or 0
    )


def count_situations(situations: Iterable[str]) -> dict[str, int]:
    """Counts for every situation, zeros included."""
    counted = Counter(situations)
    return {name: counted.get(name, 0) for name in SITUATIONS}


def org_context(session: Session) -> OrgContext:
    """The organisation context for a batch."""
    return load_context(session)


def staged(session: Session, run_id: str) -> dict[str, Fetched]:
    """The staged fetch results of a run, per NIP (not the items already closed)."""
    return {nip: result for page in staged_pages(session, run_id) for nip, result in page.items()}


def staged_pages(session: Session, run_id: str) -> Iterator[dict[str, Fetched]]:
    """The staged fetch results of a run, ``PAGE`` NIPs at a time in NIP order: a step that
    needs the whole plan holds one page of decoded snapshots, not the instansi's."""
    after, size = "", PAGE
    while True:
        rows = session.execute(
            select(RunItem.nip, RunItem.state, RunItem.snapshot, RunItem.error)
            .where(RunItem.run_id == run_id, RunItem.state.in_(("fetched", "failed")), RunItem.nip > after)
            .order_by(RunItem.nip)
            .limit(size)
        ).all()
        if not rows:
            return
        yield {nip: from_item(state, snapshot, error) for nip, state, snapshot, error in rows}
        after = rows[-1][0]


def closed(session: Session, run_id: str) -> dict[str, str]:
    """The situations of a run's items already closed, per NIP: before the apply phase, those
    closed unchanged while fetching (``sync.reconcile.unchanged``)."""
    rows = session.execute(
        select(RunItem.nip, RunItem.situation).where(RunItem.run_id == run_id, RunItem.state == "done")
    )
    return {nip: situation or "" for nip, situation in rows}


def count_items(session: Session, run_id: str, *states: str) -> int:
    """How many of a run's items are in one of ``states`` (all of them when none is given)."""
    query = select(func.count()).select_from(RunItem).where(RunItem.run_id == run_id)
    if states:
        query = query.where(RunItem.state.in_(states))
    return int(session.scalar(query) or 0)


def progress_counts(session: Session, run_id: str) -> tuple[int, int]:
    """(items, items done) of a run, counted by the database."""
    return count_items(session, run_id), count_items(session, run_id, "done")


def instansi_of(units: list[dict[str, Any]] | None) -> str | None:
    """The instansi id most units of a unit snapshot carry."""
    ids = Counter(u.get("instansi_id") for u in units or [] if u.get("instansi_id"))
    return ids.most_common(1)[0][0] if ids else None


def finish(run: SyncRun) -> None:
    """Stamp a run's end time and duration."""
    run.finished_at = audit.now()
    started = run.started_at
    if started.tzinfo is None:
        run.duration_s = round((run.finished_at.replace(tzinfo=None) - started).total_seconds(), 3)
    else:
        run.duration_s = round((run.finished_at - started).total_seconds(), 3)
