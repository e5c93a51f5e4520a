"""The SKP section of the pegawai profile page: every SKP of the employee and open PMM problems.

Reads ``sync.skp.view`` (the same view ``GET /api/v1/pegawai/{nip}/skp`` answers with); the
profile route has already checked that the viewer may read this employee. Rating and predikat
codes get their labels (``mappings.predikat``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from mappings.predikat import PREDIKAT, RATING
from mappings.skp_rules import NON_BLOCKING
from sync.skp.view import problems_of, skp_of


def skp_section(session: Session, nip: str) -> dict[str, Any]:
    """The employee's SKP (newest period first, codes labelled) and open feed problems: those
    that hold the SKP back apart from notes about a file (a duplicate row holds nothing)."""
    plans = skp_of(session, nip)
    for plan in plans:
        for evaluasi in plan["evaluasi"]:
            evaluasi["hasil_label"] = RATING.get(evaluasi["rating_hasil_kerja"] or 0)
            evaluasi["perilaku_label"] = RATING.get(evaluasi["rating_perilaku_kerja"] or 0)
            evaluasi["predikat_label"] = PREDIKAT.get(evaluasi["predikat"] or 0)
    problems = problems_of(session, nip)
    return {
        "skp": plans,
        "skp_masalah": [p for p in problems if p["aturan"] not in NON_BLOCKING],
        "skp_catatan": [p for p in problems if p["aturan"] in NON_BLOCKING],
    }
