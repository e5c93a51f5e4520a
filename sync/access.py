"""Who may do what to which employee: API keys, admins, unit operators and employees themselves.

- an API key (the e-Kinerja app, server to server) and an admin may act on everyone;
- an operator (a realm role named in settings) acts on employees of the units under their own
  unit, the unit their own employee record sits in (the OPD or bidang they administer);
- any other ASN account may read and run Sinkron SIASN only on their own profile (NIP =
  ``preferred_username``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Pegawai, Unit


class Action(StrEnum):
    """What a caller asks to do."""

    READ = "baca"
    SINKRON = "sinkron"
    EDIT = "ubah"
    CLAIM = "klaim"


SELF_SERVICE = frozenset({Action.READ, Action.SINKRON})


@dataclass(frozen=True)
class RoleMap:
    """Realm roles that make an account an admin or a unit operator."""

    admin: frozenset[str]
    operator: frozenset[str]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    kind: Literal["apikey", "myasn", "local"]
    name: str
    roles: tuple[str, ...] = ()
    display: str | None = None

    @property
    def actor(self) -> str:
        """How the caller is named in the audit log."""
        return f"{self.kind}:{self.name}"

    def level(self, roles: RoleMap) -> Literal["all", "operator", "self"]:
        """Everyone (API key, local admin, admin role), an operator, or only oneself."""
        if self.kind in ("apikey", "local") or roles.admin.intersection(self.roles):
            return "all"
        if roles.operator.intersection(self.roles):
            return "operator"
        return "self"


@dataclass(frozen=True)
class Decision:
    """Allowed or not, with the reason (in Bahasa Indonesia, shown to the caller)."""

    allowed: bool
    reason: str


def authorize(session: Session, who: Principal, action: Action, roles: RoleMap, *,
              nip: str | None = None, unit_id: str | None = None) -> Decision:
    """May ``who`` do ``action`` on the employee ``nip`` (or the unit ``unit_id``)?"""
    level = who.level(roles)
    if level == "all":
        return Decision(True, "akses penuh")
    if nip is not None and nip == who.name and action in SELF_SERVICE:
        return Decision(True, "profil sendiri")
    if level == "self":
        return Decision(False, "akun ini hanya boleh membaca dan menyinkronkan profilnya sendiri")
    home = operator_unit(session, who)
    if home is None:
        return Decision(False, f"operator {who.name} tidak tercatat pada unit mana pun di data "
                               "lokal, sehingga tidak punya wilayah kerja")
    target = unit_id if unit_id is not None else _unit_of(session, nip)
    if target is None:
        return Decision(False, f"pegawai {nip} belum ada di data lokal; hanya admin yang boleh")
    if home in unit_path(session, target):
        return Decision(True, f"dalam wilayah kerja operator (unit {home})")
    return Decision(False, f"di luar wilayah kerja operator (unit {home} dan turunannya)")


def operator_unit(session: Session, who: Principal) -> str | None:
    """The unit an operator administers: the unit of their own employee record."""
    return session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == who.name))


def unit_path(session: Session, unit_id: str) -> list[str]:
    """``unit_id`` and its ancestors up to the root (stops on a cycle)."""
    path: list[str] = []
    current: str | None = unit_id
    while current and current not in path:
        path.append(current)
        current = session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return path


def _unit_of(session: Session, nip: str | None) -> str | None:
    if nip is None:
        return None
    return session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == nip))
