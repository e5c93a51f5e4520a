"""Writing lists out: every cell is inert text, formula-looking cells are neutralised, times are
ISO 8601 with the display timezone's offset.

A value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets an apostrophe
so a spreadsheet never runs it; control, bidi and surrogate characters (a SIASN name with an
ESC) are written as visible escapes (:func:`mappings.text.inert`), so no cell can break a file
or a reader. :class:`Column` describes a column once for both file forms: its key (the CSV
header, stable for scripts), the catalogue key of its label (the XLSX header) and its kind.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

from mappings.text import inert
from sync import clock

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Kind = Literal["text", "id", "number", "time", "date"]


@dataclass(frozen=True)
class Column:
    """One exported column: ``key`` heads the CSV, ``label`` (a catalogue key) the XLSX.

    ``kind``: ``id`` is text that looks like a number (NIP, NPSN) and must stay text;
    ``time`` an instant (a date cell in the display timezone); ``date`` a calendar day.
    """

    key: str
    label: str
    kind: Kind = "text"


def safe_cell(value: Any, tz: tzinfo = UTC) -> str:
    """A value as a text cell that never runs as a formula nor carries a control character."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.iso(value, tz) or ""
    if isinstance(value, date):
        return value.isoformat()
    text = (
        value
        if isinstance(value, str)
        else (json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value))
    )
    return inert("'" + text if text.startswith(FORMULA_START) else text)


def mask_nik(nik: str | None) -> str:
    """A NIK with all but its first four and last two digits hidden."""
    if not nik:
        return ""
    return nik[:4] + "*" * max(0, len(nik) - 6) + nik[-2:] if len(nik) > 6 else "*" * len(nik)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], tz: tzinfo = UTC) -> str:
    """``rows`` as CSV text with a header, cells neutralised, instants ISO 8601 in ``tz``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column), tz) for column in columns])
    return buffer.getvalue()
