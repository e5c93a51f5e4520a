"""The SKP tables on SQLite and PostgreSQL: migration equals the models, keys refuse duplicates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from store.db import make_engine, session_factory, transaction, upgrade
from store.models import Pegawai
from store.models_skp import Evaluasi, Indikator, PmmProblem, Rhk, Skp
from tests.helpers import schema_diff

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
NIP = "198703122010012004"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test database upgraded to head."""
    built = make_engine(database_url)
    upgrade(built)
    yield built
    built.dispose()


def _skp(**changes: object) -> Skp:
    values: dict[str, object] = dict(
        nip=NIP,
        tahun=2025,
        periode_mulai=date(2025, 1, 1),
        periode_selesai=date(2025, 12, 31),
        source="pmm_http",
        source_id="c0a8f2e4",
        status_rencana="DISETUJUI",
        created_at=NOW,
        updated_at=NOW,
    )
    values.update(changes)
    return Skp(**values)


def _evaluasi(skp_id: int, **changes: object) -> Evaluasi:
    values: dict[str, object] = dict(
        skp_id=skp_id,
        jenis_periode="TAHUNAN",
        angka_periode=1,
        periode_mulai=date(2025, 1, 1),
        periode_selesai=date(2025, 12, 31),
        rating_hasil_kerja=2,
        rating_perilaku_kerja=1,
        predikat=2,
        status_evaluasi="DINILAI",
        updated_at=NOW,
    )
    values.update(changes)
    return Evaluasi(**values)


def test_migration_creates_exactly_the_models(engine: Engine) -> None:
    """After upgrade the database has every SKP table and autogenerate finds no difference."""
    tables = set(sa.inspect(engine).get_table_names())
    assert {
        "skp",
        "skp_rhk",
        "skp_indikator",
        "skp_evaluasi",
        "skp_realisasi",
        "skp_observasi",
        "pmm_cursor",
        "pmm_problem",
    } <= tables
    with engine.connect() as connection:
        diff = schema_diff(connection)
    assert diff == []


def test_a_rerun_cannot_duplicate_an_skp(engine: Engine) -> None:
    """The same employee, period, source and source record is one SKP; another record is not."""
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        session.add(_skp())
        session.add(_skp(source_id="another-school"))  # a teacher moved school: two SKPs
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(_skp())
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Skp)) == 2


def test_evaluations_refuse_bad_codes_and_a_second_siasn_id(engine: Engine) -> None:
    """Ratings 1..3, predikat 1..5, one evaluation per period and each SIASN id once."""
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        skp = _skp()
        session.add(skp)
        session.flush()
        skp_id = skp.id
        session.add(_evaluasi(skp_id, siasn_id="RW-1"))
    for bad in (
        {"rating_hasil_kerja": 4, "jenis_periode": "TRIWULAN"},
        {"predikat": 6, "jenis_periode": "TRIWULAN"},
        {"jenis_periode": "CATURWULAN"},
        {},  # the same period again
        {"jenis_periode": "TRIWULAN", "siasn_id": "RW-1"},
    ):
        with pytest.raises(IntegrityError), transaction(sessions) as session:
            session.add(_evaluasi(skp_id, **bad))


def test_rhk_tree_and_cascade(engine: Engine) -> None:
    """An RHK links to its superior's RHK; deleting an SKP removes its RHK and indicators."""
    sessions: sessionmaker[Session] = session_factory(engine)
    with transaction(sessions) as session:
        person = Pegawai(nip=NIP)
        boss_skp, skp = _skp(nip="197501021999031003", source="local", source_id=""), _skp()
        session.add_all([person, boss_skp, skp])
        session.flush()
        skp.pegawai_id = person.id
        boss_rhk = Rhk(
            skp_id=boss_skp.id,
            source_key="r1",
            urutan=1,
            jenis="UTAMA",
            klasifikasi="ORGANISASI",
            uraian="Mutu pembelajaran sekolah meningkat",
        )
        session.add(boss_rhk)
        session.flush()
        rhk = Rhk(
            skp_id=skp.id,
            source_key="pk-1",
            urutan=1,
            jenis="UTAMA",
            uraian="Pembelajaran berdiferensiasi",
            rhk_atasan_id=boss_rhk.id,
        )
        session.add(rhk)
        session.flush()
        session.add(
            Indikator(
                rhk_id=rhk.id, urutan=1, aspek="KUANTITAS", uraian="Modul ajar", target_teks="4 dokumen"
            )
        )
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(Rhk(skp_id=skp.id, source_key="x", urutan=2, jenis="LAIN", uraian="x"))
    with transaction(sessions) as session:
        session.execute(sa.delete(Skp).where(Skp.id == skp.id))
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Indikator)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(Rhk)) == 1


def test_one_open_problem_per_teacher_rule_and_period(engine: Engine) -> None:
    """A problem stays one open row however often the feed sees it; resolved ones pile up."""
    sessions = session_factory(engine)

    def problem(status: str) -> PmmProblem:
        return PmmProblem(
            source="pmm_http",
            nip=NIP,
            periode="2025",
            rule="unor_belum_padan",
            reason="r",
            fix="f",
            who="admin_instansi",
            status=status,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )

    with transaction(sessions) as session:
        session.add_all([problem("open"), problem("resolved"), problem("resolved")])
    with pytest.raises(IntegrityError), transaction(sessions) as session:
        session.add(problem("open"))
