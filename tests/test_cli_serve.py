"""`ekinerja-sync serve` says where it listens and whether the nightly job is on, then serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.cli.system import base_url, listen_lines, nightly_line
from service.settings import AuthSettings, ScheduleSettings, Settings, SiasnSettings
from tests.test_cli import cli, cli_environment


@pytest.fixture
def cli_env(siasn_settings: SiasnSettings, tmp_path: Path) -> dict[str, str]:
    """EKINERJA_* variables pointing at the simulator and a SQLite file."""
    return cli_environment(siasn_settings, tmp_path)


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_serve(env: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start `serve` in its own process; return it and the lines it printed before serving."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    full_env.update(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    lines: list[str] = []
    assert process.stdout is not None
    watchdog = threading.Timer(60, process.kill)  # a serve that never prints fails, not hangs
    watchdog.start()
    try:
        while not any(line.startswith("Jadwal malam") for line in lines):
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        watchdog.cancel()
    return process, lines


def wait_healthy(url: str) -> httpx.Response:
    """GET ``url`` until the server answers (it starts right after printing)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> None:
    """Terminate the server process started by the test and reap it."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.e2e
def test_serve_prints_its_addresses_and_nightly_job_then_serves_there(cli_env: dict[str, str]) -> None:
    """Before uvicorn starts, `serve` prints the console, login, API and docs URLs and that the
    nightly job is on (cron, zone, next run); the printed address really answers."""
    port = free_port()
    process, lines = start_serve(
        {**cli_env, "EKINERJA_SCHEDULE__RECONCILE_CRON": "30 1 * * *"}, "--port", str(port)
    )
    try:
        text = "\n".join(lines)
        url = f"http://127.0.0.1:{port}"
        for expected in (f"{url}/login", f"{url}/api/v1", f"{url}/docs", f"{url}/admin/"):
            assert expected in text, text
        nightly = next(line for line in lines if line.startswith("Jadwal malam"))
        assert "aktif" in nightly and "30 1 * * *" in nightly and "Asia/Jakarta" in nightly
        assert "WIB" in nightly and "perhatian" not in text
        assert wait_healthy(f"{url}/healthz").status_code == 200
    finally:
        stop(process)


@pytest.mark.e2e
def test_serve_says_when_the_nightly_job_is_off_and_when_it_binds_everywhere(cli_env: dict[str, str]) -> None:
    """With the schedule disabled `serve` says so; bound to 0.0.0.0 it warns the service is
    reachable from the network and prints a loopback URL that works."""
    port = free_port()
    process, lines = start_serve(
        {**cli_env, "EKINERJA_SCHEDULE__ENABLED": "false"}, "--host", "0.0.0.0", "--port", str(port)
    )
    try:
        text = "\n".join(lines)
        assert "Jadwal malam: nonaktif" in text and "0.0.0.0" in text and "perhatian" in text
        assert wait_healthy(f"http://127.0.0.1:{port}/healthz").status_code == 200
    finally:
        stop(process)


def test_serve_refuses_a_bad_schedule_before_listening(tmp_path: Path) -> None:
    """A cron that cannot be read: exit 2, one line naming the variable, nothing served."""
    env = {
        "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "EKINERJA_SIASN__CONSUMER_KEY": "k",
        "EKINERJA_SIASN__CONSUMER_SECRET": "s",
        "EKINERJA_SIASN__SSO_ACCESS_TOKEN": "t",
        "EKINERJA_SCHEDULE__RECONCILE_CRON": "every night",
    }
    result = cli("serve", "--port", str(free_port()), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "EKINERJA_SCHEDULE__RECONCILE_CRON" in result.stderr
    assert "Traceback" not in result.stderr and "Mendengarkan" not in result.stdout


def test_base_url_and_nightly_line() -> None:
    """Wildcard binds are shown as loopback URLs, IPv6 in brackets; a disabled job says so."""
    assert base_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert base_url("::", 80) == "http://[::1]:80"
    assert base_url("10.1.2.3", 8080) == "http://10.1.2.3:8080"
    assert "nonaktif" in nightly_line(ScheduleSettings(enabled=False))
    line = nightly_line(ScheduleSettings(reconcile_cron="0 1 * * *", timezone="Asia/Makassar"))
    assert "Asia/Makassar" in line and "WITA" in line and "01:00" in line


def test_listen_lines_name_the_public_url_when_set() -> None:
    """Behind a proxy, `serve` also prints the public login address people should use."""
    settings = Settings(
        auth=AuthSettings(public_url="https://kinerja.example.go.id/"),
        schedule=ScheduleSettings(enabled=False),
    )
    text = "\n".join(listen_lines(settings, "127.0.0.1", 8080))
    assert "https://kinerja.example.go.id/login" in text and "http://127.0.0.1:8080/api/v1" in text
    bare = "\n".join(listen_lines(settings.model_copy(update={"auth": AuthSettings()}), "127.0.0.1", 8080))
    assert "alamat publik" not in bare


@pytest.mark.e2e
def test_serve_without_siasn_settings_serves_the_console_and_refuses_sinkron(tmp_path: Path) -> None:
    """With no SIASN credentials (the demo database, a review-only host) `serve` still starts:
    it warns, turns the nightly job off, serves the console, and Sinkron answers 503 saying
    what to set."""
    env = {"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    created = cli("apikey", "create", "ekinerja-app", env=env)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    port = free_port()
    process, lines = start_serve(env, "--port", str(port))
    try:
        text = "\n".join(lines)
        assert "EKINERJA_SIASN__CONSUMER_KEY" in text and "Jadwal malam: nonaktif" in text
        url = f"http://127.0.0.1:{port}"
        assert wait_healthy(f"{url}/healthz").status_code == 200
        assert httpx.get(f"{url}/admin/").status_code in (303, 307)  # to the login page
        refused = httpx.post(
            f"{url}/api/v1/pegawai/198609262015051001/sinkron-siasn", headers={"X-API-Key": key}, timeout=10
        )
        assert refused.status_code == 503
        assert "EKINERJA_SIASN__CONSUMER_KEY" in refused.json()["detail"]
    finally:
        stop(process)
