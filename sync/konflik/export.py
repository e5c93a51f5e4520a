"""Writing lists out as CSV: every cell is text, formula-looking cells are neutralised."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A value as a spreadsheet cell that can never run as a formula (prefixed with ')."""
    if value is None:
        return ""
    text = (
        value
        if isinstance(value, str)
        else (json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value))
    )
    return "'" + text if text.startswith(FORMULA_START) else text


def mask_nik(nik: str | None) -> str:
    """A NIK with all but its first four and last two digits hidden."""
    if not nik:
        return ""
    return nik[:4] + "*" * max(0, len(nik) - 6) + nik[-2:] if len(nik) > 6 else "*" * len(nik)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as CSV text with a header, cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return buffer.getvalue()
