"""The verifiable audit log: append-only in the database, hash-chained, and `audit verify` finds
the first entry changed, removed or reordered, by id, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from service.api import create_app
from service.cli.app import app
from service.container import Container
from service.doctor import audit_check
from simulators.dataset import World
from simulators.events import mutasi
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.audit_chain import entry_fields, entry_hash
from store.db import make_engine, session_factory, transaction, upgrade
from store.models import AuditEntry
from store.models_audit import AuditChainHead
from sync import audit
from sync.audit.verify import run_verification
from tests.console_site import admin_client, build_site, serve
from tests.helpers import import_export, leaf_units, new_api_key, reconcile, staff_nip

ROOT = Path(__file__).resolve().parents[1]
SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
# values whose JSON could differ between databases: floats, integral floats, negative zero,
# integers beyond 64 bits, unicode, nesting (SQLite converts a bare number in a JSON column)
ODD_VALUES = [
    0.1,
    1e-07,
    2.5e300,
    -0.0,
    3.0,
    12345678901234567890,
    "é \u202e <b>",
    "12",
    {"b": [1.0, None], "a": {"z": True}},
    [],
    "",
    None,
    True,
]


@pytest.fixture
def store(database_url: str) -> Iterator[sessionmaker[Session]]:
    """An upgraded store holding six audit entries written in four transactions."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    write(sessions, 6)
    yield sessions
    engine.dispose()


def write(sessions: sessionmaker[Session], count: int, *, per_tx: int = 2) -> None:
    """``count`` entries through ``audit.record``, ``per_tx`` per transaction."""
    for start in range(0, count, per_tx):
        with transaction(sessions) as session:
            for n in range(start, min(count, start + per_tx)):
                audit.record(
                    session,
                    actor="operator",
                    action="edit_lokal",
                    nip="198609262015051001",
                    field="no_hp",
                    old=ODD_VALUES[n % len(ODD_VALUES)],
                    new=f"0812{n:08d}",
                    reason="uji",
                )


def ids(sessions: sessionmaker[Session]) -> list[int]:
    """Audit entry ids in chain order."""
    with sessions() as session:
        return list(session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.seq)))


def tamper(sessions: sessionmaker[Session], *statements: str) -> None:
    """Raw SQL past the append-only triggers (PostgreSQL: replica role; SQLite: dropped)."""
    engine = sessions.kw["bind"]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            for name in SQLITE_TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            connection.exec_driver_sql(statement)


def verify_cli(sessions: sessionmaker[Session], *args: str) -> tuple[int, str]:
    """`ekinerja-sync audit verify` on the store: exit code and output."""
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    try:
        result = CliRunner().invoke(
            app, ["audit", "verify", *args], env={"EKINERJA_DATABASE_URL": url, "COLUMNS": "200"}
        )
    finally:
        structlog.reset_defaults()  # the command logged to the runner's stream, now closed
    return result.exit_code, result.output


def test_update_and_delete_are_refused_by_the_database(store: sessionmaker[Session]) -> None:
    """Raw UPDATE and DELETE of an audit entry fail in the database itself (a trigger)."""
    first = ids(store)[0]
    assert verify_cli(store)[0] == 0  # a verification row, so its table is checked too
    for statement in (
        f"UPDATE audit_log SET actor = 'x' WHERE id = {first}",
        f"UPDATE audit_log SET entry_hash = NULL WHERE id = {first}",
        f"DELETE FROM audit_log WHERE id = {first}",
        "DELETE FROM audit_verification",
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.kw["bind"].begin() as connection:
            connection.exec_driver_sql(statement)
    if store.kw["bind"].dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), store.kw["bind"].begin() as connection:
            connection.exec_driver_sql("TRUNCATE audit_log")
    assert len(ids(store)) == 6
    assert verify_cli(store)[0] == 0


def test_whole_log_is_ok_with_its_count(store: sessionmaker[Session]) -> None:
    """A log written only through `audit.record`: exit 0, ok with the number of entries."""
    code, output = verify_cli(store)
    assert code == 0, output
    assert "log audit utuh: 6 entri diperiksa" in output
    code, output = verify_cli(store, "--json")
    answer = json.loads(output)
    assert code == 0 and answer["ok"] is True and answer["checked"] == 6 and answer["seq"] == 6


def test_hand_edited_entry_is_reported_by_its_id(store: sessionmaker[Session]) -> None:
    """An entry edited with raw SQL: exit 1 naming that entry's id, "diubah"."""
    target = ids(store)[3]
    tamper(store, f"UPDATE audit_log SET new_value = '\"081299999999\"' WHERE id = {target}")
    code, output = verify_cli(store)
    assert code == 1, output
    assert f"entri id {target} (seq 4) diubah" in output and "3 entri sebelumnya utuh" in output


def test_deleted_entry_is_reported_before_the_next_id(store: sessionmaker[Session]) -> None:
    """An entry deleted with raw SQL: exit 1, the missing seq and the id after the gap."""
    chain = ids(store)
    tamper(store, f"DELETE FROM audit_log WHERE id = {chain[2]}")
    code, output = verify_cli(store)
    assert code == 1, output
    assert f"entri seq 3 sampai 3 hilang (dihapus) sebelum entri id {chain[3]}" in output


