"""The whole-record half of applying a SIASN profile: derived fields, status, departure, supervisor."""

from __future__ import annotations

from mappings.departure import departure_reason
from mappings.notices import Notice
from sync import audit
from sync.apply_fields import ApplyContext
from sync.digest import settled_digest
from sync.unor.supervision import update_supervisor


def finish(ctx: ApplyContext) -> None:
    """Complete an applied profile once its fields are merged.

    Fills the derived fields, marks the employee found and synced, records a creation, (de)activates
    on departure, keeps the record's digest when a re-apply would change nothing (``sync.digest``),
    flushes (unless a batch writes for it), then warns about a non-smallest unit and relinks the supervisor.
    """
    _derived_fields(ctx)
    _mark_found(ctx)
    if ctx.created:
        audit.record(
            ctx.session,
            actor=ctx.actor,
            action="pegawai_dibuat",
            nip=ctx.pegawai.nip,
            new=ctx.pegawai.nama,
            reason="dibuat dari data SIASN",
            run_id=ctx.run_id,
        )
    if ctx.created or ctx.applied:
        ctx.pegawai.updated_at = audit.now()
    _departure(ctx)
    ctx.pegawai.siasn_digest = settled_digest(ctx.remote.record, settled=not (ctx.kept or ctx.conflicts))
    if ctx.batch is None:  # a batch writes once, at its end
        ctx.session.flush()
    _unit_not_smallest(ctx)
    _supervisor(ctx)


def _derived_fields(ctx: ApplyContext) -> None:
    """Unit name and SK numbers follow the merged values they describe."""
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


def _mark_found(ctx: ApplyContext) -> None:
    """The employee is in SIASN (again), synced now at the snapshot's revision."""
    pegawai = ctx.pegawai
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


def _unit_not_smallest(ctx: ApplyContext) -> None:
    """Warn when a non-head employee sits in a unit that still has sub-units."""
    pegawai = ctx.pegawai
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


def _supervisor(ctx: ApplyContext) -> None:
    """Relink an active employee's supervisor now, unless the run does it for everyone at the end."""
    if ctx.supervisors and ctx.pegawai.aktif:
        supervisor = update_supervisor(ctx.session, ctx.pegawai, ctx.org, actor=ctx.actor, run_id=ctx.run_id)
        ctx.notices.extend(supervisor.notices)
        ctx.atasan = supervisor.atasan


def _departure(ctx: ApplyContext) -> None:
    """Deactivate an employee SIASN records as gone from the instansi; reactivate one back."""
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
