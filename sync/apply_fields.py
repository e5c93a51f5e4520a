"""The per-field half of applying a SIASN profile: each merge decision, its audit and conflicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from mappings.notices import Notice
from store.models import Conflict, FieldState, Pegawai, Unit
from sync import audit, clock
from sync.authority import label
from sync.fields import FIELD
from sync.konflik import lifecycle
from sync.merge import Decision, FieldMerge, merge_record
from sync.outcome import Applied, ConflictView
from sync.profil.remote import RemoteProfile
from sync.unor.supervision import OrgContext
from sync.values import local_values, set_field

if TYPE_CHECKING:  # a reconciliation's batches (``sync.reconcile.apply_batch``) pass theirs in
    from sync.reconcile.apply_batch import ApplyBatch, NewBase


@dataclass
class ApplyContext:
    """One employee's apply in progress: its inputs and what the merge has done so far."""

    session: Session
    pegawai: Pegawai
    remote: RemoteProfile
    actor: str
    run_id: str | None
    created: bool
    states: dict[str, FieldState | NewBase]
    org: OrgContext
    supervisors: bool
    fetched_at: float | None
    tz: tzinfo
    applied: list[Applied] = field(default_factory=list)
    converged: list[str] = field(default_factory=list)
    conflicts: list[ConflictView] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    atasan: Pegawai | None = None
    left: bool = False
    kept: bool = False  # a field kept its local value or went to an admin: a re-apply is no no-op
    open_conflicts: dict[str, Conflict] = field(default_factory=dict)
    batch: ApplyBatch | None = None  # a reconciliation batch: new merge bases are written with it


def apply_merges(ctx: ApplyContext) -> None:
    """Three-way merge every field of the remote record and act on each decision.

    Open conflicts the merge did not raise (a removed unit) are listed too: they still need an admin.
    """
    base = {name: state.base_value for name, state in ctx.states.items()}
    for merge in merge_record(base, local_values(ctx.pegawai), ctx.remote.record.values()):
        _HANDLERS[merge.decision](ctx, merge)
    _other_open_conflicts(ctx)


def _unchanged(ctx: ApplyContext, merge: FieldMerge) -> None:
    _set_base(ctx, merge.field, merge.remote)
    _close_stale_conflict(ctx, merge.field)


def _apply_remote(ctx: ApplyContext, merge: FieldMerge) -> None:
    set_field(ctx.pegawai, merge.field, merge.remote)
    _set_base(ctx, merge.field, merge.remote)
    _close_stale_conflict(ctx, merge.field)
    if ctx.created:
        return
    ctx.applied.append(Applied(field=merge.field, old=merge.local, new=merge.remote))
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="sinkron_terapkan",
        nip=ctx.pegawai.nip,
        field=merge.field,
        old=merge.local,
        new=merge.remote,
        reason=_evidence(ctx, merge.field),
        run_id=ctx.run_id,
    )
    if merge.overrides_local:
        ctx.notices.append(
            Notice(
                "nilai_lokal_ditimpa",
                f"Nilai lokal {label(merge.field)} ({merge.local}) diganti nilai SIASN "
                f"({merge.remote}) karena {label(merge.field)} dimiliki SIASN.",
            )
        )


def _converged(ctx: ApplyContext, merge: FieldMerge) -> None:
    _set_base(ctx, merge.field, merge.remote)
    _close_stale_conflict(ctx, merge.field)
    if merge.field in ctx.states and not ctx.created:
        ctx.converged.append(merge.field)
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="sinkron_konvergen",
            nip=ctx.pegawai.nip,
            field=merge.field,
            old=merge.base,
            new=merge.remote,
            reason="perubahan lokal kini sama dengan SIASN",
            run_id=ctx.run_id,
        )


def _keep_local(ctx: ApplyContext, merge: FieldMerge) -> None:
    state = ctx.states[merge.field]
    ctx.kept = True
    if state.diverged_since is None:
        state.diverged_since = audit.now()
    _close_stale_conflict(ctx, merge.field)
    ctx.notices.append(
        Notice(
            "menunggu_perbaikan_siasn",
            f"{label(merge.field, title=True)} lokal ({merge.local}) berbeda dengan SIASN "
            f"({merge.remote}) sejak {clock.day_shown(state.diverged_since, ctx.tz)}; perubahan lokal "
            "dipertahankan. Ajukan perbaikan data ke BKN bila nilai lokal benar.",
        )
    )


