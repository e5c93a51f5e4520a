"""Table rows that make the audit log verifiable: the chain head and the verification record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base

HEAD_ID = 1
GENESIS = "0" * 64


class AuditChainHead(Base):
    """The one row (id 1) naming the newest sealed audit entry; locked by every sealing commit."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditVerification(Base):
    """One run of ``audit verify`` (or of ``doctor``): the outcome the beranda shows."""

    __tablename__ = "audit_verification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    checked: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    problem: Mapped[str | None] = mapped_column(String(20))
    entry_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
