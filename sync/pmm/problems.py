"""The feed's per-teacher problems: recorded while they hold, resolved when they stop holding.

A problem is one broken data-quality rule (``mappings.skp_rules``) for one teacher, period and
source; it stays open across runs (first and last seen) and is resolved when a later read of the
same teacher and period no longer breaks it. A read that spans many entries of one teacher and
period (a recap file: accepted and refused rows) is a ``Read``: nothing is resolved until it is
complete, then what it judged and none of its entries found (``close_read``).
``problems_by_school`` is the admin console's list of teachers whose results did not flow, with
the reason, by school.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from mappings.messages import t
from mappings.skp_rules import Finding
from store.models_skp import PmmProblem
from sync import clock


def _table() -> Table:
    table = PmmProblem.__table__
    if not isinstance(table, Table):
        raise TypeError("PmmProblem is not mapped to a table")
    return table


PROBLEM = _table()
Rules = frozenset[str] | None  # the rules a check judged (None: every rule)


@dataclass(frozen=True, slots=True)
class Subject:
    """Whose result a finding is about (the NIP as the source gave it, maybe mangled)."""

    nip: str
    periode: str = ""
    nama: str | None = None
    nuptk: str | None = None
    npsn: str | None = None
    sekolah: str | None = None
    source_id: str | None = None


@dataclass
class Read:
    """One read of many entries (a recap file), by run: the rules it judged per teacher and period."""

    run_id: str
    judged: dict[tuple[str, str], Rules] = field(default_factory=dict)

    def judge(self, subject: Subject, rules: Rules) -> None:
        """Note that this read checked ``subject`` for ``rules``."""
        key = (subject.nip[:40], subject.periode)
        if key not in self.judged:
            self.judged[key] = rules
        elif (before := self.judged[key]) is not None:
            self.judged[key] = None if rules is None else before | rules


def record_findings(
    session: Session,
    source: str,
    subject: Subject,
    findings: list[Finding],
    *,
    now: datetime,
    run_id: str | None,
) -> None:
    """Open (or refresh) a problem per finding; resolve this subject's others that stopped."""
    record_many(session, source, [(subject, findings)], now=now, run_id=run_id)


def record_many(
    session: Session,
    source: str,
    entries: list[tuple[Subject, list[Finding]]],
    *,
    now: datetime,
    run_id: str | None,
    read: Read | None = None,
    judged: Rules = None,
) -> None:
    """``record_findings`` for each entry in order: one query, then bulk updates and inserts.

    Within a ``read`` nothing is resolved yet (``close_read`` does once it is complete); the
    entries were checked for the rules ``judged``.
    """
    if not entries:
        return
    session.flush()
    open_rows = _open_rows(session, source, sorted({s.nip[:40] for s, _ in entries}))
    touched: dict[int, dict[str, Any]] = {}
    fresh: list[dict[str, Any]] = []
    resolved: list[dict[str, Any]] = []
    for subject, findings in entries:
        rows = open_rows.setdefault((subject.nip[:40], subject.periode), {})
        for found in findings:
            row = rows.get(found.rule)
            if row is None:
                row = rows[found.rule] = {
                    "source": source,
                    "nip": subject.nip[:40],
                    "rule": found.rule,
                    "periode": subject.periode,
                    "status": "open",
                    "first_seen_at": now,
                    "resolved_at": None,
                }
                fresh.append(row)
            elif "b_id" in row:
                touched[row["b_id"]] = row
            row.update(_values(subject, found, now, run_id))
        if read is not None:
            read.judge(subject, judged)
            continue
        current = {f.rule for f in findings}
        for rule in [r for r in rows if r not in current and (judged is None or r in judged)]:
            resolved.append(_resolve(rows.pop(rule), now, run_id))
    _write_problems(session, list(touched.values()), [r for r in resolved if "b_id" in r], fresh)


def close_read(session: Session, source: str, read: Read, *, now: datetime) -> None:
    """Resolve the open problems a complete read judged and none of its entries found."""
    session.flush()
    nips = sorted({nip for nip, _ in read.judged})
    for start in range(0, len(nips), _NIPS_PER_QUERY):
        stale = []
        for key, rows in _open_rows(session, source, nips[start : start + _NIPS_PER_QUERY]).items():
            judged = read.judged.get(key, frozenset())
            stale += [
                _resolve(row, now, read.run_id)
                for rule, row in rows.items()
                if row["run_id"] != read.run_id and (judged is None or rule in judged)
            ]
        _write_problems(session, [], stale, [])


_NIPS_PER_QUERY = 1000


