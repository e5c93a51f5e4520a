"""Console page loads over a generated store: every list, the run detail and the unit picker.

Generates a province (``benchmarks.console_store``: 20,000 employees over about 5,000 units, 30
nights, a held night, conflicts, PMM feeds) into a SQLite file (or ``--database-url``), serves
the app on loopback, logs in as a local admin and as an operator, and times each page a few
times over real HTTP. Prints a table and writes JSON; the target is under 300 ms per page.

    .venv/bin/python -m benchmarks.console --employees 20000 --units 5000 --out console.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.console_store import Generated, populate
from service.api import create_app
from service.container import Container
from service.logging import configure_logging
from service.settings import AuthSettings, Settings
from simulators.server import ServerThread
from store.db import make_engine, transaction, upgrade
from sync.access.accounts import set_local_account
from sync.access.grants import grant_unit
from sync.access.sessions import SessionInfo, open_session

ADMIN, PASSWORD = "admin-bench", "sandi-benchmark-panjang"
OPERATOR_ROLE = "role:siasn-instansi:peremajaan:operator"
TARGET_MS = 300.0


def pages(gen: Generated) -> list[tuple[str, str]]:
    """(name, path) of every page timed for the admin."""
    night, nip = gen.nights[-1], gen.nips[len(gen.nips) // 2]
    return [
        ("beranda", "/admin/"),
        ("konflik", "/admin/konflik"),
        ("konflik unit", "/admin/konflik?unit=D01"),
        ("konflik unit ketik", "/admin/konflik?unit_cari=kesehatan+bidang+pembinaan"),
        ("pegawai", "/admin/pegawai"),
        ("pegawai hal 300", "/admin/pegawai?hal=300&urut=-nip"),
        ("pegawai cari", "/admin/pegawai?q=siti"),
        ("pegawai unit", "/admin/pegawai?unit=D00"),
        ("profil", f"/admin/pegawai/{nip}"),
        ("runs", "/admin/runs"),
        ("runs pmm", "/admin/runs?jenis=pmm"),
        ("run berubah", f"/admin/runs/{night}"),
        ("run semua hal 200", f"/admin/runs/{night}?situasi=semua&hal=200"),
        ("run ditahan", f"/admin/runs/{gen.held}"),
        ("usulan", "/admin/usulan-perbaikan"),
        ("guru", "/admin/guru"),
        ("pemilih json: pembinaan", "/admin/unor/cari.json?q=pembinaan"),
        ("pemilih json: sd negeri 1", "/admin/unor/cari.json?q=sd+negeri+1"),
        ("pemilih json: kosong", "/admin/unor/cari.json?q="),
        ("pemilih halaman", "/admin/unor/cari?q=seksi+1&kembali=/admin/konflik"),
    ]


def operator_pages() -> list[tuple[str, str]]:
    """(name, path) of the pages timed for an operator of one dinas."""
    return [
        ("operator beranda", "/admin/"),
        ("operator pegawai", "/admin/pegawai"),
        ("operator konflik", "/admin/konflik"),
        ("operator pemilih", "/admin/unor/cari.json?q=seksi"),
    ]


def timed(client: httpx.Client, path: str, repeat: int) -> dict[str, Any]:
    """Median and worst of ``repeat`` loads of ``path`` after one warm-up load (ms)."""
    warm = client.get(path)
    if warm.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {warm.status_code}")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status_code}")
    return {
        "path": path,
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "bytes": len(warm.content),
    }


def build(url: str, employees: int, units: int) -> tuple[Container, Generated, str]:
    """A migrated, populated store, the container serving it, and an operator's session."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url, auth=AuthSettings(csrf_secret="bench"))
    container = Container.build(settings)
    started = time.perf_counter()
    gen = populate(container.sessions, employees=employees, units=units)
    print(f"generated {employees} employees, {len(gen.units)} units in {time.perf_counter() - started:.1f} s")
    operator = next(n for n in gen.nips if gen.unit_of[n].startswith("D01"))
    with transaction(container.sessions) as session:
        set_local_account(session, ADMIN, PASSWORD)
        grant_unit(session, operator, "D01", by="benchmark")
        cookie = open_session(
            session,
            SessionInfo(
                source="myasn", username=operator, name="Operator", roles=(OPERATOR_ROLE,), id_token=None
            ),
            ttl=3600,
        )
    return container, gen, cookie


def run(url: str, employees: int, units: int, repeat: int) -> dict[str, Any]:
    """Generate, serve and time; the results as a JSON-ready mapping."""
    container, gen, cookie = build(url, employees, units)
    results: dict[str, Any] = {}
    try:
        with ServerThread(create_app(container)) as server:
            with httpx.Client(base_url=server.url, timeout=60) as admin:
                done = admin.post(
                    "/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/admin/"}
                )
                if done.status_code != 303:
                    raise RuntimeError(f"login failed: HTTP {done.status_code}")
                for name, path in pages(gen):
                    results[name] = timed(admin, path, repeat)
            with httpx.Client(base_url=server.url, timeout=60, cookies={"ekinerja_sesi": cookie}) as operator:
                for name, path in operator_pages():
                    results[name] = timed(operator, path, repeat)
    finally:
        container.close()
    return {
        "employees": employees,
        "units": len(gen.units),
        "repeat": repeat,
        "database": url.split(":", 1)[0],
        "target_ms": TARGET_MS,
        "pages": results,
    }


def table(report: dict[str, Any]) -> str:
    """The results as a short text table."""
    lines = [
        f"{report['employees']} employees, {report['units']} units, {report['database']}, "
        f"median of {report['repeat']} loads (target < {TARGET_MS:.0f} ms)",
        f"{'page':28} {'median ms':>10} {'max ms':>8} {'KiB':>6}",
    ]
    for name, row in report["pages"].items():
        flag = "" if row["median_ms"] < TARGET_MS else "  OVER"
        lines.append(
            f"{name:28} {row['median_ms']:>10.1f} {row['max_ms']:>8.1f} {row['bytes'] / 1024:>6.0f}{flag}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=20000)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", type=Path, default=Path("benchmark-console.json"))
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'console.db'}"
        report = run(url, args.employees, args.units, args.repeat)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
