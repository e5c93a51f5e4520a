"""The result of Sinkron SIASN, as the CLI (``--json``) and the HTTP API return it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Status(StrEnum):
    """Outcome of one Sinkron SIASN."""

    CREATED = "created"
    UPDATED = "updated"
    CONFIRMED = "confirmed"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    LEFT = "left"
    AMBIGUOUS = "ambiguous"


class Applied(BaseModel):
    """A field changed locally from SIASN."""

    field: str
    old: Any
    new: Any


class ConflictView(BaseModel):
    """A field where local and SIASN changed differently; nothing applied until resolved."""

    field: str
    base: Any
    local: Any
    remote: Any
    explanation: str


class WarningView(BaseModel):
    """A warning for the employee or operator (text in Bahasa Indonesia)."""

    code: str
    text: str


class Atasan(BaseModel):
    """The derived supervisor."""

    nip: str
    nama: str | None


class SinkronOutcome(BaseModel):
    """One JSON object: what Sinkron SIASN did for one NIP."""

    nip: str
    status: Status
    pegawai: dict[str, Any] | None = None
    applied: list[Applied] = Field(default_factory=list)
    converged: list[str] = Field(default_factory=list)
    conflicts: list[ConflictView] = Field(default_factory=list)
    warnings: list[WarningView] = Field(default_factory=list)
    atasan: Atasan | None = None
    reason: str | None = None
    error: str | None = None
