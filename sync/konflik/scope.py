"""Who sees what: admins everything, an operator the units of their area, an employee themselves.

Built on ``sync.access``: the same principal, role map and operator areas decide which
conflicts and run items a caller may list and whether they may decide them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from store.models import Pegawai, Unit
from sync.access import Principal, RoleMap, operator_units


@dataclass(frozen=True)
class Scope:
    """What one caller may see: everything, the employees of some units, or one NIP."""

    level: Literal["all", "operator", "self"]
    actor: str
    units: frozenset[str] = frozenset()
    nip: str | None = None

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
    homes = operator_units(session, who)
    return Scope(level="operator", actor=who.actor, units=frozenset(subtree(session, homes)))


def subtree(session: Session, roots: list[str]) -> set[str]:
    """``roots`` and every unit below them (cycle-safe)."""
    children: dict[str, list[str]] = {}
    for unit_id, parent in session.execute(select(Unit.id, Unit.parent_id)):
        if parent:
            children.setdefault(parent, []).append(unit_id)
    found: set[str] = set()
    stack = list(roots)
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found
