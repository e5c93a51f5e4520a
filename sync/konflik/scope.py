"""Who sees what: admins everything, an operator the units of their area, an employee themselves.

Built on ``sync.access``: the same principal, role map and operator areas decide which
conflicts and run items a caller may list and whether they may decide them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from store.models import Pegawai
from sync.access.rules import Area, Principal, RoleMap, check_placement, work_area
from sync.unit_index import unit_index


@dataclass(frozen=True)
class Scope:
    """What one caller may see: everything, the employees of some units, or one NIP."""

    level: Literal["all", "operator", "self"]
    actor: str
    units: frozenset[str] = frozenset()
    nip: str | None = None

    @property
    def area(self) -> Area:
        """The units this caller may place an employee in (None: every unit)."""
        if self.level == "all":
            return None
        return self.units if self.level == "operator" else frozenset()

    def may_place(self, unit_id: str) -> bool:
        """Whether a write by this caller may set an employee's unit to ``unit_id``."""
        return check_placement(self.area, unit_id).allowed

    @property
    def may_decide(self) -> bool:
        """Admins and operators decide; an employee only reads their own conflicts."""
        return self.level != "self"

    def pegawai_clause(self) -> ColumnElement[bool]:
        """A WHERE clause on ``Pegawai`` limiting rows to this scope."""
        if self.level == "all":
            return true()
        if self.level == "operator":
            return Pegawai.unor_id.in_(sorted(self.units)) if self.units else false()
        return Pegawai.nip == self.nip if self.nip else false()

    def sees_nip(self, session: Session, nip: str | None) -> bool:
        """Whether the employee ``nip`` is inside this scope."""
        if self.level == "all":
            return True
        if nip is None:
            return False
        if self.level == "self":
            return nip == self.nip
        unit = session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == nip))
        return unit is not None and unit in self.units


ADMIN_CLI = Scope(level="all", actor="cli")


def scope_for(session: Session, who: Principal, roles: RoleMap) -> Scope:
    """The scope of ``who``: operators get every unit under the units of their area."""
    level = who.level(roles)
    if level == "all":
        return Scope(level="all", actor=who.actor)
    if level == "self":
        return Scope(level="self", actor=who.actor, nip=who.name)
    return Scope(level="operator", actor=who.actor, units=work_area(session, who, roles) or frozenset())


def subtree(session: Session, roots: list[str]) -> set[str]:
    """``roots`` and every unit below them (cycle-safe; the session's unit index)."""
    return unit_index(session).subtree(roots)
