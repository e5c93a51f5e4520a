"""The fetch phase's fast path: employees whose SIASN record did not change since it was applied.

Applying such a record again changes nothing but the bookkeeping (``last_synced_at`` and the
snapshot's revision ``siasn_fetched_at``) and counts the employee ``confirmed``. So when a fetched
record's digest equals the one stored at its last apply (``sync.digest``) and everything else an
apply reads still agrees, the item is closed while the batch is staged: ``done``, ``confirmed``,
no snapshot, both timestamps in bulk. Every other employee is staged and applied as before.

The conditions, read for the whole batch in one query (its employees locked, as an apply locks
one; a stage also holds the run's lease row, so stages never interleave):

* the item is still ``pending`` and SIASN returned a profile without SK evidence (riwayat was
  not fetched: rank, position and unit are as last received);
* the stored digest equals the record's: every merge base is the record's value;
* every merged field is local equal to SIASN, has its base and has not diverged; no conflict
  is open or assigned; the employee is ``ada`` in SIASN; the snapshot is not older than the
  stored revision (it would be ``stale``);
* the departure check agrees with ``aktif`` (nobody leaves or comes back) under the instansi
  of the run's staged unit tree, and the unit name is the one the apply would derive from that
  tree (the tree the apply phase installs; a renamed unit's people go the full way).

``ENABLED`` turns the fast path off (tests compare both ways; nothing else sets it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard, cast

from sqlalchemy import Row, Table, and_, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from mappings.departure import departure_reason
from store.models import Conflict, FieldState, Pegawai, RunItem, SyncRun
from sync import audit
from sync.authority import MERGED_FIELDS
from sync.digest import snapshot_digest
from sync.konflik import lifecycle
from sync.profil.remote import RemoteProfile
from sync.reconcile.fetch import Fetched, Found
from sync.values import to_json

ENABLED = True
SITUATION = "confirmed"  # what ``apply_item`` gives an employee whose apply changes nothing

Staged = tuple[str, Fetched, float]  # NIP, result, when its fetch began (epoch seconds)


class _Org:
    """What the apply phase's organisation context will say, from the run's staged unit tree."""

    def __init__(self, units: Sequence[Mapping[str, Any]] | None) -> None:
        self.names = {u["id"]: u.get("nama") for u in units or []}
        ranked = Counter(u.get("instansi_id") for u in units or [] if u.get("instansi_id")).most_common(2)
        self.instansi = ranked[0][0] if ranked else None
        self.ambiguous = len(ranked) == 2 and ranked[0][1] == ranked[1][1]  # a tie: order decides


def close_unchanged(session: Session, run: SyncRun, batch: list[Staged]) -> list[Staged]:
    """Close the batch's unchanged employees (in ``session``); the others, to be staged."""
    if not ENABLED:
        return batch
    org = _Org(run.units_snapshot)
    if org.ambiguous:
        return batch
    candidates = {nip: (result.profile, at) for nip, result, at in batch if _plain(result)}
    if not candidates:
        return batch
    rows = session.execute(_conditions(run.id, list(candidates))).all()
    closed = [(row, candidates[row.nip][1]) for row in rows if _unchanged(row, *candidates[row.nip], org)]
    if not closed:
        return batch
    _book(session, run.id, closed)
    done = {row.nip for row, _ in closed}
    return [item for item in batch if item[0] not in done]


def _plain(result: Fetched) -> TypeGuard[Found]:
    """A profile fetched without riwayat (no SK evidence for the apply to write)."""
    return isinstance(result, Found) and not (result.profile.sk_golongan or result.profile.sk_jabatan)


def _conditions(run_id: str, nips: list[str]) -> Any:
    """One query: the candidates still pending, with a digest, and what the no-op needs."""
    settled = (
        select(func.count())
        .select_from(FieldState)
        .where(
            FieldState.pegawai_id == Pegawai.id,
            FieldState.field.in_(MERGED_FIELDS),
            FieldState.diverged_since.is_(None),
        )
        .scalar_subquery()
    )
    open_conflict = exists().where(Conflict.pegawai_id == Pegawai.id, Conflict.status.in_(lifecycle.ACTIVE))
    columns = [getattr(Pegawai, name) for name in MERGED_FIELDS]
    return (
        select(
            Pegawai.id,
            Pegawai.nip.label("nip"),
            Pegawai.siasn_digest,
            Pegawai.siasn_fetched_at,
            Pegawai.siasn_status,
            Pegawai.aktif,
            Pegawai.unor_nama,
            *columns,
            settled.label("settled_fields"),
            open_conflict.label("open_conflict"),
        )
        .join(RunItem, and_(RunItem.nip == Pegawai.nip, RunItem.run_id == run_id))
        .where(Pegawai.nip.in_(nips), RunItem.state == "pending", Pegawai.siasn_digest.is_not(None))
        .order_by(Pegawai.nip)
        .with_for_update(of=Pegawai)
    )


def _unchanged(row: Row[Any], profile: RemoteProfile, fetched_at: float, org: _Org) -> bool:
    """Whether applying ``profile`` to the employee of ``row`` would change nothing."""
    record = profile.record
    if row.siasn_digest != snapshot_digest(record) or row.open_conflict:
        return False
    if row.siasn_status != "ada" or row.settled_fields != len(MERGED_FIELDS):
        return False
    if row.siasn_fetched_at is not None and fetched_at < row.siasn_fetched_at:
        return False  # stale: the full path says so, with the reason
    remote = record.values()
    mapping = row._mapping
    if any(to_json(mapping[name]) != remote.get(name) for name in MERGED_FIELDS):
        return False
    if bool(row.aktif) != (departure_reason(record, org.instansi) is None):
        return False
    unit_name = org.names.get(record.unor_id or "", record.unor_nama)  # an unknown unit: SIASN's name
    return bool(row.unor_nama == unit_name)


def _book(session: Session, run_id: str, closed: list[tuple[Row[Any], float]]) -> None:
    """The closed employees' bookkeeping and their items, in two bulk statements."""
    now = audit.now()
    people = cast(Table, Pegawai.__table__)
    session.execute(
        update(people)
        .where(people.c.id == bindparam("b_id"))
        .values(last_synced_at=now, siasn_fetched_at=bindparam("b_at")),
        [{"b_id": row.id, "b_at": at} for row, at in closed],
    )
    items = cast(Table, RunItem.__table__)
    session.execute(
        update(items)
        .where(items.c.run_id == run_id, items.c.nip == bindparam("b_nip"), items.c.state == "pending")
        .values(state="done", situation=SITUATION, error=None, fetched_at=bindparam("b_at")),
        [{"b_nip": row.nip, "b_at": at} for row, at in closed],
    )
