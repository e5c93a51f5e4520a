"""Derive and store supervisor links from the stored unit tree, heads and local claims."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.notices import Notice
from mappings.supervisors import SupervisorResult, derive_supervisor
from mappings.units import UnitRecord, UnitTree
from store.models import Pegawai, SupervisorLink, Unit, UnitClaim
from sync import audit


@dataclass
class OrgContext:
    """What supervisor derivation and departure checks need, loaded once per run."""

    tree: UnitTree
    heads: dict[str, str]
    instansi_id: str | None
    claimed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SupervisorOutcome:
    """The supervisor found (a local employee) and warnings about it."""

    atasan: Pegawai | None
    notices: list[Notice]


def load_context(session: Session) -> OrgContext:
    """The stored unit tree (active units), heads (SIASN, then local claims) and instansi."""
    units = list(session.scalars(select(Unit).where(Unit.aktif.is_(True))))
    tree = UnitTree(
        UnitRecord(
            id=u.id,
            nama=u.nama,
            parent_id=u.parent_id,
            eselon_id=u.eselon_id,
            nama_jabatan=u.nama_jabatan,
            pemimpin_pns_id=u.pemimpin_pns_id,
            instansi_id=u.instansi_id,
            jenis_unor_id=u.jenis_unor_id,
        )
        for u in units
    )
    heads = {u.id: u.pemimpin_pns_id for u in units if u.pemimpin_pns_id}
    claims = session.execute(
        select(UnitClaim.unit_id, Pegawai.pns_id).join(Pegawai, Pegawai.id == UnitClaim.pegawai_id)
    ).all()
    claimed = set()
    for unit_id, pns_id in claims:
        if pns_id and unit_id not in heads:
            heads[unit_id] = pns_id
            claimed.add(unit_id)
    instansi = Counter(u.instansi_id for u in units if u.instansi_id).most_common(1)
    return OrgContext(tree, heads, instansi[0][0] if instansi else None, claimed)


def update_supervisor(
    session: Session,
    pegawai: Pegawai,
    context: OrgContext,
    *,
    actor: str,
    run_id: str | None = None,
    by_pns_id: dict[str, Pegawai] | None = None,
    derived: SupervisorResult | None = None,
) -> SupervisorOutcome:
    """Derive the supervisor of ``pegawai`` (or take ``derived``, already derived from
    ``context``), store the link, audit a change."""
    result = derived
    if result is None:
        result = derive_supervisor(pegawai.pns_id or "", pegawai.unor_id, context.tree, context.heads)
    notices = [result.notice] if result.notice else []
    atasan = None
    if result.atasan_pns_id:
        atasan = (
            by_pns_id.get(result.atasan_pns_id)
            if by_pns_id is not None
            else session.scalar(select(Pegawai).where(Pegawai.pns_id == result.atasan_pns_id))
        )
        if atasan is None:
            notices.append(
                Notice(
                    "atasan_belum_ada_di_lokal",
                    "Pimpinan unit menurut SIASN belum ada di data pegawai lokal; jalankan Sinkron "
                    "SIASN untuk pimpinan tersebut atau rekonsiliasi instansi.",
                )
            )
    source = "klaim" if result.via_unit_id in context.claimed else "unor"
    _store_link(session, pegawai, atasan, result.via_unit_id, result.reason, source, actor, run_id)
    return SupervisorOutcome(atasan, notices)


def recompute_all(session: Session, *, actor: str, run_id: str | None = None) -> int:
    """Recompute every active employee's link; returns how many links changed."""
    context = load_context(session)
    people = list(session.scalars(select(Pegawai).where(Pegawai.aktif.is_(True))))
    by_pns_id = {p.pns_id: p for p in people if p.pns_id}
    links = {
        link.pegawai_id: (link.atasan_id, link.reason) for link in session.scalars(select(SupervisorLink))
    }
    for person in people:
        update_supervisor(session, person, context, actor=actor, run_id=run_id, by_pns_id=by_pns_id)
    session.flush()
    after = {
        link.pegawai_id: (link.atasan_id, link.reason) for link in session.scalars(select(SupervisorLink))
    }
    return sum(1 for pid, value in after.items() if links.get(pid) != value)


def recompute_slice(
    session: Session,
    context: OrgContext,
    *,
    after_id: int,
    limit: int,
    deadline: float,
    actor: str,
    run_id: str | None = None,
) -> int | None:
    """Recompute the links of active employees with id above ``after_id``, at most ``limit``
    and only until ``deadline`` (``time.monotonic()``); the last id done, None when none is left.

    Idempotent (an unchanged link writes nothing), so a run recomputes every employee in short
    transactions and a resumed run simply starts again from the first.
    """
    people = list(
        session.scalars(
            select(Pegawai)
            .where(Pegawai.aktif.is_(True), Pegawai.id > after_id)
            .order_by(Pegawai.id)
            .limit(limit)
        )
    )
    if not people:
        return None
    derived = {
        person.id: derive_supervisor(person.pns_id or "", person.unor_id, context.tree, context.heads)
        for person in people
    }
    by_pns_id = _heads_of(session, derived.values())
    links = list(
        session.scalars(
            select(SupervisorLink).where(  # kept: identity-map hits
                SupervisorLink.pegawai_id.in_([p.id for p in people])
            )
        )
    )
    last = after_id
    for person in people:
        update_supervisor(
            session,
            person,
            context,
            actor=actor,
            run_id=run_id,
            by_pns_id=by_pns_id,
            derived=derived[person.id],
        )
        last = person.id
        if time.monotonic() >= deadline:
            break
    session.flush()
    del links
    return last


def _heads_of(session: Session, derived: Iterable[SupervisorResult]) -> dict[str, Pegawai]:
    """The active employees these results name as atasan, by PNS id (not every head)."""
    wanted = sorted({r.atasan_pns_id for r in derived if r.atasan_pns_id})
    rows = session.scalars(select(Pegawai).where(Pegawai.aktif.is_(True), Pegawai.pns_id.in_(wanted)))
    return {p.pns_id: p for p in rows if p.pns_id}


def _store_link(
    session: Session,
    pegawai: Pegawai,
    atasan: Pegawai | None,
    via: str | None,
    reason: str,
    source: str,
    actor: str,
    run_id: str | None,
) -> None:
    link = session.get(SupervisorLink, pegawai.id)
    new_id = atasan.id if atasan else None
    if link is not None and (link.atasan_id, link.reason, link.source) == (new_id, reason, source):
        return
    old_nip = None
    if link is not None and link.atasan_id is not None:
        previous = session.get(Pegawai, link.atasan_id)
        old_nip = previous.nip if previous else None
    if link is None:
        link = SupervisorLink(pegawai_id=pegawai.id, source=source)
        session.add(link)
    link.atasan_id, link.via_unit_id, link.reason, link.source = new_id, via, reason, source
    link.derived_at = audit.now()
    new_nip = atasan.nip if atasan else None
    if old_nip != new_nip:
        audit.record(
            session,
            actor=actor,
            action="atasan_berubah",
            nip=pegawai.nip,
            field="atasan",
            old=old_nip,
            new=new_nip,
            reason=reason,
            run_id=run_id,
        )