def test_swapped_pair_is_reported_as_out_of_order(store: sessionmaker[Session]) -> None:
    """Two entries' places swapped (their seq exchanged): exit 1, the first moved entry's id."""
    chain = ids(store)
    tamper(
        store,
        f"UPDATE audit_log SET seq = -1 WHERE id = {chain[1]}",
        f"UPDATE audit_log SET seq = 2 WHERE id = {chain[2]}",
        f"UPDATE audit_log SET seq = 3 WHERE id = {chain[1]}",
    )
    code, output = verify_cli(store, "--json")
    answer = json.loads(output)
    assert code == 1 and answer["problem"] == "urutan" and answer["entry_id"] == chain[2]
    assert f"entri id {chain[2]} (seq 2) tidak pada urutannya" in answer["detail"]


def test_deleted_newest_entries_are_reported(store: sessionmaker[Session]) -> None:
    """The last two entries deleted: the chain head still counts them, exit 1."""
    chain = ids(store)
    tamper(store, f"DELETE FROM audit_log WHERE id IN ({chain[4]}, {chain[5]})")
    code, output = verify_cli(store)
    assert code == 1, output
    assert f"entri seq 5 sampai 6 hilang (dihapus) di akhir log, sesudah entri id {chain[3]}" in output


def test_rewritten_tail_is_found_by_the_last_verification(store: sessionmaker[Session]) -> None:
    """Someone who re-hashes an edited last entry and moves the head is caught by the hash the
    previous verification recorded."""
    assert verify_cli(store)[0] == 0
    last = ids(store)[-1]
    with store() as session:
        row = session.get_one(AuditEntry, last)
        fields = entry_fields(row) | {"actor": "penyusup"}
        forged = entry_hash(fields, row.prev_hash or "")
    tamper(
        store,
        f"UPDATE audit_log SET actor = 'penyusup', entry_hash = '{forged}' WHERE id = {last}",
        f"UPDATE audit_chain SET last_hash = '{forged}'",
    )
    code, output = verify_cli(store)
    assert code == 1 and f"entri id {last} (seq 6) diubah" in output, output


def test_entry_written_around_the_chain_is_reported(store: sessionmaker[Session]) -> None:
    """A row inserted with raw SQL (no hash): exit 1 naming it."""
    with store.kw["bind"].begin() as connection:
        new_id = connection.execute(
            sa.text(
                "INSERT INTO audit_log (at, actor, action) VALUES (CURRENT_TIMESTAMP, 'x', 'y') RETURNING id"
            )
        ).scalar_one()
    code, output = verify_cli(store)
    assert code == 1 and f"entri id {new_id} tidak punya hash" in output, output


def test_rolled_back_entries_leave_no_gap(store: sessionmaker[Session]) -> None:
    """Entries of a rolled-back transaction or savepoint never reach the chain; it stays whole."""
    with transaction(store) as session:
        audit.record(session, actor="a", action="kept", nip=None)
        try:
            with session.begin_nested():
                audit.record(session, actor="a", action="dropped", nip=None)
                session.flush()
                raise ValueError("one odd row")
        except ValueError:
            pass
    with pytest.raises(RuntimeError), transaction(store) as session:
        audit.record(session, actor="a", action="dropped", nip=None)
        raise RuntimeError("the whole transaction fails")
    report, _ = run_verification(store)
    assert report.ok and report.checked == 7, report
    with store() as session:
        assert "dropped" not in set(session.scalars(sa.select(AuditEntry.action)))


def test_concurrent_writers_never_fork_the_chain(store: sessionmaker[Session]) -> None:
    """Four writers appending at once (60 transactions of 3 entries): one whole chain of 186."""

    def writer(worker: int) -> None:
        for n in range(15):
            with transaction(store) as session:
                for k in range(3):
                    audit.record(
                        session, actor=f"penulis-{worker}", action="uji_serentak", nip=None, new=[n, k]
                    )

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(writer, range(4)))
    report, _ = run_verification(store)
    assert report.ok and report.checked == 186 and report.seq == 186, report
    with store() as session:
        head = session.get_one(AuditChainHead, 1)
        assert head.seq == 186 and head.last_hash == report.head_hash


