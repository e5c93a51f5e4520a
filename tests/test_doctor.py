"""``ekinerja-sync doctor`` as an operator runs it: healthy, then each broken case it must name,
with the fix, and a non-zero exit."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from service.settings import SiasnSettings
from simulators.myasn import REALM_PATH, RealmClient
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import head_revision, make_engine, upgrade
from tests.helpers import staff_nip
from tests.test_cli import cli

pytestmark = pytest.mark.e2e


def _env(siasn: SiasnSettings, database_url: str, **overrides: str) -> dict[str, str]:
    env = {"EKINERJA_DATABASE_URL": database_url}
    for name, value in siasn.model_dump().items():
        if value is not None:
            secret = getattr(value, "get_secret_value", None)
            env[f"EKINERJA_SIASN__{name.upper()}"] = str(secret() if secret else value)
    env.update(overrides)
    return env


def doctor(env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """Run `doctor --json`; returns the exit code and the findings by check name."""
    result = cli("doctor", "--json", env=env)
    body = json.loads(result.stdout)
    assert body["ok"] is (result.returncode == 0), result.stdout
    return result.returncode, {c["name"]: c for c in body["checks"]}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ready_db(database_url: str) -> str:
    """A database at the code's schema, with an API key."""
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    created = cli("apikey", "create", "ekinerja-app", env={"EKINERJA_DATABASE_URL": database_url})
    assert created.returncode == 0 and created.stdout.startswith("eks_"), created.stderr
    return database_url


def test_healthy_setup_passes_every_check(
    ready_db: str, siasn_settings: SiasnSettings, sim: SiasnSimulator, sim_server: ServerThread
) -> None:
    """Database current and holding an employee, tokens valid, SIASN and the realm answering:
    exit 0, all ok."""
    sim.realm.add_client(RealmClient("ekinerja-sync"))
    env = _env(
        siasn_settings,
        ready_db,
        EKINERJA_MYASN__ISSUER=sim_server.url + REALM_PATH,
        EKINERJA_MYASN__CLIENT_ID="ekinerja-sync",
    )
    assert cli("sinkron", staff_nip(sim.world), env=env).returncode == 0
    code, checks = doctor(env)
    assert code == 0
    assert {n: c["status"] for n, c in checks.items()} == {
        "database": "ok",
        "access": "ok",
        "audit": "ok",
        "siasn.apim": "ok",
        "siasn.sso": "ok",
        "siasn.api": "ok",
        "myasn": "ok",
    }
    assert "mode password" in checks["siasn.sso"]["detail"]
    assert "sisa" in checks["siasn.sso"]["detail"]


def test_pending_migration_is_broken_with_the_command_to_run(
    database_url: str, siasn_settings: SiasnSettings
) -> None:
    """A database one migration behind: database BROKEN, fix `db upgrade`, exit 1."""
    engine = make_engine(database_url)
    upgrade(engine, "0002")
    engine.dispose()
    code, checks = doctor(_env(siasn_settings, database_url))
    assert code == 1
    assert checks["database"]["status"] == "error"
    assert f"pada skema 0002, kode membutuhkan {head_revision()}" in checks["database"]["detail"]
    assert checks["database"]["fix"] == "jalankan `ekinerja-sync db upgrade`"


def test_wrong_consumer_secret_names_the_setting(
    tmp_path: Path, siasn_settings: SiasnSettings, sim_server: ServerThread
) -> None:
    """APIM refusing the consumer secret: siasn.apim BROKEN, the call not tried."""
    db = f"sqlite:///{tmp_path / 'd.db'}"
    upgrade(make_engine(db))
    code, checks = doctor(_env(siasn_settings, db, EKINERJA_SIASN__CONSUMER_SECRET="salah"))
    assert code == 1 and checks["siasn.apim"]["status"] == "error"
    assert "HTTP 401" in checks["siasn.apim"]["detail"]
    assert "EKINERJA_SIASN__CONSUMER_SECRET" in checks["siasn.apim"]["fix"]
    assert checks["siasn.api"]["status"] == "skip"
    assert "salah" not in json.dumps(checks)


def test_unreachable_host_is_named(tmp_path: Path, siasn_settings: SiasnSettings) -> None:
    """Nothing listening at the SIASN or MyASN address: BROKEN naming the unreachable host."""
    db = f"sqlite:///{tmp_path / 'd.db'}"
    upgrade(make_engine(db))
    dead = f"http://127.0.0.1:{_closed_port()}"
    code, checks = doctor(
        _env(
            siasn_settings,
            db,
            EKINERJA_SIASN__API_URL=dead + "/apisiasn/1.0",
            EKINERJA_SIASN__APIM_TOKEN_URL=dead + "/oauth2/token",
            EKINERJA_SIASN__SSO_TOKEN_URL=dead + REALM_PATH + "/protocol/openid-connect/token",
            EKINERJA_MYASN__ISSUER=dead + REALM_PATH,
            EKINERJA_MYASN__CLIENT_ID="ekinerja-sync",
        )
    )
    assert code == 1
    for name in ("siasn.apim", "siasn.sso", "myasn"):
        assert checks[name]["status"] == "error", checks[name]
        assert checks[name]["fix"].startswith("tidak dapat menjangkau 127.0.0.1"), checks[name]


def test_expired_and_expiring_sso_tokens(
    tmp_path: Path, siasn_settings: SiasnSettings, sim: SiasnSimulator
) -> None:
    """An expired supplied token is BROKEN with what to do; one expiring soon is a warning."""
    db = f"sqlite:///{tmp_path / 'd.db'}"
    upgrade(make_engine(db))
    expired = sim.issue_sso_token(lifetime=-600)
    code, checks = doctor(_env(siasn_settings, db, EKINERJA_SIASN__SSO_ACCESS_TOKEN=expired))
    assert code == 1 and checks["siasn.sso"]["status"] == "error"
    assert "expired at" in checks["siasn.sso"]["detail"]
    assert "EKINERJA_SIASN__SSO_ACCESS_TOKEN" in checks["siasn.sso"]["detail"]
    soon = sim.issue_sso_token(lifetime=1200)
    code, checks = doctor(_env(siasn_settings, db, EKINERJA_SIASN__SSO_ACCESS_TOKEN=soon))
    assert checks["siasn.sso"]["status"] == "warn" and "mode access_token" in checks["siasn.sso"]["detail"]
    assert checks["siasn.api"]["status"] == "ok"
    assert checks["access"]["status"] == "warn" and "apikey create" in checks["access"]["fix"]
    assert code == 0


def test_missing_credentials_and_human_output(tmp_path: Path) -> None:
    """No SIASN credentials at all: the readable report names the variables; exit 1."""
    result = cli("doctor", env={"EKINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.returncode == 1
    assert "RUSAK  siasn.config" in result.stdout
    assert "EKINERJA_SIASN__CONSUMER_KEY" in result.stdout
    assert "jalankan `ekinerja-sync db upgrade`" in result.stdout
    assert not (tmp_path / "x.db").exists()  # doctor never creates the store it checks
