"""No secret, token or unmasked NIK anywhere an operator or an attacker with the files could look:
every log line (JSON, DEBUG), report, export (CSV/XLSX), run row and database row of the demo and
of a night with faults (an APIM token refused once, an SSO token expired, 5xx bursts), plus API
edits with a key and a console session."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import structlog

from service.container import Container
from service.logging import configure_logging
from simulators.dataset import World, generate_world
from simulators.siasn import SiasnCredentials, SiasnSimulator
from sync.access.accounts import set_local_account
from tests.console_site import ADMIN, PASSWORD, admin_client, build_site, serve
from tests.helpers import import_export, new_api_key, reconcile, staff_nip

pytestmark = pytest.mark.e2e
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
BEARER = re.compile(r"bearer\s+(?!\*)[A-Za-z0-9._~+/=-]{12,}", re.IGNORECASE)
SESSION_COOKIE = "ekinerja_sesi"


def niks(world: World) -> set[str]:
    """Every employee's NIK as SIASN's data-utama gives it (the simulator's rule)."""
    return {f"12{nip[:14]}" for nip in world.pegawai}


def database_text(url: str) -> str:
    """Every row of every table of the store, as text."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as connection:
        text = "\n".join(
            repr(row) for table in meta.sorted_tables for row in connection.execute(sa.select(table))
        )
    engine.dispose()
    return text


def xlsx_text(data: bytes) -> str:
    """The XML inside an XLSX file (cells, shared strings, properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


def leaks(texts: Iterable[tuple[str, str]], secrets: set[str], nik: set[str]) -> list[str]:
    """Where a secret, a token or an unmasked NIK was found (place: kind)."""
    found = []
    for place, text in texts:
        found += [f"{place}: secret {s[:6]}..." for s in secrets if s and s in text]
        found += [f"{place}: NIK {n[:4]}..." for n in nik if n in text]
        found += [f"{place}: token {m.group(0)[:14]}..." for p in (JWT, BEARER) for m in p.finditer(text)]
    return found


def test_demo_leaks_no_secret_token_or_nik(tmp_path: Path) -> None:
    """`ekinerja-sync demo`: its output, log lines and database hold no credential or token of
    the simulated instansi and no NIK; only the demo's own admin password is printed, once."""
    world = generate_world(1, 300)
    creds = SiasnCredentials.demo(world)
    database = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "demo", "--employees", "300", "--db", str(database)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    printed = re.search(r"kata sandi (\S+)", result.stdout)
    assert printed is not None, result.stdout
    password = printed.group(1)
    assert result.stdout.count(password) == 1
    found = leaks(
        [
            ("stdout", result.stdout.replace(password, "")),
            ("stderr", result.stderr),
            ("database", database_text(f"sqlite:///{database}")),
        ],
        {creds.consumer_secret, creds.sso_password, password},
        niks(world),
    )
    assert found == []


def test_night_with_faults_api_and_console_leak_nothing(
    container: Container, world: World, sim: SiasnSimulator, sim_server: object, tmp_path: Path
) -> None:
    """Two nights (the second with an APIM token refused once, an expired SSO token and 5xx
    bursts), API edits with a key, a console login and every export: no secret, token or NIK in
    any log line, report, export or database row."""
    logs = io.StringIO()
    configure_logging("json", "DEBUG", stream=logs)
    try:
        outputs = _play(container, world, sim)
    finally:
        structlog.reset_defaults()
    config = container.settings.siasn
    secrets = {
        config.consumer_secret.get_secret_value(),
        config.sso_password.get_secret_value(),
        PASSWORD,
        "rahasia-uji-formulir",
        *sim._apim_tokens,
        *json.loads(outputs.pop("secrets")),
    }
    places = [("log", logs.getvalue()), ("database", database_text(container.settings.database_url))]
    places += [
        (name, xlsx_text(data) if name.endswith("xlsx") else data.decode("utf-8"))
        for name, data in outputs.items()
    ]
    events = {json.loads(line)["event"] for line in logs.getvalue().splitlines()}
    assert {
        "sso_token_obtained",
        "access_denied",
        "login",
        "apim_token_refused_refreshing",
        "sso_token_refused_renewed",
    } <= events, events
    assert leaks(places, secrets, niks(world)) == []


def _play(container: Container, world: World, sim: SiasnSimulator) -> dict[str, bytes]:
    import_export(container, world)
    first = reconcile(container)
    key = new_api_key(container)
    cast = build_site(container, world, sim)
    sim.faults.script("apim_401", "sso_expired", "503", "502", "500", path="/data-utama")
    sim.faults.rates = {"500": 0.05, "503": 0.05}
    second = reconcile(container)
    sim.faults.clear()
    assert first["status"] == second["status"] == "completed", second
    outputs: dict[str, bytes] = {
        "first.json": json.dumps(first, default=str).encode(),
        "second.json": json.dumps(second, default=str).encode(),
    }
    with serve(container, cast) as site:
        with httpx.Client(base_url=site.url, timeout=60) as api:
            nip = staff_nip(world)
            for headers in (
                {"X-API-Key": key},
                {"Authorization": f"Bearer {key}"},
                {"X-API-Key": "eks_salah" + key[9:]},
            ):
                api.patch(
                    f"/api/v1/pegawai/{nip}",
                    headers=headers,
                    json={"changes": {"no_hp": "081311112222"}, "actor": "aplikasi", "reason": "uji"},
                )
            outputs["pegawai.json"] = api.get(f"/api/v1/pegawai/{nip}", headers={"X-API-Key": key}).content
        with admin_client(site) as client:
            cookie = client.cookies.get(SESSION_COOKIE) or ""
            for path in (
                "/admin/konflik/ekspor.csv",
                "/admin/konflik/ekspor.xlsx",
                "/admin/usulan-perbaikan/ekspor.csv",
                "/admin/usulan-perbaikan/ekspor.xlsx",
                "/admin/guru/ekspor.csv",
                "/admin/guru/ekspor.xlsx",
                "/admin/",
                "/admin/runs",
                f"/admin/pegawai/{nip}",
            ):
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.text[:300])
                outputs[path.replace("/", "_")] = answer.content
    outputs["secrets"] = json.dumps([key, cookie]).encode()
    return outputs


def test_set_local_account_keeps_only_a_hash(container: Container) -> None:
    """A local admin password reaches the database only as its scrypt hash."""
    from store.db import transaction

    with transaction(container.sessions) as session:
        set_local_account(session, ADMIN, PASSWORD)
    assert PASSWORD not in database_text(container.settings.database_url)


def test_the_scan_finds_each_kind_of_leak() -> None:
    """The scan itself reports a secret, a bearer token, a JWT and a NIK (so a clean result
    means something)."""
    text = (
        "x rahasia y | Authorization: Bearer abcdefghijklmnop | eyJhbGciOiJSUzI1NiJ9."
        "eyJzdWIiOiIxMjM0In0.sig | nik 1219860926201505"
    )
    found = leaks([("uji", text)], {"rahasia"}, {"1219860926201505"})
    assert len(found) == 4, found
    assert leaks([("uji", "Bearer *** nik 1219************05")], {"rahasia"}, {"1219860926201505"}) == []
