"""A recap file is one read of its teachers' problems: rows of one teacher and period (accepted,
refused, duplicate) never resolve each other's problems, a re-import changes no problem row, and
a later file in which the rows are fixed resolves them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from service.container import Container
from store.models_skp import PmmProblem
from sync.pmm.file_source import import_file
from tests.test_pmm_recap_rows import HEADER, OTHER, PRINCIPAL, SCHOOL, TEACHER, stock

RATED = f"{TEACHER};Siti;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala"
MISMATCH = f"{TEACHER};Siti;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Sangat Baik;{PRINCIPAL};Kepala"
PROPOSED = f"{OTHER};Ani;Guru;{SCHOOL};2025;Diajukan;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala"
AGREED = f"{OTHER};Ani;Guru;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;{PRINCIPAL};Kepala"
UNRATED = f"{TEACHER};Siti;Guru;{SCHOOL};2025;Diajukan;;;;{PRINCIPAL};Kepala"
HEAD = f"{PRINCIPAL};Kepala;Kepala Sekolah;{SCHOOL};2025;Dinilai;Sesuai;Sesuai;Baik;;"
# the accepted row with a predikat off the matrix and its duplicate; a row accepted from the
# file but rejected (plan not agreed) and its duplicate: two checkers, one teacher and period
COLLIDING = [MISMATCH, MISMATCH, PROPOSED, PROPOSED, HEAD]
Row = tuple[int, str, str, str, str, datetime | None]


def _import(container: Container, tmp_path: Path, name: str, lines: list[str]) -> None:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    assert import_file(container.sessions, path)["status"] == "completed"


def _problems(container: Container) -> list[Row]:
    """Every problem row: id, who, rule, period, status and when it was resolved."""
    with container.sessions() as session:
        return sorted(
            (p.id, p.nip, p.rule, p.periode, p.status, p.resolved_at)
            for p in session.scalars(select(PmmProblem))
        )


def _open(rows: list[Row]) -> set[tuple[str, str, str]]:
    return {(nip, rule, periode) for _, nip, rule, periode, status, _ in rows if status == "open"}


def test_rows_of_one_teacher_and_period_keep_each_others_problems(
    container: Container, tmp_path: Path
) -> None:
    """A duplicate row and the row it repeats, or a refused and an accepted row of one teacher
    and period: every problem any row found is open after the import, with the teacher's name,
    school and period, and a re-import of the same file changes no problem row."""
    stock(container)
    _import(container, tmp_path, "rekap.csv", COLLIDING)
    first = _problems(container)
    assert _open(first) == {
        (TEACHER, "predikat_tidak_sesuai", "2025"),
        (TEACHER, "baris_ganda", "2025"),
        (OTHER, "rencana_belum_disepakati", "2025"),
        (OTHER, "baris_ganda", "2025"),
    }
    assert all(status == "open" for *_, status, _ in first)
    with container.sessions() as session:
        named = {
            (p.nip, p.nama, p.satuan_pendidikan, p.periode)
            for p in session.scalars(select(PmmProblem).where(PmmProblem.rule == "baris_ganda"))
        }
    assert named == {
        (TEACHER, "Siti", "SMA Negeri 3 Contoh", "2025"),
        (OTHER, "Ani", "SMA Negeri 3 Contoh", "2025"),
    }

    _import(container, tmp_path, "rekap.csv", COLLIDING)
    assert _problems(container) == first


def test_a_later_file_with_the_rows_fixed_resolves_their_problems(
    container: Container, tmp_path: Path
) -> None:
    """The next file without the duplicate rows, with the predikat and the plan fixed, resolves
    each of those problems (no new problem row); importing it again changes nothing."""
    stock(container)
    _import(container, tmp_path, "rekap-1.csv", COLLIDING)
    first = _problems(container)
    _import(container, tmp_path, "rekap-2.csv", [RATED, AGREED, HEAD])
    fixed = _problems(container)
    assert [row[:4] for row in fixed] == [row[:4] for row in first]
    assert _open(fixed) == set()
    assert all(status == "resolved" and at is not None for *_, status, at in fixed)
    _import(container, tmp_path, "rekap-2.csv", [RATED, AGREED, HEAD])
    assert _problems(container) == fixed


def test_a_refused_row_leaves_what_only_an_accepted_row_can_find(
    container: Container, tmp_path: Path
) -> None:
    """A row refused before its ratings are read (plan not agreed) does not resolve the predikat
    problem an earlier accepted row of that teacher and period had; the row accepted again
    resolves the refusal and keeps the predikat problem, on the same problem rows."""
    stock(container)
    _import(container, tmp_path, "rekap-1.csv", [MISMATCH, HEAD])
    _import(container, tmp_path, "rekap-2.csv", [UNRATED, HEAD])
    assert _open(_problems(container)) == {
        (TEACHER, "predikat_tidak_sesuai", "2025"),
        (TEACHER, "rencana_belum_disepakati", "2025"),
    }
    _import(container, tmp_path, "rekap-3.csv", [MISMATCH, HEAD])
    rows = _problems(container)
    assert _open(rows) == {(TEACHER, "predikat_tidak_sesuai", "2025")}
    assert [(rule, status) for _, _, rule, _, status, _ in rows] == [
        ("predikat_tidak_sesuai", "open"),
        ("rencana_belum_disepakati", "resolved"),
    ]
