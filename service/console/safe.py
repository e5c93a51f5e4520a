"""Data is text: the one helper per surface for exports (CSV, XLSX) and for NIK masking.

A value from SIASN, a file or a person that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return would run as a formula when a spreadsheet opens the export; ``cell`` prefixes it
with an apostrophe so it stays text. NIK (the 16-digit population number) is never shown whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NIK_KEYS = frozenset({"nik", "NIK", "Nik"})


def mask_nik(value: Any) -> str | None:
    """``3201234567890123`` -> ``3201********0123``: enough to recognise, not to reuse."""
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` (nested too) with every NIK field masked."""
    return {key: _masked(key, value) for key, value in record.items()}


def _masked(key: str, value: Any) -> Any:
    if key in NIK_KEYS:
        return mask_nik(value)
    if isinstance(value, Mapping):
        return mask_record(value)
    return value


def cell(value: Any) -> Any:
    """An export cell: numbers stay numbers, text that would be a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV (with BOM, so spreadsheet programs read it as UTF-8) of safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook of one sheet with safe cells, every text cell stored as a string."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    for column in sheet.iter_cols(min_row=2):
        for item in column:
            if isinstance(item.value, str):
                item.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
