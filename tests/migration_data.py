"""The representative store for tests/test_migrations.py: a row or more in every table an agency
cannot lose, inserted at any schema revision and compared after the upgrade."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from store.audit_chain import enlist_many
from store.db import session_factory
from store.db import transaction as write

T0 = datetime(2026, 3, 1, 2, 3, 4, 567890, tzinfo=UTC)
T1 = datetime(2026, 3, 9, 23, 59, 59, 1, tzinfo=UTC)
P = {
    "nip": "198609262015051001",
    "jenis_kelamin": "M",
    "aktif": True,
    "siasn_status": "ada",
    "created_at": T0,
    "updated_at": T1,
}
C = {"kind": "merge", "explanation": "SIASN dan lokal berbeda", "opened_at": T0, "updated_at": T1}

# Every table holding what an agency cannot lose, in dependency order; each row names the
# columns of the newest revision, and a store at an older revision gets the ones it has.
DATA: dict[str, list[dict[str, Any]]] = {
    "unit": [
        {
            "id": "U1",
            "nama": "Dinas Pendidikan",
            "eselon_id": 21,
            "pemimpin_pns_id": "PNS-1",
            "instansi_id": "I1",
            "aktif": True,
            "updated_at": T0,
        },
        {
            "id": "U2",
            "nama": "SMA Negeri 1 \u202e <b>",
            "parent_id": "U1",
            "eselon_id": 41,
            "aktif": False,
            "updated_at": T1,
        },
    ],
    "pegawai": [
        {
            **P,
            "id": 1,
            "pns_id": "PNS-1",
            "nama": "Budi Santoso",
            "tanggal_lahir": date(1986, 9, 26),
            "unor_id": "U1",
            "jenis_jabatan_id": 1,
            "eselon_id": 21,
            "golongan": "IV/a",
            "golongan_id": 41,
            "tmt_golongan": date(2020, 4, 1),
            "no_hp": "081234567890",
            "last_synced_at": T1,
            "siasn_fetched_at": 1772330584.25,
        },
        {
            **P,
            "id": 2,
            "nip": "199001012015012002",
            "pns_id": "PNS-2",
            "nama": "Siti Guru",
            "jenis_kelamin": "F",
            "unor_id": "U2",
            "jabatan": "Guru Ahli Muda",
            "catatan": "baris\nkedua",
            "email": "siti@example.id",
        },
        {
            **P,
            "id": 3,
            "nip": "196001012000031003",
            "nama": "Pensiun",
            "aktif": False,
            "nonaktif_alasan": "pensiun",
            "siasn_status": "tidak_ditemukan",
        },
    ],
    "field_state": [
        {"pegawai_id": 1, "field": "no_hp", "base_value": "0812", "received_at": T0, "diverged_since": T1},
        {"pegawai_id": 1, "field": "golongan", "base_value": {"id": "41", "n": [1, None]}, "received_at": T0},
    ],
    "supervisor_link": [
        {
            "pegawai_id": 2,
            "atasan_id": 1,
            "via_unit_id": "U1",
            "source": "siasn",
            "reason": "kepala_unit",
            "derived_at": T0,
        }
    ],
    "conflict": [  # one in each state
        {
            **C,
            "id": 1,
            "pegawai_id": 1,
            "field": "unor_id",
            "base_value": "U1",
            "local_value": "U2",
            "remote_value": "U3",
            "status": "open",
            "run_id": "run-1",
        },
        {
            **C,
            "id": 2,
            "pegawai_id": 1,
            "field": "jabatan",
            "base_value": None,
            "local_value": "a",
            "remote_value": "b",
            "status": "assigned",
            "assignee": "admin-bkd",
            "version": 2,
        },
        {
            **C,
            "id": 3,
            "pegawai_id": 2,
            "field": "no_hp",
            "local_value": "1",
            "remote_value": "2",
            "status": "superseded",
            "resolved_at": T1,
        },
        {
            **C,
            "id": 4,
            "pegawai_id": 2,
            "field": "no_hp",
            "local_value": "1",
            "remote_value": "3",
            "status": "resolved",
            "resolved_at": T1,
            "resolved_by": "admin-bkd",
            "resolution": "pertahankan_lokal",
            "resolution_reason": "SK terbaru",
            "supersedes_id": 3,
            "version": 3,
        },
    ],
    "conflict_event": [
        {
            "id": 1,
            "conflict_id": 2,
            "at": T1,
            "actor": "admin-bkd",
            "kind": "assigned",
            "detail": "ke admin-bkd",
            "version": 2,
        }
    ],
    "audit_log": [
        {
            "id": 1,
            "at": T0,
            "actor": "sinkron-siasn",
            "action": "sinkron_terapkan",
            "pegawai_nip": P["nip"],
            "field": "golongan",
            "old_value": "III/d",
            "new_value": "IV/a",
            "reason": "SK 800/1",
            "run_id": "run-1",
        },
        {
            "id": 2,
            "at": T1,
            "actor": "operator",
            "action": "edit_lokal",
            "pegawai_nip": P["nip"],
            "field": "no_hp",
            "old_value": None,
            "new_value": {"nilai": "081234567890", "x": [0.1]},
            "reason": "nomor baru",
        },
        {"id": 3, "at": T1, "actor": "operator", "action": "roster_impor", "new_value": "12"},
    ],
    "roster_entry": [{"nip": P["nip"], "nama": "Budi", "source": "export.csv", "imported_at": T0}],
    "sync_run": [
        {
            "id": "run-1",
            "kind": "reconcile",
            "status": "completed",
            "phase": "done",
            "dry_run": False,
            "options": {"rate": 10},
            "counts": {"updated": 1},
            "calls": 3,
            "failed": 0,
            "conflicts_opened": 1,
            "started_at": T0,
            "finished_at": T1,
            "duration_s": 12.5,
        }
    ],
    "run_item": [
        {
            "run_id": "run-1",
            "nip": P["nip"],
            "state": "done",
            "situation": "updated",
            "snapshot": {"nama": "Budi"},
            "calls": 2,
            "fetched_at": 1772330584.5,
        }
    ],
    "unit_claim": [
        {
            "unit_id": "U1",
            "pegawai_id": 1,
            "claimed_by": "operator BKD",
            "reason": "SK pelantikan",
            "claimed_at": T0,
        }
    ],
    "api_key": [
        {
            "id": 1,
            "name": "ekinerja-app",
            "prefix": "eks_abcd",
            "key_hash": "a" * 64,
            "created_at": T0,
            "last_used_at": T1,
        }
    ],
    "operator_grant": [{"nip": P["nip"], "unit_id": "U2", "granted_by": "kepala BKD", "granted_at": T0}],
    "run_change": [
        {
            "id": 1,
            "run_id": "dry-1",
            "nip": P["nip"],
            "action": "sinkron_terapkan",
            "field": "jabatan",
            "old_value": "a",
            "new_value": "b",
            "reason": None,
        }
    ],
    "skp": [
        {
            "id": 1,
            "nip": "199001012015012002",
            "pegawai_id": 2,
            "tahun": 2025,
            "periode_mulai": date(2025, 1, 1),
            "periode_selesai": date(2025, 12, 31),
            "source": "pmm_file",
            "source_id": "rekap-1",
            "status_rencana": "DISETUJUI",
            "created_at": T0,
            "updated_at": T1,
            "penilai_nip": P["nip"],
        }
    ],
    "skp_evaluasi": [
        {
            "id": 1,
            "skp_id": 1,
            "jenis_periode": "TAHUNAN",
            "angka_periode": 0,
            "periode_mulai": date(2025, 1, 1),
            "periode_selesai": date(2025, 12, 31),
            "rating_hasil_kerja": 2,
            "rating_perilaku_kerja": 1,
            "predikat": 2,
            "status_evaluasi": "DINILAI",
            "push_state": "dikirim",
            "siasn_id": "map-9",
            "push_attempts": 1,
            "updated_at": T1,
        }
    ],
    "pmm_problem": [
        {
            "id": 1,
            "source": "pmm_file",
            "nip": "199001012015012002",
            "rule": "nip_beda_dapodik",
            "reason": "NIP di Dapodik berbeda",
            "fix": "perbaiki Dapodik",
            "who": "operator sekolah",
            "status": "open",
            "periode": "2025",
            "first_seen_at": T0,
            "last_seen_at": T1,
        }
    ],
}


def fill(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Insert ``DATA`` as the store's schema at its revision allows; what was inserted.

    A store with the audit chain (0008 on) gets its audit rows sealed into the chain, as every
    writer does; an older one gets them plain (0008 chains them on the way up)."""
    inserted: dict[str, list[dict[str, Any]]] = {}
    meta = sa.MetaData()
    meta.reflect(engine)
    chained = "audit_log" in meta.tables and "seq" in meta.tables["audit_log"].c
    with engine.begin() as connection:
        for name, rows in DATA.items():
            if name not in meta.tables:
                continue
            table = meta.tables[name]
            inserted[name] = [{k: v for k, v in row.items() if k in table.c} for row in rows]
            if chained and name == "audit_log":
                continue
            for row in inserted[name]:  # rows name different columns: one INSERT each
                connection.execute(table.insert().values(**row))
            _advance_serial(connection, name, table)
    if chained:
        with write(session_factory(engine)) as session:
            enlist_many(session, inserted["audit_log"])
        with engine.begin() as connection:
            _advance_serial(connection, "audit_log", meta.tables["audit_log"])
    return inserted


def _advance_serial(connection: sa.Connection, name: str, table: sa.Table) -> None:
    """On PostgreSQL, move the table's id sequence past the ids inserted explicitly."""
    if (
        connection.dialect.name == "postgresql"
        and "id" in table.c
        and isinstance(table.c.id.type, sa.Integer)
    ):
        connection.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        )


def _same(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, Decimal):
        return float(value)
    return value


def check_kept(engine: Engine, inserted: dict[str, list[dict[str, Any]]]) -> None:
    """Every inserted row is there with every inserted value, and no table grew or shrank."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as connection:
        for name, rows in inserted.items():
            table = meta.tables[name]
            key = [c.name for c in table.primary_key.columns]
            stored = {tuple(r[k] for k in key): r for r in connection.execute(sa.select(table)).mappings()}
            assert len(stored) == len(rows), name
            for row in rows:
                got = stored[tuple(row[k] for k in key)]
                assert {k: _same(got[k]) for k in row} == {k: _same(v) for k, v in row.items()}, name
