"""Field authority (DESIGN §6): which source owns each field, and so which fields can conflict.

- ``SIASN``: national master data; SIASN's value always wins, a local edit is refused.
- ``SHARED``: both may change it; three-way merge, conflicting changes go to an admin.
- ``LOCAL``: local-only; a sync never touches it.
Derived fields (``unor_nama``, ``golongan_id``, ``pangkat``) follow their driver field.
Related fields are decided together (``DECIDED_TOGETHER``): a rank and its TMT, a unit with the
position held in it and that position's TMT, so a decision never leaves half a record.
All of it is derived from the field table ``sync.fields.FIELDS``.
"""

from __future__ import annotations

from mappings.messages import t
from sync.fields import FIELD, FIELDS, Authority, Group

__all__ = [
    "DECIDED_TOGETHER",
    "EDITABLE_FIELDS",
    "FIELD_AUTHORITY",
    "MERGED_FIELDS",
    "Authority",
    "decided_with",
    "label",
]

FIELD_AUTHORITY: dict[str, Authority] = {f.name: f.authority for f in FIELDS if f.authority is not None}

MERGED_FIELDS: tuple[str, ...] = tuple(
    name for name, owner in FIELD_AUTHORITY.items() if owner is not Authority.LOCAL
)
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    name for name, owner in FIELD_AUTHORITY.items() if owner is not Authority.SIASN
)

DECIDED_TOGETHER: tuple[tuple[str, ...], ...] = tuple(
    tuple(f.name for f in FIELDS if f.group is group) for group in Group
)
_GROUP_OF: dict[str, tuple[str, ...]] = {name: group for group in DECIDED_TOGETHER for name in group}


def decided_with(field: str) -> tuple[str, ...]:
    """The fields decided together with ``field`` (itself included, in declaration order)."""
    return _GROUP_OF.get(field, (field,))


def label(field: str, *, title: bool = False) -> str:
    """The Indonesian label of a field for explanations (``title`` capitalises the first letter)."""
    if field.startswith("nilai_skp:"):  # an SKP result SIASN holds with another rating
        text = f"penilaian SKP periode {field.removeprefix('nilai_skp:')}"
    elif field in FIELD:
        text = t(FIELD[field].label_key)
    else:
        text = field.replace("_", " ")
    return text[:1].upper() + text[1:] if title else text
