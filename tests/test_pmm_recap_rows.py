"""What a recap import says about each row: the outcome and a reason a school operator can act
on (what is wrong, the fix, who makes it), never "diterima" for a refused row; a re-run changes
nothing; the bulk writer stores exactly what the one-by-one writer stores."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from connectors.pmm.models import PmmResult
from mappings import periode as periods
from mappings.skp import map_pmm_result
from service.container import Container
from service.settings import Settings
from simulators.dataset import World
from simulators.pmm_data import initial_results
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, Pegawai, SupervisorLink, Unit
from store.models_skp import Evaluasi, Indikator, Observasi, PmmProblem, Rhk, Skp
from sync.audit.verify import verify_chain
from sync.pmm.file_source import import_file
from sync.pmm.write import write_skp
from sync.pmm.write_bulk import write_many

TEACHER, OTHER, PRINCIPAL = "198703122010012004", "198805052011012003", "197501021999031003"
UNKNOWN = "199001012020121999"
HEADER = (
    "NIP;Nama;Jenis PTK;NPSN;Satuan Pendidikan;Periode;Status;Rating Hasil Kerja;"
    "Rating Perilaku Kerja;Predikat;NIP Penilai;Nama Penilai"
)
SCHOOL = "20512345;SMA Negeri 3 Contoh"
# row -> (csv line, outcome, words its reason must contain, words it must not)
TABLE: dict[int, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    2: (
        f"{TEACHER};Siti;Guru;{SCHOOL};2025;Dinilai;Sesuai Ekspektasi;Sesuai Ekspektasi;Baik;"
        f"{PRINCIPAL};Kepala",
        "created",
        ("diterima",),
        ("tindak lanjut",),
    ),
    3: (
        f"{UNKNOWN};Rina;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala",
        "rejected",
        ("tidak ada di data pegawai lokal", "Perbaikan oleh admin instansi"),
        ("diterima",),
    ),
    4: (
        f"{OTHER};Ani;Guru;{SCHOOL};2025;Diajukan;;;;{PRINCIPAL};Kepala",
        "rencana_belum_disepakati",
        ("DIAJUKAN", "belum disepakati", "Perbaikan oleh kepala sekolah"),
        ("wajib", "Rating Hasil Kerja"),
    ),
    5: (
        f"{OTHER};Ani;Guru;{SCHOOL};Semester 1 2025;Disepakati;;;;{PRINCIPAL};Kepala",
        "belum_dinilai",
        ("belum dinilai", "Perbaikan oleh kepala sekolah"),
        (),
    ),
    6: (
        f"{OTHER};Ani;Guru;{SCHOOL};Semester 2 2025;Dinilai;Sesuai;Sesuai;;{PRINCIPAL};Kepala",
        "kolom_kosong",
        ("kolom Predikat kosong", "penilaian belum lengkap", "Perbaikan oleh kepala sekolah"),
        (),
    ),
    7: (
        f"{OTHER};Ani;Guru;{SCHOOL};Triwulan I 2025;Dinilai;Luar Biasa;Sesuai;Baik;{PRINCIPAL};Kepala",
        "kolom_tidak_valid",
        ("kolom Rating Hasil Kerja tidak valid", "Di Bawah Ekspektasi", "Perbaikan oleh"),
        ("Luar Biasa", "Value error"),
    ),
    8: (
        f"1.98703E+17;Budi;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;;",
        "nip_rusak",
        ("rusak oleh Excel", "Perbaikan oleh operator sekolah"),
        ("1.98703E+17",),
    ),
    9: (
        f"19870312201001200;Budi;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;;",
        "nip_tidak_valid",
        ("18 digit", "Perbaikan oleh operator sekolah"),
        ("19870312201001200",),
    ),
    10: (
        f"{TEACHER};Siti;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala",
        "baris_ganda",
        ("baris 2", "Perbaikan oleh operator sekolah"),
        (),
    ),
    11: (
        f"{OTHER};Ani;Guru;{SCHOOL};Januari - Juni 0000;Dinilai;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala",
        "rejected",
        ("tahun 0 di luar rentang", "Perbaikan oleh admin instansi"),
        ("diterima",),
    ),
    12: (
        f"{OTHER};Ani;Guru;{SCHOOL};Maret 2025;Dinilai;Sesuai;Sesuai;Sangat Baik;{PRINCIPAL};Kepala",
        "created",
        ("diterima; perlu tindak lanjut", "tidak sesuai matriks", "kepala sekolah"),
        (),
    ),
    13: (
        f"{PRINCIPAL};Kepala;Kepala Sekolah;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;;",
        "created",
        ("diterima",),
        ("tindak lanjut",),
    ),  # after the teacher rated by them
}


def stock(container: Container) -> None:
    """One school: its principal and two teachers whose derived supervisor is the principal."""
    now = datetime.now(UTC)
    with transaction(container.sessions) as session:
        session.execute(insert(Unit), [{"id": "U1", "nama": "SMA Negeri 3 Contoh"}])
        session.execute(
            insert(Pegawai),
            [
                {"nip": PRINCIPAL, "nama": "Kepala", "unor_id": "U1", "jabatan": "Kepala Sekolah"},
                {"nip": TEACHER, "nama": "Siti", "unor_id": "U1", "jabatan": "Guru Ahli Muda"},
                {"nip": OTHER, "nama": "Ani", "unor_id": "U1", "jabatan": "Guru Ahli Pertama"},
            ],
        )
        ids = {nip: id_ for nip, id_ in session.execute(select(Pegawai.nip, Pegawai.id))}
        session.execute(
            insert(SupervisorLink),
            [
                {
                    "pegawai_id": ids[nip],
                    "atasan_id": ids[PRINCIPAL],
                    "source": "unit",
                    "reason": "kepala_unit",
                    "derived_at": now,
                }
                for nip in (TEACHER, OTHER)
            ],
        )


def state(container: Container) -> dict[str, Any]:
    """SKPs, evaluations and problems without ids and times."""
    with container.sessions() as session:
        return {
            "skp": sorted(
                (s.nip, s.source_id, s.status_rencana, str(s.periode_mulai), s.pegawai_id is not None)
                for s in session.scalars(select(Skp))
            ),
            "evaluasi": sorted(
                (e.jenis_periode, e.angka_periode, e.rating_hasil_kerja, e.predikat, e.status_evaluasi)
                for e in session.scalars(select(Evaluasi))
            ),
            "problems": sorted(
                (p.nip, p.rule, p.periode, p.status) for p in session.scalars(select(PmmProblem))
            ),
        }


def test_every_row_says_its_outcome_and_who_must_act(container: Container, tmp_path: Path) -> None:
    """Each row of the table gets its outcome and a reason naming the fix and who makes it; a
    re-run changes nothing and says the same."""
    stock(container)
    path = tmp_path / "rekap.csv"
    path.write_text("\n".join([HEADER, *(line for line, *_ in TABLE.values())]) + "\n")
    report = import_file(container.sessions, path)
    rows = {row["baris"]: row for row in report["rows"]}
    assert sorted(rows) == sorted(TABLE)
    for number, (_, outcome, must, must_not) in TABLE.items():
        row = rows[number]
        assert row["hasil"] == outcome, (number, row)
        for words in must:
            assert words in row["keterangan"], (number, words, row["keterangan"])
        for words in must_not:
            assert words not in row["keterangan"], (number, words, row["keterangan"])
    before = state(container)
    assert ("197501021999031003", "kepsek_tanpa_skp") not in {(p[0], p[1]) for p in before["problems"]}
    assert (OTHER, "rencana_belum_disepakati", "2025", "open") in before["problems"]

    again = import_file(container.sessions, path)
    assert state(container) == before
    for row in again["rows"]:
        expected = TABLE[row["baris"]][1]
        assert row["hasil"] == ("unchanged" if expected == "created" else expected), row
        assert row["keterangan"] == rows[row["baris"]]["keterangan"] or expected == "created"


def _table_state(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every SKP-side row of a store, ids and times left out, in a stable order."""
    engine = make_engine(url)
    skipped = {
        "id",
        "skp_id",
        "rhk_id",
        "created_at",
        "updated_at",
        "at",
        "pegawai_id",
        "seq",
        "prev_hash",
        "entry_hash",
    }  # the chain hashes ids and times
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for model in (Skp, Rhk, Indikator, Observasi, Evaluasi, AuditEntry):
            table = model.__table__
            columns = [c for c in table.columns if c.name not in skipped]
            out[model.__name__] = sorted(
                tuple(str(v) for v in row) for row in connection.execute(select(*columns))
            )
    engine.dispose()
    return out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bulk_writer_stores_what_the_one_by_one_writer_stores(
    world: World, database_url: str, tmp_path: Path
) -> None:
    """PMM results with plans, indicators and observations, written, then changed and written
    again: ``write_many`` gives the same outcomes and the same rows as ``write_skp``."""
    records = []
    for result in list(initial_results(world).values())[:60]:
        parsed = PmmResult.model_validate(result)
        periode = periods.parse_label(parsed.periode_id.replace("-", " Semester "))
        records.append(map_pmm_result(parsed, periode, "pmm_http")[0])
    changed = [
        r.model_copy(update={"status_rencana": "DIKEMBALIKAN"}) if i % 3 == 0 else r
        for i, r in enumerate(records)
    ]
    urls = {"single": database_url, "bulk": f"sqlite:///{tmp_path / 'bulk.db'}"}
    outcomes: dict[str, list[list[str]]] = {}
    for name, url in urls.items():
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        container = Container.build(Settings(database_url=url))
        outcomes[name] = []
        for batch in (records, changed, changed):
            with transaction(container.sessions) as session:
                got: list[str]
                if name == "single":
                    got = [write_skp(session, r, actor="uji", run_id="r1") for r in batch]
                else:
                    got = list(write_many(session, batch, actor="uji", run_id="r1", pegawai={}))
            outcomes[name].append(got)
        with container.sessions() as session:  # bulk-inserted entries are sealed into the chain
            chain = verify_chain(session)
        assert chain.ok and chain.checked > 0, chain
        container.close()
    assert outcomes["single"] == outcomes["bulk"]
    assert {"created", "updated", "unchanged"} <= {o for run in outcomes["bulk"] for o in run}
    assert _table_state(urls["single"]) == _table_state(urls["bulk"])


@pytest.mark.e2e
def test_progress_shows_on_a_terminal_and_never_in_the_report(tmp_path: Path) -> None:
    """On a terminal the import draws its progress on stderr; stdout keeps only the report
    (script(1), from Debian's essential bsdutils, gives the process a terminal)."""
    path = tmp_path / "rekap.csv"
    path.write_text("\n".join([HEADER, *(line for line, *_ in TABLE.values())]) + "\n")
    report = tmp_path / "laporan.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    env["EKINERJA_DATABASE_URL"] = f"sqlite:///{tmp_path / 'tty.db'}"
    command = f"{shlex.quote(sys.executable)} -m service.cli pmm import {shlex.quote(str(path))}"
    terminal = subprocess.run(
        ["script", "-qec", f"{command} > {shlex.quote(str(report))}", "/dev/null"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert terminal.returncode == 1, terminal.stdout[-2000:]
    assert "impor rekap (baris)" in terminal.stdout  # what the terminal showed: stderr
    assert "impor rekap" not in report.read_text() and "baris 2 (NIP" in report.read_text()