def _conflict(ctx: ApplyContext, merge: FieldMerge) -> None:
    explanation = _explain_conflict(ctx, merge)
    ctx.kept = True
    if ctx.pegawai.id is None:  # created in a batch, not yet written (a new employee has no base)
        ctx.session.flush()
    ctx.open_conflicts[merge.field] = lifecycle.raise_conflict(
        ctx.session,
        pegawai=ctx.pegawai,
        field=merge.field,
        kind="merge",
        values=(merge.base, merge.local, merge.remote),
        explanation=explanation,
        actor=ctx.actor,
        run_id=ctx.run_id,
        existing=_open_conflict(ctx, merge.field),
    )
    ctx.conflicts.append(
        ConflictView(
            field=merge.field,
            base=merge.base,
            local=merge.local,
            remote=merge.remote,
            explanation=explanation,
        )
    )


_HANDLERS = {
    Decision.UNCHANGED: _unchanged,
    Decision.APPLY_REMOTE: _apply_remote,
    Decision.CONVERGED: _converged,
    Decision.KEEP_LOCAL: _keep_local,
    Decision.CONFLICT: _conflict,
}


def _other_open_conflicts(ctx: ApplyContext) -> None:
    """Open conflicts this merge did not raise (a removed unit) still need an admin."""
    listed = {c.field for c in ctx.conflicts}
    for name, conflict in ctx.open_conflicts.items():
        if name not in listed:
            ctx.conflicts.append(
                ConflictView(
                    field=name,
                    base=conflict.base_value,
                    local=conflict.local_value,
                    remote=conflict.remote_value,
                    explanation=conflict.explanation,
                )
            )


def _set_base(ctx: ApplyContext, name: str, value: Any) -> None:
    state = ctx.states.get(name)
    if state is None and ctx.batch is not None:
        ctx.states[name] = ctx.batch.new_base(ctx.pegawai, name, value, audit.now())
    elif state is None:
        state = FieldState(pegawai_id=ctx.pegawai.id, field=name, base_value=value, received_at=audit.now())
        ctx.session.add(state)
        ctx.states[name] = state
    elif state.base_value != value or state.diverged_since is not None:
        state.base_value, state.received_at, state.diverged_since = value, audit.now(), None


def _open_conflict(ctx: ApplyContext, name: str) -> Conflict | None:
    return ctx.open_conflicts.get(name)


def _close_stale_conflict(ctx: ApplyContext, name: str) -> None:
    if ctx.created:
        return
    existing = _open_conflict(ctx, name)
    if existing is None:
        return
    if existing.kind != "merge" and getattr(ctx.pegawai, name) == existing.local_value:
        return
    del ctx.open_conflicts[name]
    lifecycle.close(
        ctx.session,
        existing,
        resolution="selesai_sendiri",
        actor=ctx.actor,
        reason="nilai lokal dan SIASN tidak lagi bertentangan",
    )
    audit.record(
        ctx.session,
        actor=ctx.actor,
        action="konflik_selesai_sendiri",
        nip=ctx.pegawai.nip,
        field=name,
        reason=existing.resolution_reason,
        run_id=ctx.run_id,
    )


def _evidence(ctx: ApplyContext, name: str) -> str:
    found = FIELD.get(name)
    source = found.evidence if found else None
    sk: str | None = getattr(ctx.remote, source.value) if source else None
    return f"data SIASN ({sk})" if sk else "data SIASN"


def _explain_conflict(ctx: ApplyContext, merge: FieldMerge) -> str:
    what = label(merge.field, title=True)
    local, remote, base = (_describe(ctx, merge.field, v) for v in (merge.local, merge.remote, merge.base))
    advice = (
        f"Saran: ambil nilai SIASN bila SK-nya sudah terbit ({_evidence(ctx, merge.field)}),"
        " atau pertahankan nilai lokal dan ajukan perbaikan ke BKN."
    )
    return (
        f"{what} diubah di e-Kinerja menjadi {local} dan di SIASN menjadi {remote} "
        f"(sebelumnya {base}); tidak ada yang diterapkan sampai admin memilih. {advice}"
    )


def _describe(ctx: ApplyContext, name: str, value: Any) -> str:
    if value is None:
        return "(kosong)"
    if name == "unor_id":
        unit = ctx.session.get(Unit, value)
        return f"'{unit.nama}' ({value})" if unit else repr(value)
    return repr(value)
