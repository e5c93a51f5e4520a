"""Data is text: the console's exports and NIK masking, on the one helper per surface.

Cells and NIK masking come from ``sync.konflik.export`` (shared with the CLI and the HTTP API):
a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an apostrophe
so a spreadsheet never runs it; a NIK keeps only its first four and last two digits. This
module adds the byte forms the pages download: CSV with a BOM and XLSX through openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook

from sync.konflik.export import mask_nik, safe_cell, to_csv

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


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV with a BOM (so spreadsheet programs read it as UTF-8) of neutralised cells."""
    records = (dict(zip(header, row, strict=True)) for row in rows)
    return b"\xef\xbb\xbf" + to_csv(records, header).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet whose cells are neutralised as in CSV."""
    book = Workbook()
    sheet = book.active
    if sheet is None:
        raise RuntimeError("openpyxl made a workbook without a sheet")
    sheet.title = title[:31]
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
