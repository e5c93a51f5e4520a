"""Who may do what to which employee: API keys, admins, unit operators and employees themselves.

- an API key (the e-Kinerja app, server to server) and an admin may act on everyone;
- an operator (a realm role named in settings) acts on employees of the units under their own
  unit as SIASN last reported it (the merge base, never the locally editable value, so an
  operator cannot move themselves into a wider area), and under any unit granted to them
  (``ekinerja-sync operator grant``, ``sync.access.grants``: a BKD operator covering the
  whole instansi, say);
- nobody edits the field that grants their own access (``AREA_FIELDS`` of their own record);
- any other ASN account may read and run Sinkron SIASN only on their own profile (NIP =
  ``preferred_username``);
- a write that sets a unit (an edit of ``unor_id``, a decision on a unit conflict, a klaim)
  checks the *target* unit against the caller's work area (``work_area``, ``check_placement``)
  as well as the employee's current unit, so nobody moves a person out of their own area.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import FieldState, OperatorGrant, Pegawai, Unit


class Action(StrEnum):
    """What a caller asks to do."""

    READ = "baca"
    SINKRON = "sinkron"
    EDIT = "ubah"
    CLAIM = "klaim"


SELF_SERVICE = frozenset({Action.READ, Action.SINKRON})
AREA_FIELDS = frozenset({"unor_id"})
# The units a caller may place an employee in: None is every unit (admins, API keys).
Area = frozenset[str] | None


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


def authorize(
    session: Session,
    who: Principal,
    action: Action,
    roles: RoleMap,
    *,
    nip: str | None = None,
    unit_id: str | None = None,
    fields: frozenset[str] = frozenset(),
    target_unit: str | None = None,
) -> Decision:
    """May ``who`` do ``action`` on the employee ``nip`` (or the unit ``unit_id``, ``fields``),
    and, when the write sets a unit, place them in ``target_unit``?"""
    decision = _authorize(session, who, action, roles, nip=nip, unit_id=unit_id, fields=fields)
    if not decision.allowed or target_unit is None:
        return decision
    placed = check_placement(work_area(session, who, roles), target_unit)
    return decision if placed.allowed else placed


def work_area(session: Session, who: Principal, roles: RoleMap) -> Area:
    """The units ``who`` may place employees in: every unit (None), an operator's units and every
    unit under them, or none at all for an account that only sees itself."""
    level = who.level(roles)
    if level == "all":
        return None
    if level == "self":
        return frozenset()
    return frozenset(subtree(session, operator_units(session, who)))


def check_placement(area: Area, unit_id: str) -> Decision:
    """May a caller whose work area is ``area`` set an employee's unit to ``unit_id``?

    The one rule every write that sets a unit uses (edit, decision, klaim); the refusal names
    neither the unit sent nor anything else the caller typed.
    """
    if area is None or unit_id in area:
        return Decision(True, "unit tujuan dalam wilayah kerja")
    return Decision(False, t("access.target_outside_area"))


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


def _authorize(
    session: Session,
    who: Principal,
    action: Action,
    roles: RoleMap,
    *,
    nip: str | None,
    unit_id: str | None,
    fields: frozenset[str],
) -> Decision:
    """The decision on the employee ``nip`` (their current unit) or the unit ``unit_id``."""
    own_area = AREA_FIELDS.intersection(fields)
    if nip is not None and nip == who.name and who.kind != "apikey" and own_area:
        return Decision(False, t("access.own_area_field", fields=", ".join(sorted(own_area))))
    level = who.level(roles)
    if level == "all":
        return Decision(True, "akses penuh")
    if nip is not None and nip == who.name and action in SELF_SERVICE:
        return Decision(True, "profil sendiri")
    if level == "self":
        return Decision(False, "akun ini hanya boleh membaca dan menyinkronkan profilnya sendiri")
    homes = operator_units(session, who)
    if not homes:
        return Decision(
            False,
            f"operator {who.name} tidak tercatat pada unit mana pun di data "
            "lokal dan tidak punya unit yang diberikan, sehingga tidak punya "
            "wilayah kerja",
        )
    target = unit_id if unit_id is not None else unit_of(session, nip)
    if target is None:
        return Decision(False, f"pegawai {nip} belum ada di data lokal; hanya admin yang boleh")
    path = unit_path(session, target)
    inside = next((home for home in homes if home in path), None)
    if inside is not None:
        return Decision(True, f"dalam wilayah kerja operator (unit {inside})")
    return Decision(False, f"di luar wilayah kerja operator (unit {', '.join(homes)} dan turunannya)")


def operator_units(session: Session, who: Principal) -> list[str]:
    """The units an operator administers: their unit as SIASN has it, then granted units."""
    own = siasn_unit_of(session, who.name)
    granted = session.scalars(
        select(OperatorGrant.unit_id).where(OperatorGrant.nip == who.name).order_by(OperatorGrant.unit_id)
    ).all()
    return ([own] if own else []) + [u for u in granted if u != own]


def unit_path(session: Session, unit_id: str) -> list[str]:
    """``unit_id`` and its ancestors up to the root (stops on a cycle)."""
    path: list[str] = []
    current: str | None = unit_id
    while current and current not in path:
        path.append(current)
        current = session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return path


def siasn_unit_of(session: Session, nip: str) -> str | None:
    """The unit SIASN last reported for ``nip`` (the merge base); None when never received."""
    value = session.scalar(
        select(FieldState.base_value)
        .join(Pegawai, Pegawai.id == FieldState.pegawai_id)
        .where(Pegawai.nip == nip, FieldState.field == "unor_id")
    )
    return value if isinstance(value, str) and value else None


def unit_of(session: Session, nip: str | None) -> str | None:
    """The unit of the local employee ``nip``; None when unknown here."""
    if nip is None:
        return None
    return session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == nip))