def test_a_night_and_api_edits_at_once_keep_one_chain(
    container: Container, world: World, sim: SiasnSimulator
) -> None:
    """A reconciliation and local edits through the HTTP API at the same time: every entry of
    both is in one whole chain."""
    import_export(container, world)
    assert reconcile(container)["status"] == "completed"
    nips = [staff_nip(world, i) for i in range(6)]
    for nip in nips:
        mutasi(world, nip, unor_id=leaf_units(world, world.pegawai[nip].unor_id)[0])
    headers = {"X-API-Key": new_api_key(container)}
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, timeout=60, headers=headers) as client,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        night = pool.submit(reconcile, container)
        answers = [
            client.patch(
                f"/api/v1/pegawai/{nip}",
                json={"changes": {"no_hp": f"0813{n:08d}"}, "actor": "operator", "reason": "serentak"},
            )
            for n in range(3)
            for nip in nips
        ]
        assert night.result()["status"] == "completed"
    assert {a.status_code for a in answers} == {200}
    report, _ = run_verification(container.sessions)
    with container.sessions() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        edits = session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "edit_lokal")
        )
    assert report.ok and report.checked == total, report
    assert edits == 18


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_beranda_shows_the_last_verification(
    container: Container, world: World, sim: SiasnSimulator, sim_server: object
) -> None:
    """The console's beranda says when the log was last verified and what was found."""
    cast = build_site(container, world, sim)
    with serve(container, cast) as site, admin_client(site) as client:
        assert "belum pernah diverifikasi" in client.get("/admin/").text
        report, _ = run_verification(container.sessions)
        page = client.get("/admin/").text
    assert report.ok
    assert 'id="verifikasi-audit"' in page and "<strong>utuh</strong>" in page
    assert f"log audit utuh: {report.checked} entri diperiksa" in page


def test_doctor_reports_a_tampered_log(store: sessionmaker[Session]) -> None:
    """`doctor`'s audit check is ok on a whole log and an error with the fix on an edited one."""
    engine = store.kw["bind"]
    assert audit_check(engine).status == "ok"
    tamper(store, f"UPDATE audit_log SET reason = 'lain' WHERE id = {ids(store)[0]}")
    found = audit_check(engine)
    assert found.status == "error" and "diubah" in found.detail and "cadangan" in found.fix


def test_migration_chains_entries_written_before_it(database_url: str) -> None:
    """Entries in a store at 0007 are chained in id order by 0008 and verify as whole."""
    engine = make_engine(database_url)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        for n, value in enumerate(ODD_VALUES):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor, action, pegawai_nip, field, old_value, "
                    "new_value, reason, run_id) VALUES (:at, 'lama', 'edit_lokal', NULL, 'no_hp', "
                    ":old, NULL, NULL, 'run-1')"
                ),
                {"at": f"2025-01-0{n % 9 + 1} 0{n % 9}:00:00.12345{n % 10}", "old": json.dumps(value)},
            )
    upgrade(engine)
    sessions = session_factory(engine)
    write(sessions, 2)
    report, _ = run_verification(sessions)
    assert report.ok and report.checked == len(ODD_VALUES) + 2, report
    engine.dispose()


def test_same_entry_hashes_the_same_on_both_databases(database_url: str, tmp_path: Path) -> None:
    """An entry read back from this database hashes to what was computed when it was written,
    and to the same value the SQLite copy gives (the canonical form does not depend on it)."""
    urls = [database_url, f"sqlite:///{tmp_path / 'other.db'}"]
    hashes = []
    for url in urls:
        engine = make_engine(url)
        upgrade(engine)
        zone = "+00" if engine.dialect.name == "postgresql" else ""
        with engine.begin() as connection:
            for n, value in enumerate([*ODD_VALUES, ODD_VALUES, 1.0, 2**64, 2**53 + 1], 1):
                connection.execute(
                    sa.text(
                        "INSERT INTO audit_log (id, at, actor, action, old_value, new_value) "
                        f"VALUES ({n}, '2026-01-02 03:04:05.678901{zone}', 'a', 'b', :old, :new)"
                    ),
                    {"old": json.dumps(value), "new": json.dumps({"é": 0.30000000000000004})},
                )
        with session_factory(engine)() as session:
            rows = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
            hashes.append([entry_hash(entry_fields(row), "0" * 64) for row in rows])
        engine.dispose()
    assert len(hashes[0]) == len(ODD_VALUES) + 4 and hashes[0] == hashes[1]


# A product path that updates or deletes audit entries, in SQL or through the ORM.
FORBIDDEN = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(update|delete)\s*\(\s*(AuditEntry|AuditVerification)\b",
        r"\b(UPDATE|DELETE\s+FROM|TRUNCATE)\s+(TABLE\s+)?audit_(log|verification)\b",
        r"(AuditEntry|AuditVerification)\b[^\n]*\.delete\(",
        r"\.delete\(\s*\w*(audit|entry|verification)\w*\s*\)",
    )
]


def test_no_update_or_delete_path_in_the_code() -> None:
    """No product module updates or deletes an audit entry, and only ``sync.audit`` (through
    ``store.audit_chain``) creates one; 0008's one-time chaining of old rows is the exception."""
    creators, offenders = set(), []
    for folder in ("connectors", "mappings", "sync", "store", "service", "simulators"):
        for path in (ROOT / folder).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            text = path.read_text(encoding="utf-8")
            if re.search(r"(?<!class )\bAuditEntry\(", text):
                creators.add(name)
            if name.endswith("0008_audit_chain.py"):
                continue
            offenders += [f"{name}: {m.group(0)}" for p in FORBIDDEN for m in p.finditer(text)]
    assert offenders == []
    assert creators == {"sync/audit/__init__.py"}
