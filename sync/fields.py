"""The employee fields, declared once: kind, owner, label, SK evidence, input limit, group.

Every other description of an employee field is derived from ``FIELDS``: the authority table
and the fields decided together (``sync.authority``), the date and number conversions
(``sync.values``), the dates of a staged snapshot (``sync.reconcile.snapshot``), the SK a change is
explained with (``sync.apply_fields``), the edit validators (``sync.profil.edit``) and the labels on every
surface (message catalogue keys ``field.<name>``, ``mappings/messages/fields.py``).

``tests/test_fields_table.py`` holds the table against the three other declarations a field
has: the wire model (``mappings.pegawai.PegawaiRecord``), the store column
(``store.models.Pegawai``) and the limits of an edit (``mappings.limits.PegawaiChanges``); a
field missing from one side fails the test with its name.

Adding a SIASN field (say ``tmt_pns``, a date SIASN owns):

1. map it from data-utama: an attribute of ``PegawaiRecord`` and its line in
   ``map_data_utama`` (``mappings/pegawai.py``), in the same place of the order as here;
2. its column in ``store/models.py`` with an Alembic migration;
3. one line here: ``Field("tmt_pns", Kind.DATE)``;
4. its label: ``"field.tmt_pns": "TMT PNS"`` in ``mappings/messages/fields.py``.

It is then merged (SIASN wins), converted, audited, labelled and refused on Edit Profil with no
other change. A field both sides may change is ``Authority.SHARED`` with its ``max_length`` and
its attribute in ``PegawaiChanges``; a rank or position field names its ``group`` and ``evidence``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypedDict, Unpack

from mappings.limits import EMAIL_MAX, GOLONGAN_MAX, NO_HP_MAX, TEXT_MAX, UNOR_ID_MAX
from mappings.positions import ESELON, JENIS_JABATAN


class Authority(StrEnum):
    """Who owns a field (DESIGN §6)."""

    SIASN = "siasn"
    SHARED = "shared"
    LOCAL = "local"


class Kind(StrEnum):
    """How a field's value is stored and written in JSON (a date as ``yyyy-mm-dd``)."""

    TEXT = "text"
    DATE = "date"
    INT = "int"


class Evidence(StrEnum):
    """The SK a SIASN change of a field is explained with (an attribute of ``RemoteProfile``)."""

    SK_GOLONGAN = "sk_golongan"
    SK_JABATAN = "sk_jabatan"


class Group(StrEnum):
    """Fields decided together: a rank and its TMT; a unit, the position held in it and its TMT."""

    GOLONGAN = "golongan"
    JABATAN = "jabatan"


@dataclass(frozen=True)
class Field:
    """One employee field.

    ``authority`` None: not merged on its own (the key ``nip``, or a value that follows another
    field). An edit accepts text up to ``max_length``, a number only among ``choices``, and
    never empties a ``required`` field. ``wire``: SIASN sends it (``PegawaiRecord``);
    ``stored``: a column of ``pegawai``.
    """

    name: str
    kind: Kind = Kind.TEXT
    authority: Authority | None = Authority.SIASN
    evidence: Evidence | None = None
    max_length: int | None = None
    group: Group | None = None
    choices: Mapping[int, object] | None = None
    required: bool = False
    wire: bool = True
    stored: bool = True

    @property
    def label_key(self) -> str:
        """The message catalogue key of the field's Indonesian label."""
        return f"field.{self.name}"


class _Limits(TypedDict, total=False):
    max_length: int
    choices: Mapping[int, object]
    required: bool


def _post(name: str, kind: Kind = Kind.TEXT, **limits: Unpack[_Limits]) -> Field:
    """A field of the position held: shared, decided with the unit, explained by the SK jabatan."""
    return Field(name, kind, Authority.SHARED, Evidence.SK_JABATAN, group=Group.JABATAN, **limits)


def _rank(name: str, kind: Kind = Kind.TEXT, **limits: Unpack[_Limits]) -> Field:
    """A field of the rank: shared, decided with its TMT, explained by the SK golongan."""
    return Field(name, kind, Authority.SHARED, Evidence.SK_GOLONGAN, group=Group.GOLONGAN, **limits)


_DATE, _INT, _SHARED = Kind.DATE, Kind.INT, Authority.SHARED

# In the order of ``PegawaiRecord``: merges, audits and the edit form follow it.
FIELDS: tuple[Field, ...] = (
    Field("nip", authority=None),
    Field("pns_id"),
    Field("nama"),
    Field("gelar_depan"),
    Field("gelar_belakang"),
    Field("tempat_lahir"),
    Field("tanggal_lahir", _DATE),
    Field("jenis_kelamin"),
    Field("jenis_pegawai"),
    Field("kedudukan_hukum"),
    Field("kedudukan_hukum_id", authority=None, stored=False),
    Field("instansi_kerja_id"),
    Field("instansi_kerja_nama"),
    Field("tmt_cpns", _DATE),
    Field("tgl_meninggal", _DATE),
    Field("tmt_pensiun", _DATE),
    _post("unor_id", max_length=UNOR_ID_MAX, required=True),
    Field("unor_nama", authority=None),  # follows unor_id
    _post("jenis_jabatan_id", _INT, choices=JENIS_JABATAN),
    _post("jabatan", max_length=TEXT_MAX, required=True),
    _post("eselon_id", _INT, choices=ESELON),
    _post("tmt_jabatan", _DATE),
    _rank("golongan", max_length=GOLONGAN_MAX, required=True),
    _rank("tmt_golongan", _DATE),
    Field("email", authority=_SHARED, max_length=EMAIL_MAX),
    Field("no_hp", authority=_SHARED, max_length=NO_HP_MAX),
    Field("catatan", authority=Authority.LOCAL, max_length=TEXT_MAX, wire=False),
)

FIELD: Mapping[str, Field] = MappingProxyType({f.name: f for f in FIELDS})


def names(kind: Kind) -> frozenset[str]:
    """The names of the fields of one kind."""
    return frozenset(f.name for f in FIELDS if f.kind is kind)


def kind_of(name: str) -> Kind:
    """The kind of field ``name`` (text for a name the table does not hold)."""
    found = FIELD.get(name)
    return found.kind if found else Kind.TEXT
