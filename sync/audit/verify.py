"""``audit verify``: walk the audit chain and report the first entry changed, removed or out of
place, by id; every verification is recorded (append-only) for the beranda and the next one.

The walk reads entries in chain order (``seq``), a thousand at a time, and checks each against
its own hash, its place (no gap in ``seq``) and its link (``prev_hash`` = the previous entry's
hash); then the chain head, and the hash the last good verification saw at its ``seq`` (so a
rewritten tail is found too). What a chain cannot show: someone able to rewrite the whole chain
and its head can make it consistent again; ``head_hash`` kept outside the database shows that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mappings.messages import t
from store.audit_chain import entry_fields, entry_hash
from store.db import transaction
from store.models import AuditEntry
from store.models_audit import GENESIS, HEAD_ID, AuditChainHead, AuditVerification
from sync.audit import now

CHANGED, REMOVED, REORDERED, UNSEALED = "diubah", "dihapus", "urutan", "tanpa_hash"
REMOVED_TAIL = "dihapus_akhir"
BATCH = 1000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one walk: the count checked, where the chain ends, the first problem."""

    ok: bool
    checked: int
    seq: int
    head_hash: str
    problem: str | None = None
    entry_id: int | None = None
    entry_seq: int | None = None
    expected_seq: int | None = None


def verify_chain(session: Session) -> ChainReport:
    """Walk the whole chain; the first problem found, or ok with the number of entries."""
    unsealed = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.entry_hash.is_(None)))
    anchor = last_good(session)
    walk = _Walk(anchor)
    columns = select(
        AuditEntry.id,
        AuditEntry.seq,
        AuditEntry.prev_hash,
        AuditEntry.entry_hash,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.pegawai_nip,
        AuditEntry.field,
        AuditEntry.old_value,
        AuditEntry.new_value,
        AuditEntry.reason,
        AuditEntry.run_id,
    )
    rows = session.execute(
        columns.where(AuditEntry.seq.is_not(None)).order_by(AuditEntry.seq).execution_options(yield_per=BATCH)
    )
    for row in rows:
        found = walk.step(row)
        if found is not None:
            rows.close()
            return found
    if unsealed is not None:
        return walk.report(UNSEALED, unsealed, None)
    return walk.finish(session.get(AuditChainHead, HEAD_ID))


class _Walk:
    """The state of a walk: the next expected ``seq`` and previous hash, the count so far."""

    def __init__(self, anchor: AuditVerification | None) -> None:
        self.expected, self.prev, self.checked, self.last_id = 1, GENESIS, 0, None
        self.anchor = anchor

    def report(self, problem: str, entry_id: int | None, seq: int | None) -> ChainReport:
        return ChainReport(
            False, self.checked, self.expected - 1, self.prev, problem, entry_id, seq, self.expected
        )

    def step(self, row: Any) -> ChainReport | None:
        if row.entry_hash != entry_hash(entry_fields(row), row.prev_hash or ""):
            return self.report(CHANGED, row.id, row.seq)
        if row.seq > self.expected:
            return self.report(REMOVED, row.id, row.seq)
        if row.prev_hash != self.prev:
            return self.report(REORDERED, row.id, row.seq)
        if self.anchor and row.seq == self.anchor.seq and row.entry_hash != self.anchor.head_hash:
            return self.report(CHANGED, row.id, row.seq)
        self.expected, self.prev, self.last_id = row.seq + 1, row.entry_hash, row.id
        self.checked += 1
        return None

    def finish(self, head: AuditChainHead | None) -> ChainReport:
        last = self.expected - 1
        behind = max(head.seq if head else 0, self.anchor.seq if self.anchor else 0)
        if last < behind:  # the newest entries are gone (the head, or the last check, saw more)
            return replace(
                self.report(REMOVED_TAIL, self.last_id, None), expected_seq=last + 1, entry_seq=behind + 1
            )
        if head is not None and (head.seq, head.last_hash) != (last, self.prev):
            return self.report(CHANGED, self.last_id, last)
        return ChainReport(True, self.checked, last, self.prev)


def last_good(session: Session) -> AuditVerification | None:
    """The newest verification that found the chain whole (its ``seq`` and hash are an anchor)."""
    return session.scalar(
        select(AuditVerification)
        .where(AuditVerification.ok.is_(True))
        .order_by(AuditVerification.id.desc())
        .limit(1)
    )


def latest(session: Session) -> AuditVerification | None:
    """The newest verification, whatever it found (the beranda shows it)."""
    return session.scalar(select(AuditVerification).order_by(AuditVerification.id.desc()).limit(1))


def save(session: Session, report: ChainReport, detail: str | None) -> AuditVerification:
    """Record a verification (in the caller's transaction)."""
    row = AuditVerification(
        at=now(),
        ok=report.ok,
        checked=report.checked,
        seq=report.seq,
        head_hash=report.head_hash,
        problem=report.problem,
        entry_id=report.entry_id,
        detail=detail,
    )
    session.add(row)
    return row


def run_verification(sessions: sessionmaker[Session]) -> tuple[ChainReport, AuditVerification]:
    """Verify the chain in one snapshot (PostgreSQL: REPEATABLE READ), then record the result."""
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        report = verify_chain(session)
    with transaction(sessions) as session:
        stored = save(session, report, describe(report))
    return report, stored


def describe(report: ChainReport) -> str:
    """The outcome in one line of Bahasa Indonesia (what was found, where, by entry id)."""
    if report.ok:
        return t("audit.verify.ok", count=report.checked, seq=report.seq, hash=report.head_hash)
    return t(
        f"audit.verify.{report.problem}",
        id=report.entry_id,
        seq=report.entry_seq,
        first=report.expected_seq,
        last=(report.entry_seq or 0) - 1,
        count=report.checked,
    )
