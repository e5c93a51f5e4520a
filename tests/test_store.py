"""The store on SQLite and PostgreSQL: migrations, the schema guard, constraints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from store.db import (
    SchemaBehindError,
    current_revision,
    ensure_schema,
    head_revision,
    make_engine,
    session_factory,
    transaction,
    upgrade,
)
from store.models import Conflict, Pegawai


def test_migrations_apply_and_schema_guard(database_url: str) -> None:
    """SQLite migrates itself; another database behind the code is refused until upgraded."""
    engine = make_engine(database_url)
    if engine.dialect.name == "sqlite":
        ensure_schema(engine)
    else:
        with pytest.raises(SchemaBehindError, match="ekinerja-sync db upgrade"):
            ensure_schema(engine)
        upgrade(engine)
        ensure_schema(engine)
    assert current_revision(engine) == head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert {"pegawai", "unit", "field_state", "conflict", "audit_log", "supervisor_link"} <= tables
    engine.dispose()


def test_one_open_conflict_per_field(database_url: str) -> None:
    """The database itself refuses a second open conflict for the same field."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        person = Pegawai(nip="198609262015051001")
        session.add(person)
        session.flush()
        pid = person.id

    def conflict(status: str) -> Conflict:
        return Conflict(
            pegawai_id=pid, field="unor_id", status=status, explanation="x", opened_at=now, updated_at=now
        )

    with transaction(sessions) as session:
        session.add_all([conflict("open"), conflict("resolved"), conflict("resolved")])
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(conflict("open"))
    engine.dispose()


def test_nip_is_unique(database_url: str) -> None:
    """Two employees with one NIP are refused by the schema."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        session.add(Pegawai(nip="198609262015051001"))
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(Pegawai(nip="198609262015051001"))
    engine.dispose()
