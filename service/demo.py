"""The demo a newcomer runs first: a simulated SIASN, two nights of reconciliation, the report."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy import select

from mappings.messages import t
from service.console.demo import demo_login
from service.container import Container
from service.render import plain, render_outcome
from service.settings import Settings, SiasnSettings
from simulators.dataset import generate_world
from simulators.faults import FaultPlan
from simulators.myasn import REALM_PATH, Account, RealmClient
from simulators.server import ServerThread
from simulators.siasn import (
    API_PREFIX,
    APIM_TOKEN_PATH,
    SSO_TOKEN_PATH,
    SiasnCredentials,
    SiasnSimulator,
)
from store.db import transaction
from store.models import Conflict, Pegawai, Unit
from sync import clock
from sync.profil.edit import edit_pegawai
from sync.profil.sinkron import Sinkron
from sync.reconcile.roster import import_roster


def simulator_settings(sim: SiasnSimulator, base_url: str) -> SiasnSettings:
    """SIASN settings pointing at a running simulator, with its printed credentials."""
    return credentials_settings(sim.credentials, base_url)


def credentials_settings(creds: SiasnCredentials, base_url: str) -> SiasnSettings:
    """SIASN settings for simulator credentials at ``base_url`` (no rate cap on loopback)."""
    return SiasnSettings(
        api_url=base_url + API_PREFIX,
        apim_token_url=base_url + APIM_TOKEN_PATH,
        sso_token_url=base_url + SSO_TOKEN_PATH,
        consumer_key=creds.consumer_key,
        consumer_secret=SecretStr(creds.consumer_secret),
        sso_client_id=creds.sso_client_id,
        sso_username=creds.sso_username,
        sso_password=SecretStr(creds.sso_password),
        rate=0,
        retry_base_delay=0.05,
    )


LOGIN_CLIENT = "ekinerja-sync"
DEMO_PASSWORD = "sandi-demo-2026"
OPERATOR_ROLE = "role:siasn-instansi:peremajaan:operator"


def serve_simulator(*, port: int, employees: int, seed: int, latency_ms: float, error_rate: float) -> None:
    """Serve a simulated SIASN until interrupted, printing how to point ekinerja-sync at it."""
    world = generate_world(seed, employees)
    faults = FaultPlan(latency=latency_ms / 1000, rates={"503": error_rate} if error_rate else {})
    sim = SiasnSimulator(world, faults=faults)
    server = ServerThread(sim.app(), port=port).start()
    config = simulator_settings(sim, server.url)
    print(
        t(
            "cli.demo.sim_started",
            instansi=world.instansi_nama,
            pegawai=len(world.pegawai),
            units=len(world.units),
            seed=seed,
            url=server.url,
        ),
        flush=True,
    )
    print(t("cli.demo.use_it"))
    for name in (
        "api_url",
        "apim_token_url",
        "sso_token_url",
        "consumer_key",
        "sso_client_id",
        "sso_username",
    ):
        print(f"  export EKINERJA_SIASN__{name.upper()}={getattr(config, name)}")
    print(f"  export EKINERJA_SIASN__CONSUMER_SECRET={sim.credentials.consumer_secret}")
    print(f"  export EKINERJA_SIASN__SSO_PASSWORD={sim.credentials.sso_password}")
    print(t("cli.demo.myasn_login"))
    print(f"  export EKINERJA_MYASN__ISSUER={server.url}{REALM_PATH}")
    print(f"  export EKINERJA_MYASN__CLIENT_ID={LOGIN_CLIENT}")
    for line in login_accounts(sim):
        print(f"  {line}")
    print(t("cli.demo.sample_nips", nips=" ".join(list(world.pegawai)[:5])))
    print(t("cli.demo.roster_csv", url=server.url), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def login_accounts(sim: SiasnSimulator) -> list[str]:
    """Register the login client and two ASN accounts (employee, unit operator); describe them."""
    sim.realm.add_client(
        RealmClient(LOGIN_CLIENT, redirect_prefixes=["http://127.0.0.1", "http://localhost"])
    )
    world = sim.world
    root = next(u for u in world.units.values() if not u.parent_id)
    service_account = sim.credentials.sso_username
    heads = [
        (u, world.by_pns_id(u.pemimpin_pns_id or ""))
        for u in world.units.values()
        if u.parent_id == root.id and u.pemimpin_pns_id
    ]
    opd, head = next(((u, h) for u, h in heads if h and h.nip != service_account), heads[0])
    staff = next(
        p
        for p in world.pegawai.values()
        if p.nip != sim.credentials.sso_username and (head is None or p.nip != head.nip)
    )
    lines = []
    for person, roles, label in (
        (staff, [], "pegawai"),
        (head, [OPERATOR_ROLE], t("cli.demo.operator_of", unit=opd.nama)),
    ):
        if person is None or person.nip == sim.credentials.sso_username:
            continue
        sim.realm.add_account(Account(person.nip, DEMO_PASSWORD, person.nama.title(), roles=roles))
        lines.append(t("cli.demo.login_line", nip=person.nip, password=DEMO_PASSWORD, label=label))
    return lines


def start_simulator_process(
    *, employees: int, seed: int, latency_ms: float = 0
) -> tuple[subprocess.Popen[bytes], str]:
    """`ekinerja-sync simulate` in its own process on a free port; returns it and its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "service.cli",
            "simulate",
            "--port",
            str(port),
            "--employees",
            str(employees),
            "--seed",
            str(seed),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_sim/stats", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(t("cli.demo.sim_not_started"))


