"""Data is text: the console's exports and NIK masking, on the one helper per surface.

Cells and NIK masking come from ``sync.konflik.export`` (shared with the CLI and the HTTP API):
a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an apostrophe
so a spreadsheet never runs it, control characters are written as escapes; a NIK keeps only its
first four and last two digits. This module adds the byte forms the pages download: CSV with a
BOM (instants ISO 8601 with offset) and XLSX (:mod:`service.console.spreadsheet`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from service.console.spreadsheet import xlsx_bytes
from sync import clock
from sync.konflik.export import Column, mask_nik, safe_cell, to_csv

NIK_KEYS = frozenset({"nik", "NIK", "Nik"})

__all__ = ["cell", "csv_bytes", "mask_nik", "mask_record", "shown", "xlsx_bytes"]


def shown(value: Any, field: str | None = None) -> Any:
    """A value as a page shows it: '-' for none, a NIK (by field name or nested) masked."""
    if value is None:
        return "-"
    if field in NIK_KEYS:
        return mask_nik(str(value))
    if isinstance(value, Mapping):
        return mask_record(value)
    return value


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` (nested too) with every NIK field masked."""
    return {key: _masked(key, value) for key, value in record.items()}


def _masked(key: str, value: Any) -> Any:
    if key in NIK_KEYS:
        return mask_nik(None if value is None else str(value))
    if isinstance(value, Mapping):
        return mask_record(value)
    return value


def cell(value: Any) -> Any:
    """An XLSX cell: numbers stay numbers, everything else is a neutralised text cell."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]], tz: tzinfo) -> bytes:
    """A UTF-8 CSV with a BOM (so spreadsheet programs read it as UTF-8) of neutralised cells,
    headed by the columns' keys; instants are ISO 8601 with the offset of ``tz``."""
    keys = [column.key for column in columns]
    records = (
        {
            c.key: _instant(value, tz) if c.kind == "time" else value
            for c, value in zip(columns, row, strict=True)
        }
        for row in rows
    )
    return b"\xef\xbb\xbf" + to_csv(records, keys, tz).encode("utf-8")


def _instant(value: Any, tz: tzinfo) -> Any:
    """An instant (or its ISO text) in ``tz``; anything else is left to be shown as text."""
    try:
        return clock.iso(value, tz) if isinstance(value, str | datetime) else value
    except ValueError:
        return value
