"""Open a recap file of either kind, bounded: XLSX by its zip signature, anything else as CSV.

Only a regular file is read (a device such as ``/dev/zero``, a FIFO or a directory is refused
before a byte is read: the file is opened without blocking and checked on the open descriptor),
at most ``MAX_BYTES`` large and ``MAX_ROWS`` rows long. ``open_recap`` checks all of that, the
encoding or the archive, and the header before it hands over the rows, one at a time, so a refused
file is refused before anything is written and memory does not follow the file's size.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from connectors.pmm.recap import RecapFileError, RecapImport, RowOutcome, outcomes
from connectors.pmm.recap_csv import csv_layout, csv_rows
from connectors.pmm.recap_xlsx import open_book, xlsx_rows
from connectors.pmm.xlsx_guard import check_archive

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000  # a province's recap is about 100,000 rows
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass
class RecapStream:
    """A recap file being read: its format, about how many rows, and each row's outcome."""

    path: str
    format: str
    total: int
    rows: Iterator[RowOutcome]


@contextmanager
def open_recap(path: Path) -> Iterator[RecapStream]:
    """The checked recap at ``path``; ``RecapFileError`` refuses the whole file."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise RecapFileError("unreadable", path=name, detail=exc.strerror or "") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise RecapFileError("not_regular", path=name)
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > MAX_BYTES:
            raise RecapFileError("too_large", path=name, limit=MAX_BYTES // (1024 * 1024))
        head = handle.read(8)
        if head.startswith(OLE_MAGIC):
            raise RecapFileError("old_xls", path=name)
        if head.startswith(ZIP_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
            scan = check_archive(handle, name, MAX_ROWS)
            book, headers = open_book(handle, name)
            try:
                yield RecapStream(name, "xlsx", scan.rows, outcomes(xlsx_rows(book, headers, name)))
            finally:
                book.close()
            return
        handle.seek(0)
        layout = csv_layout(handle, name, MAX_ROWS)
        yield RecapStream(
            name, "csv", max(layout.lines - layout.header_line, 0), outcomes(csv_rows(handle, layout, name))
        )


def read_recap(path: Path) -> RecapImport:
    """Every row's outcome of the recap at ``path``, in memory (for small files and tests)."""
    with open_recap(path) as stream:
        return RecapImport(stream.path, stream.format, list(stream.rows))
