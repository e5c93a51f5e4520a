"""The field table (``sync.fields``) against every other declaration of an employee field.

A field is declared once in ``FIELDS``; what the table cannot derive is held here: the wire model
(``PegawaiRecord`` and its data-utama mapping), the store column (``store.models.Pegawai``), the
edit limits (``mappings.limits.PegawaiChanges``) and the label in the message catalogue. A field
missing from one side fails with its name.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Container
from dataclasses import fields
from datetime import date
from typing import Any

from annotated_types import MaxLen
from pydantic import StringConstraints
from sqlalchemy import Date, Integer, String, Text

from mappings.limits import PegawaiChanges
from mappings.messages import CATALOGS
from mappings.pegawai import PegawaiRecord, map_data_utama
from store.models import Pegawai
from sync.authority import DECIDED_TOGETHER, EDITABLE_FIELDS, FIELD_AUTHORITY, label
from sync.fields import FIELD, FIELDS, Authority, Kind
from sync.profile import RemoteProfile
from sync.values import VIEW_KEYS, pegawai_view

_KIND_OF_TYPE = {str: Kind.TEXT, date: Kind.DATE, int: Kind.INT}
_COLUMN_KIND = {Date: Kind.DATE, Integer: Kind.INT, String: Kind.TEXT, Text: Kind.TEXT}


def _wire() -> list[str]:
    return [f.name for f in FIELDS if f.wire]


def _missing(wanted: list[str], present: Container[str]) -> list[str]:
    return [name for name in wanted if name not in present]


def test_names_are_unique() -> None:
    """No field is declared twice."""
    names = [f.name for f in FIELDS]
    assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


def test_wire_model_has_every_wire_field_in_table_order() -> None:
    """``PegawaiRecord`` and the table list the same SIASN fields, in the same order."""
    record = [f.name for f in fields(PegawaiRecord)]
    assert not _missing(_wire(), record), f"not in PegawaiRecord: {_missing(_wire(), record)}"
    assert not _missing(record, _wire()), f"not in sync.fields.FIELDS: {_missing(record, _wire())}"
    assert record == _wire()


def test_wire_types_match_kinds() -> None:
    """A date field is a ``date`` on the wire model, a number an ``int``, text a ``str``."""
    hints = typing.get_type_hints(PegawaiRecord)
    wrong = []
    for name in (n for n in _wire() if n in hints):  # a missing one fails the test above
        base = next(a for a in typing.get_args(hints[name]) or (hints[name],) if a is not type(None))
        if _KIND_OF_TYPE.get(base) is not FIELD[name].kind:
            wrong.append(f"{name}: {base} is not {FIELD[name].kind}")
    assert not wrong, wrong


def test_data_utama_mapping_sets_every_wire_field() -> None:
    """``map_data_utama`` names every wire field (one left out would arrive as an empty value)."""
    source = inspect.getsource(map_data_utama)
    keywords = set(re.findall(r"^\s+(\w+)=", source, re.MULTILINE))
    assert not _missing(_wire(), keywords), f"not mapped from data-utama: {_missing(_wire(), keywords)}"


def test_every_stored_field_is_a_column_of_its_kind() -> None:
    """Each stored field is a ``pegawai`` column whose type matches the field's kind."""
    columns = Pegawai.__table__.columns
    stored = [f.name for f in FIELDS if f.stored]
    assert not _missing(stored, columns.keys()), f"no pegawai column: {_missing(stored, columns.keys())}"
    wrong = [
        f"{name}: {columns[name].type!r} is not {FIELD[name].kind}"
        for name in stored
        if _COLUMN_KIND.get(type(columns[name].type)) is not FIELD[name].kind
    ]
    assert not wrong, wrong


def test_every_field_has_a_catalogue_label_and_every_label_a_field() -> None:
    """Each field's label key is in the catalogue, and no ``field.*`` label outlives its field."""
    catalogue = CATALOGS["id"]
    unlabelled = [f.name for f in FIELDS if f.label_key not in catalogue]
    assert not unlabelled, f"no label in mappings/messages/fields.py: {unlabelled}"
    stale = [key for key in catalogue if key.startswith("field.") and key.removeprefix("field.") not in FIELD]
    assert not stale, f"label of no field: {stale}"
    assert label("tmt_golongan", title=True) == "TMT golongan"


def _max_length(annotation: Any) -> int | None:
    """The ``max_length`` an (optional, annotated) pydantic type declares."""
    for arg in typing.get_args(annotation):
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, StringConstraints | MaxLen):
                return meta.max_length
    return None


def test_edit_limits_cover_the_editable_fields() -> None:
    """``PegawaiChanges`` takes exactly the editable fields, each text within the table's limit."""
    model = list(PegawaiChanges.model_fields)
    assert not _missing(list(EDITABLE_FIELDS), model), (
        f"no edit limit: {_missing(list(EDITABLE_FIELDS), model)}"
    )
    assert model == list(EDITABLE_FIELDS)
    wrong = [
        f"{name}: {_max_length(PegawaiChanges.model_fields[name].annotation)} != {FIELD[name].max_length}"
        for name in EDITABLE_FIELDS
        if FIELD[name].kind is Kind.TEXT
        and _max_length(PegawaiChanges.model_fields[name].annotation) != FIELD[name].max_length
    ]
    assert not wrong, wrong
    assert all(FIELD[name].max_length for name in EDITABLE_FIELDS if FIELD[name].kind is Kind.TEXT)


def test_limits_fit_the_kind_and_owner() -> None:
    """Only text has a length, only numbers have choices, and only editable fields have either."""
    wrong = [
        f.name
        for f in FIELDS
        if (f.max_length is not None and f.kind is not Kind.TEXT)
        or (f.choices is not None and f.kind is not Kind.INT)
        or ((f.max_length or f.choices or f.required) and f.name not in EDITABLE_FIELDS)
    ]
    assert not wrong, wrong


def test_groups_have_one_evidence_each_from_the_profile() -> None:
    """Fields decided together are shared and explained by one SK that a fetched profile holds."""
    profile = {f.name for f in fields(RemoteProfile)}
    for group in DECIDED_TOGETHER:
        evidence = {FIELD[name].evidence for name in group}
        assert len(evidence) == 1 and None not in evidence, (group, evidence)
        assert all(e is not None and e.value in profile for e in evidence), (group, evidence)
        assert all(FIELD_AUTHORITY[name] is Authority.SHARED for name in group)


def test_view_keys_are_columns_or_computed() -> None:
    """Every key of the API view is a ``pegawai`` column or one of the three computed values."""
    columns = Pegawai.__table__.columns
    computed = {"jenis_jabatan", "eselon", "last_synced_at"}
    assert not [k for k in VIEW_KEYS if k not in columns and k not in computed]
    person = Pegawai(nip="1" * 18, tmt_golongan=date(2020, 1, 1), aktif=True, siasn_status="ada")
    assert pegawai_view(person)["tmt_golongan"] == "2020-01-01"
