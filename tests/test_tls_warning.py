"""TLS verification cannot be turned off quietly: every start of a command, `serve` and `doctor`
says so on stderr (Bahasa Indonesia) and in the log, for every ``verify_tls`` setting."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from pydantic import BaseModel

from service.settings import Settings, tls_unverified

OFF = {"EKINERJA_SIASN__VERIFY_TLS": "false", "EKINERJA_MYASN__VERIFY_TLS": "false"}
WARNING = "PERINGATAN: verifikasi TLS DIMATIKAN ({variable}=false)"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKINERJA_")}
    return {
        **env,
        "EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'ekinerja.db'}",
        "EKINERJA_LOG_FORMAT": "json",
        **extra,
    }


def _cli(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env=_env(tmp_path, **extra),
    )


def test_every_verify_setting_is_covered() -> None:
    """Each settings section with ``verify_tls`` turned off is named; no other knob can turn
    verification off under another name."""
    sections = {name: value for name, value in Settings() if isinstance(value, BaseModel)}
    knobs = {
        f"{name}.{field}"
        for name, section in sections.items()
        for field in type(section).model_fields
        if "verify" in field or "insecure" in field
    }
    assert knobs == {"siasn.verify_tls", "myasn.verify_tls"}
    for name, section in sections.items():
        if "verify_tls" in type(section).model_fields:
            off = section.model_copy(update={"verify_tls": False})
            settings = Settings().model_copy(update={name: off})
            assert tls_unverified(settings) == [f"EKINERJA_{name.upper()}__VERIFY_TLS"]
    assert tls_unverified(Settings()) == []
    siasn = Settings().siasn.model_copy(update={"verify_tls": False, "ca_bundle": "/ca.pem"})
    assert tls_unverified(Settings(siasn=siasn)) == []


def test_each_command_start_warns_on_stderr_and_in_the_log(tmp_path: Path) -> None:
    """`runs list` twice with both settings off: each start prints both warnings in Bahasa and
    logs ``tls_verification_disabled``; with verification on, nothing is said."""
    assert _cli(tmp_path, "db", "upgrade").returncode == 0  # `runs list` never creates the store
    for _ in range(2):
        result = _cli(tmp_path, "runs", "list", **OFF)
        assert result.returncode == 0, result.stderr
        for variable in OFF:
            assert WARNING.format(variable=variable) in result.stderr
        logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        assert {e["setting"] for e in logged if e["event"] == "tls_verification_disabled"} == set(OFF)
    quiet = _cli(tmp_path, "runs", "list")
    assert quiet.returncode == 0 and "TLS" not in quiet.stderr


def test_doctor_shows_the_warning_as_a_check(tmp_path: Path) -> None:
    """`doctor` with SIASN verification off: the warning on stderr and a ``tls`` check."""
    result = _cli(tmp_path, "doctor", "--json", EKINERJA_SIASN__VERIFY_TLS="false")
    assert WARNING.format(variable="EKINERJA_SIASN__VERIFY_TLS") in result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["tls"]["status"] == "warn" and "DIMATIKAN" in checks["tls"]["detail"]


def test_serve_start_warns(tmp_path: Path) -> None:
    """`serve` with MyASN verification off says so before it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path, EKINERJA_MYASN__VERIFY_TLS="false"),
    )
    try:
        deadline, said = time.monotonic() + 60, ""
        while time.monotonic() < deadline and "PERINGATAN" not in said:
            said += server.stderr.readline() if server.stderr else ""
            assert server.poll() is None or "PERINGATAN" in said, said
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert WARNING.format(variable="EKINERJA_MYASN__VERIFY_TLS") in said
