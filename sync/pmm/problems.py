"""The feed's per-teacher problems: recorded while they hold, resolved when they stop holding.

A problem is one broken data-quality rule (``mappings.skp_rules``) for one teacher, period and
source; it stays open across runs (first and last seen) and is resolved when a later read of the
same teacher and period no longer breaks it. ``problems_by_school`` is the admin console's list
of teachers whose results did not flow, with the reason, by school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.skp_rules import Finding
from store.models_skp import PmmProblem


@dataclass(frozen=True)
class Subject:
    """Whose result a finding is about (the NIP as the source gave it, maybe mangled)."""

    nip: str
    periode: str = ""
    nama: str | None = None
    nuptk: str | None = None
    npsn: str | None = None
    sekolah: str | None = None
    source_id: str | None = None


def record_findings(session: Session, source: str, subject: Subject, findings: list[Finding],
                    *, now: datetime, run_id: str | None) -> None:
    """Open (or refresh) a problem per finding; resolve this subject's others that stopped."""
    current = {f.rule for f in findings}
    for finding in findings:
        _upsert(session, source, subject, finding, now=now, run_id=run_id)
    stale = [PmmProblem.source == source, PmmProblem.nip == subject.nip[:40],
             PmmProblem.periode == subject.periode, PmmProblem.status == "open"]
    if current:
        stale.append(PmmProblem.rule.not_in(current))
    session.execute(update(PmmProblem).where(*stale).values(
        status="resolved", resolved_at=now, run_id=run_id))


def _upsert(session: Session, source: str, subject: Subject, finding: Finding, *,
            now: datetime, run_id: str | None) -> None:
    row = session.scalar(select(PmmProblem).where(
        PmmProblem.source == source, PmmProblem.nip == subject.nip[:40],
        PmmProblem.rule == finding.rule, PmmProblem.periode == subject.periode,
        PmmProblem.status == "open"))
    if row is None:
        row = PmmProblem(source=source, nip=subject.nip[:40], rule=finding.rule,
                         periode=subject.periode, status="open", first_seen_at=now)
        session.add(row)
    row.nuptk, row.nama, row.npsn = subject.nuptk, subject.nama, subject.npsn
    row.satuan_pendidikan, row.source_id = subject.sekolah, subject.source_id
    row.reason, row.fix, row.who = finding.reason(), finding.fix(), finding.who_label()
    row.last_seen_at, row.run_id = now, run_id
    session.flush()


def open_problems(session: Session, *, nip: str | None = None, periode: str | None = None
                  ) -> list[PmmProblem]:
    """Open problems, of one teacher (and period) when given, by school then NIP."""
    query = select(PmmProblem).where(PmmProblem.status == "open")
    if nip is not None:
        query = query.where(PmmProblem.nip == nip)
    if periode is not None:
        query = query.where(PmmProblem.periode == periode)
    return list(session.scalars(query.order_by(PmmProblem.npsn, PmmProblem.nip,
                                               PmmProblem.periode, PmmProblem.rule)))


def problem_view(row: PmmProblem) -> dict[str, Any]:
    """One problem as JSON: who, where, which rule, why, the fix and who must make it."""
    return {"nip": row.nip, "nama": row.nama, "nuptk": row.nuptk, "npsn": row.npsn,
            "satuan_pendidikan": row.satuan_pendidikan, "periode": row.periode,
            "sumber": row.source, "aturan": row.rule, "alasan": row.reason,
            "perbaikan": row.fix, "oleh": row.who,
            "sejak": row.first_seen_at.isoformat() if row.first_seen_at else None}


def problems_by_school(session: Session, allowed: set[str] | None = None
                       ) -> list[dict[str, Any]]:
    """Teachers whose results did not flow, with the reasons, grouped by school.

    ``allowed`` limits the list to those NIPs (an operator's work area); None means everyone.
    """
    schools: dict[tuple[str, str], dict[str, Any]] = {}
    for row in open_problems(session):
        if allowed is not None and row.nip not in allowed:
            continue
        key = (row.npsn or "", row.satuan_pendidikan or t("skp.no_school"))
        school = schools.setdefault(key, {"npsn": row.npsn, "satuan_pendidikan": key[1],
                                          "guru": {}})
        guru = school["guru"].setdefault(row.nip, {"nip": row.nip, "nama": row.nama,
                                                   "masalah": []})
        guru["masalah"].append(problem_view(row))
    return [{**s, "guru": list(s["guru"].values()), "jumlah_guru": len(s["guru"])}
            for _, s in sorted(schools.items())]
