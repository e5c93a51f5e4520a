"""A generated store for console tests and the console page-load benchmark, written in bulk.

A province with a unit tree (dinas, bidang with a "Bidang Pembinaan" in several dinas, seksi and
schools), ``employees`` employees spread over the leaves (each with the SIASN base of their unit,
so operators have an area), open unit conflicts, 30 nights (the newest ones with every employee's
run item and a few changes in the audit log), a held night with its stored plan, and PMM feeds.
Deterministic for a seed; everything goes through the store's own tables, no network.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.models import (
    AuditEntry,
    Conflict,
    FieldState,
    Pegawai,
    RunChange,
    RunItem,
    SyncRun,
    Unit,
)
from sync.runs import RunStatus

DINAS = (
    "Dinas Pendidikan",
    "Dinas Kesehatan",
    "Dinas Perhubungan",
    "Dinas Sosial",
    "Badan Kepegawaian Daerah",
    "Dinas Pertanian",
    "Dinas Pekerjaan Umum",
    "Dinas Kependudukan",
    "Inspektorat",
    "Dinas Pariwisata",
)
BIDANG = ("Sekretariat", "Bidang Pembinaan", "Bidang Pelayanan", "Bidang Perencanaan")
FIRST = ("Siti", "Budi", "Agus", "Dewi", "Rina", "Ahmad", "Sri", "Joko", "Nur", "Hendra")
LAST = ("Rahayu", "Santoso", "Wibowo", "Lestari", "Hidayat", "Saputra", "Kurniawan", "Pratama")
START = datetime(2026, 11, 1, 18, 30, tzinfo=UTC)  # 01:30 WIB
CHANGED = ("updated", "conflict", "left", "failed", "stale")


@dataclass
class Generated:
    """What was generated: ids and NIPs a test or the benchmark needs to find things again."""

    root: str
    units: dict[str, str] = field(default_factory=dict)  # id -> name
    leaves: list[str] = field(default_factory=list)
    nips: list[str] = field(default_factory=list)
    unit_of: dict[str, str] = field(default_factory=dict)
    nights: list[str] = field(default_factory=list)
    held: str = ""
    conflicts: int = 0
    changed_last_night: int = 0


def _nip(i: int) -> str:
    """An 18-digit NIP shape (birth date, TMT, gender, sequence), unique for i < 300,000."""
    return (
        f"19{70 + (i // 12000) % 25:02d}{(i // 1000) % 12 + 1:02d}{i % 28 + 1:02d}"
        f"2005{i % 12 + 1:02d}{1 + i % 2}{i % 1000:03d}"
    )


def _units(gen: Generated, wanted: int, rows: list[dict[str, Any]]) -> None:
    def add(uid: str, name: str, parent: str | None) -> None:
        gen.units[uid] = name
        rows.append({"id": uid, "nama": name, "parent_id": parent, "aktif": True})

    add(gen.root, "Pemerintah Provinsi Contoh", None)
    per_bidang = max(1, (wanted - 1) // (len(DINAS) * len(BIDANG)) - 1)
    for d, dinas in enumerate(DINAS):
        did = f"D{d:02d}"
        add(did, dinas, gen.root)
        for b, bidang in enumerate(BIDANG):
            bid = f"{did}B{b}"
            add(bid, bidang, did)
            for s in range(per_bidang):
                name = f"SD Negeri {b * per_bidang + s + 1}" if d == 0 else f"Seksi {s + 1}"
                add(f"{bid}S{s:04d}", name, bid)
                gen.leaves.append(f"{bid}S{s:04d}")


def populate(
    sessions: sessionmaker[Session],
    *,
    employees: int = 3000,
    units: int = 250,
    seed: int = 1,
    nights: int = 30,
    itemised: int = 3,
) -> Generated:
    """Write the generated province into an empty, migrated store."""
    rng = random.Random(seed)
    gen = Generated(root="PROV")
    unit_rows: list[dict[str, Any]] = []
    _units(gen, units, unit_rows)
    people, states = [], []
    for i in range(employees):
        nip, unit = _nip(i), rng.choice(gen.leaves)
        gen.nips.append(nip)
        gen.unit_of[nip] = unit
        people.append(
            {
                "id": i + 1,
                "nip": nip,
                "nama": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                "unor_id": unit,
                "unor_nama": gen.units[unit],
                "jabatan": "Pelaksana",
                "aktif": i % 50 != 7,
                "siasn_status": "ada",
            }
        )
        states.append({"pegawai_id": i + 1, "field": "unor_id", "base_value": unit, "received_at": START})
    with transaction(sessions) as session:
        session.execute(insert(Unit), unit_rows)
        _chunks(session, Pegawai, people)
        _chunks(session, FieldState, states)
        _conflicts(session, gen, rng)
    _runs(sessions, gen, rng, nights, itemised)
    return gen


def _chunks(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 2000):
        session.execute(insert(table), rows[start : start + 2000])


def _conflicts(session: Session, gen: Generated, rng: random.Random) -> None:
    rows = []
    for i, index in enumerate(range(0, len(gen.nips), 40)):
        nip = gen.nips[index]
        local, remote = gen.unit_of[nip], rng.choice(gen.leaves)
        opened = START + timedelta(days=i % 20)
        rows.append(
            {
                "pegawai_id": index + 1,
                "field": "unor_id",
                "kind": "merge",
                "base_value": local,
                "local_value": local,
                "remote_value": remote,
                "status": "open",
                "explanation": "unit kerja berbeda antara lokal dan SIASN",
                "opened_at": opened,
                "updated_at": opened,
                "version": 1,
            }
        )
    _chunks(session, Conflict, rows)
    gen.conflicts = len(rows)


def _situation(i: int, last: bool) -> str:
    if last and i % 29 == 3:
        return CHANGED[i % len(CHANGED)]
    return "confirmed"


def _runs(
    sessions: sessionmaker[Session], gen: Generated, rng: random.Random, nights: int, itemised: int
) -> None:
    for n in range(nights):
        run_id = f"malam{n:03d}{rng.randrange(16**6):06x}"
        gen.nights.append(run_id)
        last = n >= nights - itemised
        situations = [_situation(i, last) for i in range(len(gen.nips))]
        counts = {s: situations.count(s) for s in set(situations)}
        started = START + timedelta(days=n)
        with transaction(sessions) as session:
            session.add(
                SyncRun(
                    id=run_id,
                    kind="reconcile",
                    status=RunStatus.COMPLETED,
                    phase="done",
                    dry_run=False,
                    counts=counts,
                    calls=len(gen.nips),
                    failed=0,
                    conflicts_opened=counts.get("conflict", 0),
                    started_at=started,
                    finished_at=started + timedelta(minutes=40),
                    duration_s=2400.0,
                )
            )
            session.flush()
            if last:
                _items(session, gen, run_id, situations, started)
    gen.changed_last_night = sum(1 for i in range(len(gen.nips)) if _situation(i, True) != "confirmed")
    _held(sessions, gen, rng)
    _feeds(sessions, gen)


def _items(session: Session, gen: Generated, run_id: str, situations: list[str], at: datetime) -> None:
    _chunks(
        session,
        RunItem,
        [
            {"run_id": run_id, "nip": nip, "state": "done", "situation": s, "calls": 1}
            for nip, s in zip(gen.nips, situations, strict=True)
        ],
    )
    audit = [
        {
            "at": at,
            "actor": "system",
            "action": "sinkron_terapkan",
            "pegawai_nip": nip,
            "field": "unor_id",
            "old_value": gen.unit_of[nip],
            "new_value": gen.leaves[i % 7],
            "run_id": run_id,
        }
        for i, (nip, s) in enumerate(zip(gen.nips, situations, strict=True))
        if s == "updated"
    ]
    _chunks(session, AuditEntry, audit)


def _held(sessions: sessionmaker[Session], gen: Generated, rng: random.Random) -> None:
    gen.held = f"ditahan{rng.randrange(16**6):06x}"
    started = START + timedelta(days=len(gen.nights))
    plan = [
        {
            "run_id": gen.held,
            "nip": nip,
            "action": "situasi",
            "field": None,
            "old_value": None,
            "new_value": "updated" if i % 25 == 0 else "confirmed",
            "reason": None,
        }
        for i, nip in enumerate(gen.nips)
    ]
    plan += [
        {
            "run_id": gen.held,
            "nip": nip,
            "action": "sinkron_terapkan",
            "field": "unor_id",
            "old_value": gen.unit_of[nip],
            "new_value": gen.leaves[(i + 3) % len(gen.leaves)],
            "reason": None,
        }
        for i, nip in enumerate(gen.nips)
        if i % 25 == 0
    ]
    with transaction(sessions) as session:
        session.add(
            SyncRun(
                id=gen.held,
                kind="reconcile",
                status=RunStatus.HELD,
                phase="guard",
                dry_run=False,
                counts={"updated": len(gen.nips[::25])},
                calls=len(gen.nips),
                failed=0,
                conflicts_opened=0,
                guard_reason="perubahan unit melebihi ambang pengaman",
                started_at=started,
            )
        )
        session.flush()
        _chunks(session, RunChange, plan)


def _feeds(sessions: sessionmaker[Session], gen: Generated) -> None:
    with transaction(sessions) as session:
        for n in range(5):
            started = START + timedelta(days=n * 3, hours=2)
            session.add(
                SyncRun(
                    id=f"pmm{n:03d}",
                    kind="pmm:pmm_file",
                    status=RunStatus.COMPLETED,
                    phase="done",
                    dry_run=False,
                    counts={"read": 100, "created": 90},
                    calls=0,
                    failed=0,
                    conflicts_opened=0,
                    started_at=started,
                    finished_at=started + timedelta(minutes=1),
                    duration_s=60.0,
                    options={"berkas": f"rekap-{n}.csv"},
                )
            )
