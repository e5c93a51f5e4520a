"""The PMM recap CSV: UTF-8 with or without BOM, semicolons or commas (sniffed), one header row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from connectors.pmm.recap import RecapFileError, RecapImport, check_columns, field_of, outcomes

MAX_BYTES = 50 * 1024 * 1024


class _Semicolon(csv.excel):
    delimiter = ";"


class _Comma(csv.excel):
    delimiter = ","


def read_csv(path: Path) -> RecapImport:
    """Every row's outcome; the whole file is refused (``RecapFileError``) when unreadable."""
    text = _decode(path)
    rows, header_at = _rows_with_header(text, path)
    columns = [field_of(cell) for cell in rows[header_at]]
    check_columns(columns, str(path))
    data = ((header_at + 2 + i, {c: row[j] if j < len(row) else None
                                 for j, c in enumerate(columns) if c})
            for i, row in enumerate(rows[header_at + 1:]))
    default = None if "status" in columns else "DINILAI"
    return RecapImport(str(path), "csv", outcomes(data, default_status=default))


def _rows_with_header(text: str, path: Path) -> tuple[list[list[str]], int]:
    """The rows split by the sniffed delimiter, else the first of ; , tab that shows a header."""
    try:
        sniffed: list[type[csv.Dialect] | csv.Dialect] = [
            csv.Sniffer().sniff(text[:8192], delimiters=";,\t")]
    except csv.Error:
        sniffed = []
    for dialect in [*sniffed, _Semicolon, _Comma, csv.excel_tab]:
        try:
            rows = list(csv.reader(io.StringIO(text), dialect))
        except csv.Error as exc:
            raise RecapFileError("bad_format", path=str(path), detail=str(exc)) from exc
        header_at = next((i for i, row in enumerate(rows[:20])
                          if any(field_of(cell) == "nip" for cell in row)), None)
        if header_at is not None:
            return rows, header_at
    raise RecapFileError("no_header", path=str(path))


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecapFileError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if len(raw) > MAX_BYTES:
        raise RecapFileError("bad_format", path=str(path), detail=f"larger than {MAX_BYTES} bytes")
    if b"\x00" in raw[:4096]:
        raise RecapFileError("bad_format", path=str(path), detail="binary content (NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")  # Excel on Windows saves "CSV" in the ANSI code page
        except UnicodeDecodeError as exc:
            raise RecapFileError("bad_format", path=str(path),
                                 detail=f"not UTF-8 text (byte {exc.start})") from exc