def run_demo(console: Console, *, employees: int, seed: int, db_path: str) -> int:
    """Play the demo; returns the process exit code."""
    from service.cli.runs_report import render_report

    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    creds = SiasnCredentials.demo(generate_world(seed, employees))
    process, url = start_simulator_process(employees=employees, seed=seed)
    try:
        settings = Settings(database_url=f"sqlite:///{db_path}", siasn=credentials_settings(creds, url))
        container = Container.build(settings)
        console.print(
            t("cli.demo.started", employees=employees, seed=seed, url=plain(url), db=plain(db_path))
        )
        roster = _import(container, url)
        console.print("\n" + t("cli.demo.step_roster", count=roster) + "\n")
        render_report(console, _reconcile(container))
        changes = httpx.post(f"{url}/_sim/advance-day", timeout=60).json()
        console.print(
            "\n"
            + t(
                "cli.demo.step_next_day",
                **{
                    key: len(changes[key])
                    for key in (
                        "mutasi",
                        "naik_pangkat",
                        "pensiun",
                        "meninggal",
                        "cpns_baru",
                        "unit_merged",
                        "new_head",
                    )
                },
            )
        )
        clash = _local_edits(container, changes)
        console.print(t("cli.demo.local_edits", nip=plain(clash), count=_import(container, url)) + "\n")
        report = _reconcile(container)
        render_report(console, report)
        _show_conflicts(console, container)
        console.print("\n" + t("cli.demo.step_sinkron"))
        render_outcome(console, asyncio.run(_sinkron(container, clash)))
        console.print(
            "\n" + plain(t("cli.demo.see_more", url=settings.database_url, nip=clash)), highlight=False
        )
        console.print(demo_login(container).text(settings.database_url), markup=False, highlight=False)
        container.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 0


def _import(container: Container, url: str) -> int:
    data = httpx.get(f"{url}/_sim/export-data-asn.csv", timeout=60).content
    with transaction(container.sessions) as session:
        return import_roster(session, data, source="export-data-asn.csv").imported


def _reconcile(container: Container) -> dict[str, Any]:
    """One reconciliation through the job entry point, with the CLI's progress bar."""
    from service.cli.runs import reconcile_with_progress
    from sync.reconcile import ReconcileOptions

    return asyncio.run(
        reconcile_with_progress(
            container, ReconcileOptions(concurrency=16, timezone=container.settings.display_timezone)
        )
    )


def _local_edits(container: Container, changes: dict[str, Any]) -> str:
    changed = {
        n
        for key in (
            "mutasi",
            "naik_pangkat",
            "pensiun",
            "meninggal",
            "moved_by_merge",
            "stuck_in_removed_unit",
        )
        for n in changes[key]
    }
    clash = changes["mutasi"][0]
    with transaction(container.sessions) as session:
        quiet = session.scalar(
            select(Pegawai.nip)
            .where(Pegawai.aktif.is_(True), Pegawai.jenis_jabatan_id == 4, Pegawai.nip.not_in(changed))
            .limit(1)
        )
        person = session.scalar(select(Pegawai).where(Pegawai.nip == clash))
        if person is None or quiet is None:
            raise RuntimeError(t("cli.demo.world_too_small"))
        other = session.scalar(
            select(Unit.id)
            .where(Unit.aktif.is_(True), Unit.eselon_id == 41, Unit.id != person.unor_id)
            .limit(1)
        )
        edit_pegawai(
            session, quiet, {"no_hp": "081300000001"}, actor="operator.bkd", reason="nomor baru dari pegawai"
        )
        edit_pegawai(session, clash, {"unor_id": other}, actor="operator.bkd", reason="nota dinas penempatan")
    return str(clash)


def _show_conflicts(console: Console, container: Container) -> None:
    with container.sessions() as session:
        rows = session.execute(
            select(Pegawai.nip, Conflict.field, Conflict.explanation)
            .join(Pegawai, Pegawai.id == Conflict.pegawai_id)
            .where(Conflict.status == "open")
        ).all()
    console.print("\n" + t("cli.demo.waiting_conflicts", count=len(rows)))
    for nip, name, explanation in rows:
        console.print(f"  {plain(nip)} {plain(name)}: {plain(explanation)}", highlight=False)


async def _sinkron(container: Container, nip: str) -> Any:
    async with container.siasn() as siasn:
        return await Sinkron(siasn, container.sessions, clock.zone(container.settings.display_timezone)).run(
            nip, actor="pegawai"
        )
