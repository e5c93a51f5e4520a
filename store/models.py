"""Table rows of the local store (the third type, after wire models and canonical records)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Unit(Base):
    """A unit of the instansi (SIASN unor), keyed by the SIASN unor id."""

    __tablename__ = "unit"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nama: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    eselon_id: Mapped[int | None] = mapped_column(Integer)
    nama_jabatan: Mapped[str | None] = mapped_column(String(300))
    pemimpin_pns_id: Mapped[str | None] = mapped_column(String(64))
    instansi_id: Mapped[str | None] = mapped_column(String(64))
    jenis_unor_id: Mapped[str | None] = mapped_column(String(32))
    cepat_kode: Mapped[str | None] = mapped_column(String(64))
    aktif: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Pegawai(Base):
    """An employee (ASN) of the local e-Kinerja app; never hard-deleted by a sync."""

    __tablename__ = "pegawai"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    pns_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    nama: Mapped[str | None] = mapped_column(String(200))
    gelar_depan: Mapped[str | None] = mapped_column(String(60))
    gelar_belakang: Mapped[str | None] = mapped_column(String(100))
    tempat_lahir: Mapped[str | None] = mapped_column(String(100))
    tanggal_lahir: Mapped[date | None] = mapped_column(Date)
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    jenis_pegawai: Mapped[str | None] = mapped_column(String(120))
    kedudukan_hukum: Mapped[str | None] = mapped_column(String(120))
    instansi_kerja_id: Mapped[str | None] = mapped_column(String(64))
    instansi_kerja_nama: Mapped[str | None] = mapped_column(String(200))
    tmt_cpns: Mapped[date | None] = mapped_column(Date)
    tgl_meninggal: Mapped[date | None] = mapped_column(Date)
    tmt_pensiun: Mapped[date | None] = mapped_column(Date)
    unor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    unor_nama: Mapped[str | None] = mapped_column(String(300))
    jenis_jabatan_id: Mapped[int | None] = mapped_column(Integer)
    jabatan: Mapped[str | None] = mapped_column(String(300))
    eselon_id: Mapped[int | None] = mapped_column(Integer)
    tmt_jabatan: Mapped[date | None] = mapped_column(Date)
    golongan: Mapped[str | None] = mapped_column(String(8))
    golongan_id: Mapped[int | None] = mapped_column(Integer)
    pangkat: Mapped[str | None] = mapped_column(String(60))
    tmt_golongan: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(200))
    no_hp: Mapped[str | None] = mapped_column(String(40))
    catatan: Mapped[str | None] = mapped_column(Text)
    sk_jabatan_nomor: Mapped[str | None] = mapped_column(String(120))
    sk_golongan_nomor: Mapped[str | None] = mapped_column(String(120))
    aktif: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    nonaktif_alasan: Mapped[str | None] = mapped_column(String(200))
    siasn_status: Mapped[str] = mapped_column(String(20), default="ada", server_default="ada")
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # when the newest SIASN value applied was fetched (epoch seconds): older snapshots are stale
    siasn_fetched_at: Mapped[float | None] = mapped_column(Float)
    # sha256 of the SIASN record last applied when re-applying it would change nothing
    # (``sync.digest``); None when it would (a kept local value, a conflict, an edit since)
    siasn_digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FieldState(Base):
    """Per-field sync state: the value last received from SIASN (the merge base)."""

    __tablename__ = "field_state"

    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    diverged_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupervisorLink(Base):
    """The derived atasan of an employee and where it came from."""

    __tablename__ = "supervisor_link"

    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), primary_key=True)
    atasan_id: Mapped[int | None] = mapped_column(ForeignKey("pegawai.id"))
    via_unit_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(60))
    derived_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Conflict(Base):
    """A field where the local value and SIASN both changed, differently; waits for an admin."""

    __tablename__ = "conflict"
    __table_args__ = (
        Index(
            "uq_conflict_open",
            "pegawai_id",
            "field",
            unique=True,
            sqlite_where=text("status IN ('open', 'assigned')"),
            postgresql_where=text("status IN ('open', 'assigned')"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), default="merge", server_default="merge")
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    local_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    remote_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    explanation: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution: Mapped[str | None] = mapped_column(String(30))
    resolution_reason: Mapped[str | None] = mapped_column(Text)
    decided_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    run_id: Mapped[str | None] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(120), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("conflict.id"))


class ConflictEvent(Base):
    """One step in a conflict's history: opened, assigned, commented, resolved, superseded."""

    __tablename__ = "conflict_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conflict_id: Mapped[int] = mapped_column(ForeignKey("conflict.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


