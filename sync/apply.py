"""Apply a fetched SIASN profile to the store: merge, write, audit, conflicts, in one transaction.

The per-field merge lives in ``sync.apply_fields``, the whole-record completion in ``sync.apply_finish``.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Conflict, FieldState, Pegawai
from sync import audit, clock
from sync.apply_fields import ApplyContext, apply_merges
from sync.apply_finish import finish
from sync.konflik import lifecycle
from sync.outcome import Atasan, SinkronOutcome, Status, WarningView
from sync.profil.remote import RemoteProfile
from sync.unor.chain import load_unit_context
from sync.unor.supervision import OrgContext
from sync.values import pegawai_view, to_json

if TYPE_CHECKING:  # a reconciliation's batches (``sync.reconcile.apply_batch``) pass theirs in
    from sync.reconcile.apply_batch import ApplyBatch, NewBase


class StaleSnapshot(RuntimeError):
    """The snapshot was fetched before the SIASN value already stored: applying it would undo."""

    def __init__(self, nip: str, fetched_at: float, stored_at: float) -> None:
        super().__init__(
            f"{nip}: snapshot fetched at {fetched_at} is older than the stored "
            f"SIASN value fetched at {stored_at}"
        )
        self.fetched_at, self.stored_at = fetched_at, stored_at


def apply_profile(
    session: Session,
    nip: str,
    remote: RemoteProfile | None,
    *,
    actor: str,
    run_id: str | None = None,
    org: OrgContext | None = None,
    supervisors: bool = True,
    fetched_at: float | None = None,
    tz: tzinfo | None = None,
    batch: ApplyBatch | None = None,
) -> SinkronOutcome:
    """Merge ``remote`` into the stored employee ``nip`` (creating them if new).

    A run passes ``org`` once for all employees and ``supervisors=False``, recomputing every
    supervisor link at the end instead; without ``org`` (a Sinkron) only the chains of the
    employee's stored and new unit are read (``sync.unor.chain``), not the whole unit tree.
    ``fetched_at`` (epoch seconds, taken before the fetch) is the snapshot's revision: one older
    than the stored employee's raises ``StaleSnapshot`` before anything is written, a newer one
    becomes the employee's revision. ``tz`` is the display timezone of the outcome's warnings
    and times (the settings' default when None). ``batch``: a reconciliation batch's reads
    and writes, shared by its employees (``sync.reconcile.apply_batch``); the result is the same.
    """
    tz = tz or clock.default_zone()
    pegawai = _locked_pegawai(session, nip, fetched_at, batch)
    if remote is None:
        return _not_found(session, nip, pegawai, actor, run_id, fetched_at, tz)
    twin = _twin(session, nip, pegawai, remote, batch)
    if twin is not None:
        return _ambiguous(nip, pegawai, twin, tz)
    created = pegawai is None
    if pegawai is None:
        pegawai = Pegawai(nip=nip, siasn_status="ada", aktif=True)
        session.add(pegawai)
        if batch is None:
            session.flush()
    ctx = ApplyContext(
        session,
        pegawai,
        remote,
        actor,
        run_id,
        created,
        batch.field_states(pegawai) if batch else _field_states(session, pegawai),
        org or load_unit_context(session, (pegawai.unor_id, remote.record.unor_id)),
        supervisors,
        fetched_at,
        tz,
        batch=batch,
    )
    if not created:
        ctx.open_conflicts = batch.active_conflicts(pegawai) if batch else _active_conflicts(session, pegawai)
    apply_merges(ctx)
    finish(ctx)
    if batch is not None:
        batch.applied(pegawai)
    return _outcome(ctx)


def _locked_pegawai(
    session: Session, nip: str, fetched_at: float | None, batch: ApplyBatch | None
) -> Pegawai | None:
    """The stored employee, locked for the transaction; a snapshot older than it is refused."""
    if batch is not None:
        pegawai = batch.locked(nip)
    else:
        pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == nip).with_for_update())
    if (
        pegawai is not None
        and fetched_at is not None
        and pegawai.siasn_fetched_at is not None
        and fetched_at < pegawai.siasn_fetched_at
    ):
        raise StaleSnapshot(nip, fetched_at, pegawai.siasn_fetched_at)
    return pegawai


def _twin(
    session: Session, nip: str, pegawai: Pegawai | None, remote: RemoteProfile, batch: ApplyBatch | None
) -> Pegawai | None:
    """Another local employee already holding the remote PNS id (pns_id is unique)."""
    if pegawai is not None and pegawai.pns_id == remote.record.pns_id:
        return None
    if batch is not None:
        return batch.twin(nip, remote.record.pns_id)
    return session.scalar(select(Pegawai).where(Pegawai.pns_id == remote.record.pns_id, Pegawai.nip != nip))


def _field_states(session: Session, pegawai: Pegawai) -> dict[str, FieldState | NewBase]:
    """The employee's per-field merge bases, by field name."""
    return {
        s.field: s for s in session.scalars(select(FieldState).where(FieldState.pegawai_id == pegawai.id))
    }


def _active_conflicts(session: Session, pegawai: Pegawai) -> dict[str, Conflict]:
    """The employee's conflicts still awaiting an admin, by field name."""
    return {
        c.field: c
        for c in session.scalars(
            select(Conflict).where(Conflict.pegawai_id == pegawai.id, Conflict.status.in_(lifecycle.ACTIVE))
        )
    }


def _outcome(ctx: ApplyContext) -> SinkronOutcome:
    status = (
        Status.CONFLICT
        if ctx.conflicts
        else Status.LEFT
        if ctx.left
        else Status.CREATED
        if ctx.created
        else Status.UPDATED
        if ctx.applied
        else Status.CONFIRMED
    )
    atasan = ctx.atasan
    notices = [*ctx.remote.notices, *ctx.notices]
    return SinkronOutcome(
        nip=ctx.pegawai.nip,
        status=status,
        pegawai=pegawai_view(ctx.pegawai, ctx.tz) if ctx.batch is None else None,  # a run reads the status
        applied=ctx.applied,
        converged=ctx.converged,
        conflicts=ctx.conflicts,
        warnings=[WarningView(code=n.code, text=n.text) for n in notices],
        atasan=Atasan(nip=atasan.nip, nama=atasan.nama) if atasan else None,
    )


def _ambiguous(nip: str, pegawai: Pegawai | None, twin: Pegawai, tz: tzinfo) -> SinkronOutcome:
    return SinkronOutcome(
        nip=nip,
        status=Status.AMBIGUOUS,
        pegawai=pegawai_view(pegawai, tz) if pegawai else None,
        reason=f"PNS id SIASN untuk NIP ini sudah dimiliki pegawai lokal lain (NIP {twin.nip}): "
        "satu orang, dua catatan. Tidak ada yang diterapkan; admin perlu memperbaiki "
        "salah satu catatan.",
    )


def _not_found(
    session: Session,
    nip: str,
    pegawai: Pegawai | None,
    actor: str,
    run_id: str | None,
    fetched_at: float | None,
    tz: tzinfo,
) -> SinkronOutcome:
    if pegawai is not None:
        pegawai.siasn_digest = None  # no record applied: the next one is applied in full
    if pegawai is not None and fetched_at is not None:
        pegawai.siasn_fetched_at = fetched_at
    if pegawai is None:
        return SinkronOutcome(
            nip=nip,
            status=Status.NOT_FOUND,
            reason="NIP tidak ditemukan di SIASN dan belum ada di data lokal.",
        )
    if pegawai.siasn_status != "tidak_ditemukan":
        pegawai.siasn_status = "tidak_ditemukan"
        audit.record(
            session,
            actor=actor,
            action="tidak_ditemukan_di_siasn",
            nip=nip,
            old=to_json(pegawai.nama),
            reason="SIASN menjawab 404: Data tidak ditemukan",
            run_id=run_id,
        )
    return SinkronOutcome(
        nip=nip,
        status=Status.NOT_FOUND,
        pegawai=pegawai_view(pegawai, tz),
        reason="NIP tidak ditemukan di SIASN. Data lokal tidak dihapus; periksa NIP atau status "
        "kepegawaian di SIASN.",
    )
