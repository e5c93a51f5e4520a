"""Three-way merge per field (pure): base = last value from SIASN, local, remote = SIASN now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sync.authority import FIELD_AUTHORITY, MERGED_FIELDS, Authority


class Decision(StrEnum):
    """What to do with one field."""

    UNCHANGED = "unchanged"
    KEEP_LOCAL = "keep_local"
    APPLY_REMOTE = "apply_remote"
    CONVERGED = "converged"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class FieldMerge:
    """The decision for one field and the three values it was taken from."""

    field: str
    decision: Decision
    base: Any
    local: Any
    remote: Any
    overrides_local: bool = False


def merge_field(field: str, base: Any, local: Any, remote: Any, *, has_base: bool) -> FieldMerge:
    """Decide one field (DESIGN §6); SIASN-owned fields never conflict, SIASN wins."""
    owner = FIELD_AUTHORITY.get(field, Authority.SHARED)

    def result(decision: Decision, overrides: bool = False) -> FieldMerge:
        return FieldMerge(field, decision, base, local, remote, overrides)

    if not has_base:
        if local == remote:
            return result(Decision.CONVERGED if local is not None else Decision.UNCHANGED)
        if local is None or owner is Authority.SIASN:
            return result(Decision.APPLY_REMOTE, overrides=local is not None)
        return result(Decision.CONFLICT)
    if remote == base:
        return result(Decision.UNCHANGED if local == base else Decision.KEEP_LOCAL)
    if local == base:
        return result(Decision.APPLY_REMOTE)
    if local == remote:
        return result(Decision.CONVERGED)
    if owner is Authority.SIASN:
        return result(Decision.APPLY_REMOTE, overrides=True)
    return result(Decision.CONFLICT)


def merge_record(
    base: Mapping[str, Any], local: Mapping[str, Any], remote: Mapping[str, Any]
) -> list[FieldMerge]:
    """Merge every merged field; a field absent from ``base`` has never been received."""
    return [
        merge_field(name, base.get(name), local.get(name), remote.get(name), has_base=name in base)
        for name in MERGED_FIELDS
    ]