class RunChange(Base):
    """A change a dry run or a held run would make (kept after its rollback, for review)."""

    __tablename__ = "run_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    nip: Mapped[str | None] = mapped_column(String(18))
    action: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only, hash-chained record of every change and who made it (``store.audit_chain``).

    ``seq``, ``prev_hash`` and ``entry_hash`` are set once, when the writing transaction commits;
    the database refuses every other UPDATE and every DELETE (migration 0008's triggers).
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("seq", name="uq_audit_log_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    pegawai_nip: Mapped[str | None] = mapped_column(String(18), index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(40))


class RosterEntry(Base):
    """A NIP from the SIASN "Export Data ASN" CSV: part of the roster even before it is local."""

    __tablename__ = "roster_entry"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    nama: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SyncRun(Base):
    """One reconciliation run: options, phase, counts per situation, guard verdict."""

    __tablename__ = "sync_run"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    options: Mapped[Any] = mapped_column(JSON, nullable=True)
    counts: Mapped[Any] = mapped_column(JSON, nullable=True)
    unit_changes: Mapped[Any] = mapped_column(JSON, nullable=True)
    units_snapshot: Mapped[Any] = mapped_column(JSON, nullable=True)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    conflicts_opened: Mapped[int] = mapped_column(Integer, default=0)
    guard_reason: Mapped[str | None] = mapped_column(Text)
    integrity: Mapped[Any] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float | None] = mapped_column()


class RunItem(Base):
    """One employee within a run: fetched snapshot (staged), then its applied situation."""

    __tablename__ = "run_item"

    run_id: Mapped[str] = mapped_column(ForeignKey("sync_run.id"), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    situation: Mapped[str | None] = mapped_column(String(20))
    snapshot: Mapped[Any] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    fetched_at: Mapped[float | None] = mapped_column(Float)


class RunLock(Base):
    """A lease that keeps two runs of one kind from overlapping, across processes and hosts."""

    __tablename__ = "run_lock"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[float] = mapped_column(Float)
    epoch: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class UnitClaim(Base):
    """Klaim Pimpinan Unit Kerja: a structural official's local claim to head a unit."""

    __tablename__ = "unit_claim"

    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pegawai_id: Mapped[int] = mapped_column(ForeignKey("pegawai.id"))
    claimed_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiKey(Base):
    """A key for a server-to-server caller (the e-Kinerja app); only its SHA-256 is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LocalAccount(Base):
    """A local admin account (the fallback when MyASN is unreachable); scrypt password hash."""

    __tablename__ = "local_account"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class LoginThrottle(Base):
    """Local login attempts counted per account (``client`` empty) and per account and client."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    reset_at: Mapped[float] = mapped_column(Float, index=True)


class WebSession(Base):
    """A browser session after login; the cookie holds a random id, the table its SHA-256.

    ``id_token_sealed`` is the MyASN ID token (needed for the realm logout) encrypted with a key
    derived from the cookie value, so the table alone cannot reveal it.
    """

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(10))
    username: Mapped[str] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(200))
    roles: Mapped[Any] = mapped_column(JSON)
    id_token_sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class LoginState(Base):
    """An OIDC login under way: state, nonce and PKCE verifier until the callback."""

    __tablename__ = "login_state"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    next_path: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[float] = mapped_column(Float)


class OperatorGrant(Base):
    """An extra unit (with everything under it) an operator administers, beyond their own."""

    __tablename__ = "operator_grant"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted_by: Mapped[str] = mapped_column(String(120))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnownUser(Base):
    """An account seen logging in through MyASN, kept after its session ends: the people a
    conflict can be assigned to (with local accounts and operator grants)."""

    __tablename__ = "known_user"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
