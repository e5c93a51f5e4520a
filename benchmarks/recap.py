"""Measure `pmm import` of a province-sized recap file: rows/s, first import and re-run.

    python -m benchmarks.recap --rows 100000
    python -m benchmarks.recap --rows 100000 --baseline /work/main --baseline-rows 10000

A fresh SQLite store gets ``rows`` teachers in schools of 40 with their principal as derived
supervisor (bulk-inserted, no simulator), then a recap CSV of as many rows with the mix a real
file has: mostly rated rows, and per hundred one unknown NIP, one NIP Excel turned into a number,
one duplicate row, one plan still "Diajukan" without ratings and one predikat off the matrix.
Each measurement runs in its own process (``--baseline`` runs the same measurement over another
checkout's code, e.g. main's worktree) and reports wall time, rows/s, and the peak RSS (VmHWM) of
that process, with the CPU time (on a shared machine the wall time follows the load, the
CPU time much less); ``--profile`` adds cProfile's top entries of the first import. Ratios, not absolute
times, are the claims.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HEADER = (
    "NIP;NUPTK;Nama;Jenis PTK;NPSN;Satuan Pendidikan;Periode;Status;Rating Hasil Kerja;"
    "Rating Perilaku Kerja;Predikat;NIP Penilai;Nama Penilai;Tanggal Penilaian"
)
PER_SCHOOL = 40
BASE_NIP = 198001012005011001


def teacher_nip(i: int) -> str:
    """The NIP of teacher ``i`` (18 digits, never ending in 000)."""
    return str(BASE_NIP + i * 1000)


def principal_nip(school: int) -> str:
    """The NIP of the principal of ``school``."""
    return str(196501011990031001 + school * 1000)


def stock(database_url: str, rows: int) -> None:
    """Units (schools), principals and teachers with their supervisor links, bulk-inserted."""
    from sqlalchemy import insert, select

    from service.container import Container
    from service.settings import Settings
    from store.db import transaction
    from store.models import Pegawai, SupervisorLink, Unit

    container = Container.build(Settings(database_url=database_url))
    now = datetime.now(UTC)
    schools = rows // PER_SCHOOL + 1
    with transaction(container.sessions) as session:
        session.execute(
            insert(Unit), [{"id": f"U{s}", "nama": f"SMA Negeri {s}", "aktif": True} for s in range(schools)]
        )
        people = [
            {"nip": principal_nip(s), "nama": f"Kepala {s}", "unor_id": f"U{s}", "jabatan": "Kepala Sekolah"}
            for s in range(schools)
        ]
        people += [
            {
                "nip": teacher_nip(i),
                "nama": f"Guru Nomor {i}, S.Pd.",
                "unor_id": f"U{i // PER_SCHOOL}",
                "jabatan": "Guru Ahli Muda",
            }
            for i in range(rows)
        ]
        session.execute(insert(Pegawai), people)
        ids = {nip: id_ for nip, id_ in session.execute(select(Pegawai.nip, Pegawai.id))}
        session.execute(
            insert(SupervisorLink),
            [
                {
                    "pegawai_id": ids[teacher_nip(i)],
                    "atasan_id": ids[principal_nip(i // PER_SCHOOL)],
                    "source": "unit",
                    "reason": "kepala_unit",
                    "derived_at": now,
                }
                for i in range(rows)
            ],
        )
    container.close()


def recap_line(i: int) -> str:
    """Row ``i`` of the recap, with the per-hundred mix of troubles."""
    school = i // PER_SCHOOL
    nip, status, hasil, perilaku, predikat = (
        teacher_nip(i),
        "Dinilai",
        "Sesuai Ekspektasi",
        "Sesuai Ekspektasi",
        "Baik",
    )
    kind = i % 100
    if kind == 0:
        nip = str(199901012020011001 + i * 1000)  # not in the store
    elif kind == 1:
        nip = f"{float(nip):.5E}"  # Excel turned it into a number
    elif kind == 2:
        nip = teacher_nip(i - 1)  # the row above, exported twice
        school = (i - 1) // PER_SCHOOL
    elif kind == 3:
        status, hasil, perilaku, predikat = "Diajukan", "", "", ""
    elif kind == 4:
        predikat = "Sangat Baik"  # not what the matrix gives
    return (
        f"{nip};{4644765666300012 + i};Guru Nomor {i}, S.Pd.;Guru;{20500000 + school};"
        f"SMA Negeri {school};2025;{status};{hasil};{perilaku};{predikat};"
        f"{principal_nip(school)};Kepala {school};15/12/2025"
    )


def write_recap(path: Path, rows: int) -> None:
    """The recap CSV of ``rows`` rows."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            out.write(recap_line(i) + "\n")


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM), MiB."""
    with open("/proc/self/status") as status:
        line = next(entry for entry in status if entry.startswith("VmHWM"))
    return int(line.split()[1]) / 1024


def measure(rows: int, profile: bool) -> dict[str, Any]:
    """Stock a store, import the recap twice; wall time and rows/s of each, peak RSS."""
    from service.container import Container
    from service.logging import configure_logging
    from service.settings import Settings
    from sync.pmm.file_source import import_file

    configure_logging("console", "WARNING")
    folder = Path(tempfile.mkdtemp(prefix="bench-recap-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    stock(url, rows)
    recap = folder / "rekap.csv"
    write_recap(recap, rows)
    container = Container.build(Settings(database_url=url))
    result: dict[str, Any] = {"rows": rows}
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU, not the load
    for run in ("first", "rerun"):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None and run == "first":
            profiler.enable()
        report = import_file(container.sessions, recap)
        if profiler is not None and run == "first":
            profiler.disable()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        result[run] = {
            "wall_s": round(wall, 2),
            "rows_per_s": round(rows / wall, 1),
            "cpu_s": round(cpu, 2),
            "rows_per_cpu_s": round(rows / cpu, 1),
            "counts": {k: v for k, v in report["counts"].items() if v},
        }
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        result["profile"] = text.getvalue()
    container.close()
    shutil.rmtree(folder)
    return result


def run_child(code_root: Path | None, rows: int, profile: bool) -> dict[str, Any]:
    """One measurement in its own process, over ``code_root``'s code when given."""
    env = dict(os.environ)
    if code_root is not None:
        env["PYTHONPATH"] = str(code_root)
    argv = [sys.executable, str(Path(__file__).resolve()), "--measure", "--rows", str(rows)]
    done = subprocess.run(
        argv + (["--profile"] if profile else []),
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=code_root or Path.cwd(),
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    """Measure this checkout (and the baseline's when asked); print rows/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure, e.g. main")
    parser.add_argument("--baseline-rows", type=int, help="rows for the baseline (it is slow)")
    parser.add_argument("--profile", action="store_true", help="cProfile top entries")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.rows, args.profile)))
        return
    results = {"current": run_child(None, args.rows, args.profile)}
    if args.baseline is not None:
        results["baseline"] = run_child(args.baseline, args.baseline_rows or args.rows, False)
    for name, result in results.items():
        for run in ("first", "rerun"):
            got = result[run]
            print(
                f"{name:9} {run:6} rows={result['rows']:>7}  {got['rows_per_s']:>8} rows/s "
                f"({got['wall_s']} s wall)  {got['rows_per_cpu_s']:>8} rows per CPU-s  "
                f"peak RSS {result['peak_rss_mib']} MiB"
            )
    if "baseline" in results:
        for run in ("first", "rerun"):
            now, before = results["current"][run], results["baseline"][run]
            print(
                f"ratio {run}: {now['rows_per_s'] / before['rows_per_s']:.1f}x wall, "
                f"{now['rows_per_cpu_s'] / before['rows_per_cpu_s']:.1f}x CPU"
            )
    if args.profile:
        print(results["current"]["profile"])
    print(
        json.dumps({k: {n: v for n, v in r.items() if n != "profile"} for k, r in results.items()}, indent=2)
    )


if __name__ == "__main__":
    main()
