"""A row SIASN holds for an evaluation's period with other ratings: a push must not add a second.

``mappings.skp_siasn.find_remote`` finds the row that records the same rating (adopted); this
finds one for the same period whatever its ratings, which the push reports instead of posting.
"""

from __future__ import annotations

from collections.abc import Iterable

from connectors.siasn.models import RwKinerjaPeriodik, RwSkp22
from mappings.skp import EvaluasiRecord


def held_for_period(
    evaluasi: EvaluasiRecord, rows: Iterable[RwSkp22 | RwKinerjaPeriodik]
) -> RwSkp22 | RwKinerjaPeriodik | None:
    """The SIASN row covering the evaluation's year (annual) or months (periodic), if any."""
    annual = evaluasi.jenis_periode == "TAHUNAN"
    for row in rows:
        if row.tahun != evaluasi.periode_mulai.year:
            continue
        if isinstance(row, RwSkp22):
            if annual:
                return row
        elif not annual and (row.bulan_mulai_penilaian, row.bulan_selesai_penilaian) == (
            evaluasi.periode_mulai.month,
            evaluasi.periode_selesai.month,
        ):
            return row
    return None
