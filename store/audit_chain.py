"""The audit log's hash chain: the canonical form of an entry, its hash, and sealing at commit.

Every entry carries ``seq`` (its place in the chain: 1, 2, 3, ...), ``prev_hash`` (the hash of
the entry before it; 64 zeros for the first) and ``entry_hash``::

    entry_hash = sha256(canonical(entry, prev_hash)).hexdigest()

``canonical`` is JSON with sorted keys, no whitespace and only ASCII (``\\uXXXX`` escapes) of::

    {"v": 1, "id": 17, "at": "2026-12-06T21:27:20.123456Z", "actor": "...", "action": "...",
     "nip": "..." | null, "field": "..." | null, "old": <json>, "new": <json>,
     "reason": "..." | null, "run_id": "..." | null, "prev": "<64 hex>"}

``at`` is the time in UTC with microseconds (SQLite gives it back without a zone: it is UTC);
``old`` and ``new`` are the values as the JSON column gives them back (``normalize`` puts a value
in that form before it is stored: tuples become lists, keys become strings; floats are written
by Python's shortest round-trip ``repr``). PostgreSQL's ``json`` keeps the text as sent, and so
does SQLite for arrays, objects and strings; but a bare number in SQLite's JSON column (NUMERIC
affinity) comes back converted: ``1.0`` and ``-0.0`` as the integers 1 and 0, an integer beyond
64 bits as the nearest double. ``scalar`` applies that same conversion to a bare number before
hashing, on both databases, so the hash does not depend on where the row lives. ``seq`` is not
hashed: a row whose own hash is right but whose ``prev_hash`` is not its predecessor's hash is
out of place, and a gap in ``seq`` is a removal.

Sealing: ``enlist`` adds an entry to the session unsealed and notes it in ``session.info``;
``seal`` runs just before the transaction commits (a ``before_commit`` hook on that session). It
flushes every other change first, then locks the chain head (``SELECT ... FOR UPDATE`` on
PostgreSQL; a SQLite writer already holds the database's write lock), numbers this
transaction's surviving entries in id order after the head and moves the head. The head lock is
the last lock a writer takes and is held only for the commit, so two writers never fork the
chain and never deadlock over it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from store.models import AuditEntry
from store.models_audit import GENESIS, HEAD_ID, AuditChainHead

VERSION = 1
PENDING = "ekinerja_audit_pending"
BULK = "ekinerja_audit_bulk"
HOOKED = "ekinerja_audit_hooked"


def normalize(value: Any) -> Any:
    """``value`` as the JSON column will give it back (what the hash is computed over)."""
    return None if value is None else json.loads(json.dumps(value))


def utc_text(moment: datetime) -> str:
    """A stored time in the canonical form: UTC, microseconds, ``Z`` (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


INT64 = 2**63


def scalar(value: Any) -> Any:
    """A bare JSON number as SQLite's NUMERIC affinity gives it back; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, int):
        return value if -INT64 <= value < INT64 else _as_float(value)
    return int(value) if value.is_integer() and -INT64 <= value < INT64 else value


def _as_float(value: int) -> Any:
    try:
        return float(value)
    except OverflowError:  # beyond a double: SQLite keeps the text, so does PostgreSQL
        return value


def canonical(fields: dict[str, Any], prev_hash: str) -> bytes:
    """The bytes hashed for one entry: ``fields`` (see ``entry_fields``) and the previous hash."""
    document = {
        "v": VERSION,
        **fields,
        "at": utc_text(fields["at"]),
        "old": scalar(fields["old"]),
        "new": scalar(fields["new"]),
        "prev": prev_hash,
    }
    return json.dumps(
        document, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=True
    ).encode("ascii")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """The SHA-256 (hex) of an entry's canonical form."""
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


def entry_fields(entry: Any) -> dict[str, Any]:
    """The hashed fields of an audit row (an ``AuditEntry`` or a result row with its columns)."""
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "nip": entry.pegawai_nip,
        "field": entry.field,
        "old": entry.old_value,
        "new": entry.new_value,
        "reason": entry.reason,
        "run_id": entry.run_id,
    }


def enlist(session: Session, entry: AuditEntry) -> None:
    """Add ``entry`` to the session's transaction; it is sealed into the chain at commit."""
    session.add(entry)
    session.info.setdefault(PENDING, []).append(entry)
    _hook(session)


def enlist_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many audit rows in one statement; they are sealed into the chain at commit.

    For bulk writers: the rows are found again at commit as this transaction's unsealed entries
    (no other transaction's uncommitted rows are visible, and every committed row is sealed).
    """
    if not rows:
        return
    session.execute(
        insert(AuditEntry),
        [
            {
                **row,
                "old_value": normalize(row.get("old_value")),
                "new_value": normalize(row.get("new_value")),
            }
            for row in rows
        ],
    )
    session.info[BULK] = True
    _hook(session)


def _hook(session: Session) -> None:
    if not session.info.get(HOOKED):
        event.listen(session, "before_commit", seal)
        session.info[HOOKED] = True


def seal(session: Session) -> None:
    """Number and hash the transaction's audit entries after the chain head, then move it."""
    waiting: list[AuditEntry] = session.info.pop(PENDING, None) or []
    bulk = session.info.pop(BULK, False)
    if not waiting and not bulk:
        return
    session.flush()  # every other row lock first: the head is the last lock this writer takes
    entries = [e for e in waiting if inspect(e).persistent]
    if bulk:
        known = {e.id for e in entries}
        entries += [
            e
            for e in session.scalars(select(AuditEntry).where(AuditEntry.seq.is_(None)))
            if e.id not in known
        ]
    entries.sort(key=lambda e: e.id)
    if not entries:
        return
    head = lock_head(session)
    seq, prev = head.seq, head.last_hash
    for entry in entries:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.entry_hash = prev = entry_hash(entry_fields(entry), prev)
    head.seq, head.last_hash = seq, prev


def lock_head(session: Session) -> AuditChainHead:
    """The chain head, locked until the transaction ends (created on a store built without it)."""
    head = session.scalar(
        select(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if head is None:
        head = AuditChainHead(id=HEAD_ID, seq=0, last_hash=GENESIS)
        session.add(head)
    return head