def _resolve(row: dict[str, Any], now: datetime, run_id: str | None) -> dict[str, Any]:
    row.update(status="resolved", resolved_at=now, run_id=run_id)
    return row


def _open_rows(
    session: Session, source: str, nips: list[str]
) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """The open problems of these NIPs: (nip, period) -> rule -> id and the run that saw it."""
    open_rows: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row_id, nip, periode, rule, run_id in session.execute(
        select(PROBLEM.c.id, PROBLEM.c.nip, PROBLEM.c.periode, PROBLEM.c.rule, PROBLEM.c.run_id).where(
            PROBLEM.c.source == source, PROBLEM.c.nip.in_(nips), PROBLEM.c.status == "open"
        )
    ):
        open_rows.setdefault((nip, periode), {})[rule] = {"b_id": row_id, "run_id": run_id}
    return open_rows


def _values(subject: Subject, found: Finding, now: datetime, run_id: str | None) -> dict[str, Any]:
    return {
        "nuptk": subject.nuptk,
        "nama": subject.nama,
        "npsn": subject.npsn,
        "satuan_pendidikan": subject.sekolah,
        "source_id": subject.source_id,
        "reason": found.reason(),
        "fix": found.fix(),
        "who": found.who_label(),
        "last_seen_at": now,
        "run_id": run_id,
    }


_REFRESHED = (
    "nuptk",
    "nama",
    "npsn",
    "satuan_pendidikan",
    "source_id",
    "reason",
    "fix",
    "who",
    "last_seen_at",
    "run_id",
)


def _write_problems(
    session: Session,
    touched: list[dict[str, Any]],
    resolved: list[dict[str, Any]],
    fresh: list[dict[str, Any]],
) -> None:
    """Refreshes and resolutions before the inserts (a resolved rule may open again)."""
    if touched:
        session.execute(
            update(PROBLEM)
            .where(PROBLEM.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in _REFRESHED}),
            [{k: row[k] for k in ("b_id", *_REFRESHED)} for row in touched],
        )
    if resolved:
        session.execute(
            update(PROBLEM)
            .where(PROBLEM.c.id == bindparam("b_id"))
            .values(status="resolved", resolved_at=bindparam("resolved_at"), run_id=bindparam("run_id")),
            [{"b_id": r["b_id"], "resolved_at": r["resolved_at"], "run_id": r["run_id"]} for r in resolved],
        )
    if fresh:
        session.execute(insert(PROBLEM), fresh)
    session.expire_all()  # problems loaded as objects earlier in this session are stale now


def open_problems(
    session: Session, *, nip: str | None = None, periode: str | None = None
) -> list[PmmProblem]:
    """Open problems, of one teacher (and period) when given, by school then NIP."""
    query = select(PmmProblem).where(PmmProblem.status == "open")
    if nip is not None:
        query = query.where(PmmProblem.nip == nip)
    if periode is not None:
        query = query.where(PmmProblem.periode == periode)
    return list(
        session.scalars(query.order_by(PmmProblem.npsn, PmmProblem.nip, PmmProblem.periode, PmmProblem.rule))
    )


def problem_view(row: PmmProblem) -> dict[str, Any]:
    """One problem as JSON: who, where, which rule, why, the fix and who must make it."""
    return {
        "nip": row.nip,
        "nama": row.nama,
        "nuptk": row.nuptk,
        "npsn": row.npsn,
        "satuan_pendidikan": row.satuan_pendidikan,
        "periode": row.periode,
        "sumber": row.source,
        "aturan": row.rule,
        "alasan": row.reason,
        "perbaikan": row.fix,
        "oleh": row.who,
        "sejak": clock.iso(row.first_seen_at),
    }


def problems_by_school(session: Session, allowed: set[str] | None = None) -> list[dict[str, Any]]:
    """Teachers whose results did not flow, with the reasons, grouped by school.

    ``allowed`` limits the list to those NIPs (an operator's work area); None means everyone.
    """
    schools: dict[tuple[str, str], dict[str, Any]] = {}
    for row in open_problems(session):
        if allowed is not None and row.nip not in allowed:
            continue
        key = (row.npsn or "", row.satuan_pendidikan or t("skp.no_school"))
        school = schools.setdefault(key, {"npsn": row.npsn, "satuan_pendidikan": key[1], "guru": {}})
        guru = school["guru"].setdefault(row.nip, {"nip": row.nip, "nama": row.nama, "masalah": []})
        guru["masalah"].append(problem_view(row))
    return [
        {**s, "guru": list(s["guru"].values()), "jumlah_guru": len(s["guru"])}
        for _, s in sorted(schools.items())
    ]
