"""Related fields decided as one (``sync.authority.DECIDED_TOGETHER``).

A conflict on golongan brings the undecided conflict on TMT golongan of the same employee along;
a unit conflict brings the jabatan, its kind, eselon and TMT. Deciding any member decides every
undecided member, so a record is never left half applied. "Tetapkan nilai" on a group takes one
value per field (a mapping ``{field: value}``); a lone conflict still takes a single value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import Conflict, Pegawai
from sync.authority import decided_with, label
from sync.konflik.errors import KonflikError, KonflikRefused
from sync.konflik.lifecycle import ACTIVE

GROUPED_KINDS = ("merge", "unor_dihapus")


@dataclass(frozen=True)
class Member:
    """An undecided conflict decided with another: its id, field and the version to send."""

    id: int
    field: str
    version: int


def members(session: Session, conflict: Conflict, *, lock: bool = True) -> list[Conflict]:
    """``conflict`` and the undecided conflicts decided with it, in declaration order."""
    fields = decided_with(conflict.field)
    if conflict.kind not in GROUPED_KINDS or len(fields) == 1:
        return [conflict]
    query = select(Conflict).where(
        Conflict.pegawai_id == conflict.pegawai_id,
        Conflict.field.in_(fields),
        Conflict.status.in_(ACTIVE),
        Conflict.kind.in_(GROUPED_KINDS),
        Conflict.id != conflict.id,
    )
    found = session.scalars(query.with_for_update() if lock else query)
    return sorted([conflict, *found], key=lambda c: fields.index(c.field))


def expand(session: Session, asked: Sequence[Conflict]) -> list[Conflict]:
    """``asked`` with every undecided member of their groups, each once, asked ones first."""
    seen: dict[int, Conflict] = {c.id: c for c in asked}
    for conflict in asked:
        for member in members(session, conflict):
            seen.setdefault(member.id, member)
    return list(seen.values())


def check_seen(
    asked: Sequence[Conflict], decided: Sequence[Conflict], seen: Mapping[int, int] | None
) -> None:
    """With versions to check, every member a conflict brings along must have been shown (its
    version sent); the conflicts asked for are checked as before (a version when one is sent)."""
    if not seen:
        return
    asked_ids = {c.id for c in asked}
    unseen = [c for c in decided if c.id not in seen and c.id not in asked_ids]
    if unseen:
        first = next(c for c in asked if c.pegawai_id == unseen[0].pegawai_id)
        raise KonflikRefused(
            t(
                "konflik.group_unseen",
                id=first.id,
                members=", ".join(f"{c.id} ({label(c.field)})" for c in unseen),
            )
        )


def value_for(conflict: Conflict, decided: Sequence[Conflict], value: Any) -> Any:
    """The raw value "tetapkan nilai" sets on ``conflict``: its field's entry, or the lone value."""
    if isinstance(value, Mapping):
        if conflict.field not in value:
            raise KonflikError(t("konflik.group_value_missing", id=conflict.id, field=label(conflict.field)))
        return value[conflict.field]
    order = decided_with(conflict.field)
    together = sorted(
        (c for c in decided if c.pegawai_id == conflict.pegawai_id and _grouped(c, conflict)),
        key=lambda c: order.index(c.field),
    )
    if len(together) > 1:
        raise KonflikError(
            t(
                "konflik.group_needs_values",
                id=conflict.id,
                fields=", ".join(label(c.field) for c in together),
            )
        )
    return value


def check_value_keys(decided: Sequence[Conflict], value: Any) -> None:
    """A mapping of values names only fields being decided (the refusal does not echo a key)."""
    if isinstance(value, Mapping) and set(value) - {c.field for c in decided}:
        raise KonflikError(t("konflik.group_value_stray"))


def partners(conflict: Conflict, decided: Sequence[Conflict]) -> str:
    """For a conflict's history: the other conflicts decided with it ("" when decided alone)."""
    others = [
        c
        for c in decided
        if c.pegawai_id == conflict.pegawai_id and c.id != conflict.id and _grouped(c, conflict)
    ]
    if not others:
        return ""
    return t("konflik.decided_together", members=", ".join(f"{c.id} ({label(c.field)})" for c in others))


def _grouped(one: Conflict, other: Conflict) -> bool:
    return one.kind in GROUPED_KINDS and one.field in decided_with(other.field)


def linked(session: Session, rows: Iterable[tuple[int, str, str, str]]) -> dict[int, list[Member]]:
    """For list rows ``(id, nip, field, kind)``: the other undecided members of each row's group."""
    wanted = [r for r in rows if r[3] in GROUPED_KINDS and len(decided_with(r[2])) > 1]
    if not wanted:
        return {}
    found = session.execute(
        select(Conflict.id, Pegawai.nip, Conflict.field, Conflict.version)
        .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
        .where(
            Pegawai.nip.in_(sorted({r[1] for r in wanted})),
            Conflict.status.in_(ACTIVE),
            Conflict.kind.in_(GROUPED_KINDS),
        )
    ).all()
    out: dict[int, list[Member]] = {}
    for cid, nip, field, _kind in wanted:
        group = decided_with(field)
        others = [Member(i, f, v) for i, n, f, v in found if n == nip and f in group and i != cid]
        if others:
            out[cid] = sorted(others, key=lambda m: group.index(m.field))
    return out
