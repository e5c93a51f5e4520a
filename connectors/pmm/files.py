"""Read a recap file of either kind: XLSX by its zip signature, anything else as CSV."""

from __future__ import annotations

from pathlib import Path

from connectors.pmm.recap import RecapFileError, RecapImport
from connectors.pmm.recap_csv import MAX_BYTES, read_csv
from connectors.pmm.recap_xlsx import read_xlsx

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def read_recap(path: Path) -> RecapImport:
    """Every row's outcome of the recap at ``path``; ``RecapFileError`` refuses the whole file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        size = path.stat().st_size
    except OSError as exc:
        raise RecapFileError("unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    if size > MAX_BYTES:
        raise RecapFileError("bad_format", path=str(path), detail=f"larger than {MAX_BYTES} bytes")
    if head.startswith(OLE_MAGIC):
        raise RecapFileError("bad_format", path=str(path),
                             detail="old binary .xls; save it as .xlsx or CSV first")
    if head.startswith(ZIP_MAGIC) or path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return read_csv(path)
