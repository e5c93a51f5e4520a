"""Apply a fetched SIASN profile to the store: merge, write, audit, conflicts, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.departure import departure_reason
from mappings.notices import Notice
from store.models import Conflict, FieldState, Pegawai, Unit
from sync import audit, clock
from sync.authority import label
from sync.fields import FIELD
from sync.konflik import lifecycle
from sync.merge import Decision, FieldMerge, merge_record
from sync.outcome import Applied, Atasan, ConflictView, SinkronOutcome, Status, WarningView
from sync.profile import RemoteProfile
from sync.supervision import OrgContext, load_context, update_supervisor
from sync.values import local_values, pegawai_view, set_field, to_json


@dataclass
class _Context:
    session: Session
    pegawai: Pegawai
    remote: RemoteProfile
    actor: str
    run_id: str | None
    created: bool
    states: dict[str, FieldState]
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
    open_conflicts: dict[str, Conflict] = field(default_factory=dict)


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
) -> SinkronOutcome:
    """Merge ``remote`` into the stored employee ``nip`` (creating them if new).

    A run passes ``org`` once for all employees and ``supervisors=False``, recomputing every
    supervisor link at the end instead. ``fetched_at`` (epoch seconds, taken before the fetch)
    is the snapshot's revision: one older than the stored employee's raises ``StaleSnapshot``
    before anything is written, a newer one becomes the employee's revision. ``tz`` is the
    display timezone of the outcome's warnings and times (the settings' default when None).
    """
    tz = tz or clock.default_zone()
    pegawai = session.scalar(select(Pegawai).where(Pegawai.nip == nip).with_for_update())
    if (
        pegawai is not None
        and fetched_at is not None
        and pegawai.siasn_fetched_at is not None
        and fetched_at < pegawai.siasn_fetched_at
    ):
        raise StaleSnapshot(nip, fetched_at, pegawai.siasn_fetched_at)
    if remote is None:
        if pegawai is not None and fetched_at is not None:
            pegawai.siasn_fetched_at = fetched_at
        return _not_found(session, nip, pegawai, actor, run_id, tz)
    twin = (
        None
        if pegawai is not None and pegawai.pns_id == remote.record.pns_id
        else (
            session.scalar(select(Pegawai).where(Pegawai.pns_id == remote.record.pns_id, Pegawai.nip != nip))
        )
    )  # pns_id is unique
    if twin is not None:
        return _ambiguous(nip, pegawai, twin, tz)
    created = pegawai is None
    if pegawai is None:
        pegawai = Pegawai(nip=nip, siasn_status="ada", aktif=True)
        session.add(pegawai)
        session.flush()
    states = {
        s.field: s for s in session.scalars(select(FieldState).where(FieldState.pegawai_id == pegawai.id))
    }
    ctx = _Context(
        session,
        pegawai,
        remote,
        actor,
        run_id,
        created,
        states,
        org or load_context(session),
        supervisors,
        fetched_at,
        tz,
    )
    if not created:
        ctx.open_conflicts = {
            c.field: c
            for c in session.scalars(
                select(Conflict).where(
                    Conflict.pegawai_id == pegawai.id, Conflict.status.in_(lifecycle.ACTIVE)
                )
            )
        }
    base = {name: state.base_value for name, state in states.items()}
    for merge in merge_record(base, local_values(pegawai), remote.record.values()):
        _HANDLERS[merge.decision](ctx, merge)
    _other_open_conflicts(ctx)
    _finish(ctx)
    return _outcome(ctx)


def _unchanged(ctx: _Context, merge: FieldMerge) -> None:
    _set_base(ctx, merge.field, merge.remote)
    _close_stale_conflict(ctx, merge.field)


def _apply_remote(ctx: _Context, merge: FieldMerge) -> None:
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


def _converged(ctx: _Context, merge: FieldMerge) -> None:
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


def _keep_local(ctx: _Context, merge: FieldMerge) -> None:
    state = ctx.states[merge.field]
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


def _conflict(ctx: _Context, merge: FieldMerge) -> None:
    explanation = _explain_conflict(ctx, merge)
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


def _other_open_conflicts(ctx: _Context) -> None:
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


def _set_base(ctx: _Context, name: str, value: Any) -> None:
    state = ctx.states.get(name)
    if state is None:
        state = FieldState(pegawai_id=ctx.pegawai.id, field=name, base_value=value, received_at=audit.now())
        ctx.session.add(state)
        ctx.states[name] = state
    elif state.base_value != value or state.diverged_since is not None:
        state.base_value, state.received_at, state.diverged_since = value, audit.now(), None


def _open_conflict(ctx: _Context, name: str) -> Conflict | None:
    return ctx.open_conflicts.get(name)


def _close_stale_conflict(ctx: _Context, name: str) -> None:
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


def _evidence(ctx: _Context, name: str) -> str:
    found = FIELD.get(name)
    source = found.evidence if found else None
    sk: str | None = getattr(ctx.remote, source.value) if source else None
    return f"data SIASN ({sk})" if sk else "data SIASN"


def _explain_conflict(ctx: _Context, merge: FieldMerge) -> str:
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


def _describe(ctx: _Context, name: str, value: Any) -> str:
    if value is None:
        return "(kosong)"
    if name == "unor_id":
        unit = ctx.session.get(Unit, value)
        return f"'{unit.nama}' ({value})" if unit else repr(value)
    return repr(value)


def _finish(ctx: _Context) -> None:
    pegawai = ctx.pegawai
    record = ctx.remote.record
    unit = ctx.org.tree.get(pegawai.unor_id) if pegawai.unor_id else None  # no query per person
    pegawai.unor_nama = (
        unit.nama if unit else (record.unor_nama if pegawai.unor_id == record.unor_id else pegawai.unor_nama)
    )
    if ctx.remote.sk_golongan and pegawai.golongan == record.golongan:
        pegawai.sk_golongan_nomor = ctx.remote.sk_golongan
    if ctx.remote.sk_jabatan and pegawai.jabatan == record.jabatan:
        pegawai.sk_jabatan_nomor = ctx.remote.sk_jabatan
    if pegawai.siasn_status != "ada":
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="ditemukan_kembali",
            nip=pegawai.nip,
            reason="NIP kembali ditemukan di SIASN",
            run_id=ctx.run_id,
        )
    pegawai.siasn_status = "ada"
    pegawai.last_synced_at = audit.now()
    if ctx.fetched_at is not None:
        pegawai.siasn_fetched_at = ctx.fetched_at
    if ctx.created:
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="pegawai_dibuat",
            nip=pegawai.nip,
            new=pegawai.nama,
            reason="dibuat dari data SIASN",
            run_id=ctx.run_id,
        )
    if ctx.created or ctx.applied:
        pegawai.updated_at = audit.now()
    _departure(ctx)
    ctx.session.flush()
    tree = ctx.org.tree
    if (
        pegawai.unor_id
        and tree.get(pegawai.unor_id)
        and not tree.is_smallest(pegawai.unor_id)
        and ctx.org.heads.get(pegawai.unor_id) != pegawai.pns_id
    ):
        ctx.notices.append(
            Notice(
                "unor_bukan_terkecil",
                f"Unit kerja {pegawai.unor_nama} masih memiliki sub-unit; pegawai sebaiknya "
                "ditempatkan pada unit organisasi terkecil.",
            )
        )
    if ctx.supervisors and pegawai.aktif:
        supervisor = update_supervisor(ctx.session, pegawai, ctx.org, actor=ctx.actor, run_id=ctx.run_id)
        ctx.notices.extend(supervisor.notices)
        ctx.atasan = supervisor.atasan


def _departure(ctx: _Context) -> None:
    pegawai = ctx.pegawai
    reason = departure_reason(ctx.remote.record, ctx.org.instansi_id)
    if reason and pegawai.aktif:
        pegawai.aktif, pegawai.nonaktif_alasan = False, reason
        ctx.left = True
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="dinonaktifkan",
            nip=pegawai.nip,
            reason=reason,
            run_id=ctx.run_id,
        )
        ctx.notices.append(Notice("pegawai_keluar", f"Pegawai dinonaktifkan (tidak dihapus): {reason}."))
    elif reason is None and not pegawai.aktif:
        pegawai.aktif, pegawai.nonaktif_alasan = True, None
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="diaktifkan_kembali",
            nip=pegawai.nip,
            reason="SIASN kembali mencatat pegawai aktif di instansi",
            run_id=ctx.run_id,
        )


def _outcome(ctx: _Context) -> SinkronOutcome:
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
        pegawai=pegawai_view(ctx.pegawai, ctx.tz),
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
    session: Session, nip: str, pegawai: Pegawai | None, actor: str, run_id: str | None, tz: tzinfo
) -> SinkronOutcome:
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
