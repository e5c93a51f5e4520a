"""An SSO token that expires while ekinerja-sync works, over real sockets: the nightly run stops
cleanly and resumes once the token is renewed; the running API picks up a replaced token file."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from service.api import create_app
from service.container import Container
from service.settings import Settings
from simulators.dataset import World
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.models import AuditEntry, Pegawai, RosterEntry
from tests.helpers import count_rows, import_export, load_units, new_api_key, reconcile, staff_nip

pytestmark = pytest.mark.e2e


def _employee_audit(container: Container) -> int:
    with container.sessions() as session:
        return len(session.scalars(select(AuditEntry.id).where(AuditEntry.pegawai_nip.is_not(None))).all())


def replace_token(path: Path, token: str) -> None:
    """Write a new token as an operator would (a new file moved into place)."""
    fresh = path.with_suffix(".new")
    fresh.write_text(token)
    os.replace(fresh, path)
    later = time.time() + 1
    os.utime(path, (later, later))


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    """Where the operator keeps the SSO access token."""
    return tmp_path / "sso-token.txt"


@pytest.fixture
def file_mode(container: Container, token_file: Path) -> Iterator[Container]:
    """The same store and simulator, with the SSO token read from ``token_file``."""
    siasn = container.settings.siasn.model_copy(
        update={"sso_access_token_file": str(token_file), "sso_username": "", "rate": 0}
    )
    built = Container.build(Settings(database_url=container.settings.database_url, siasn=siasn))
    yield built
    built.close()


def test_token_expiring_mid_run_stops_cleanly_and_resumes(
    file_mode: Container, world: World, sim: SiasnSimulator, token_file: Path
) -> None:
    """The token lapses during the fetch: run 'stopped' with what to do, no employee written;
    after a new token the same run resumes and completes."""
    import_export(file_mode, world)
    sim.faults.latency = 0.05  # the fetch takes about 12 s: the token lapses in it, not in units
    token_file.write_text(sim.issue_sso_token(lifetime=4))
    stopped = reconcile(file_mode, concurrency=2)
    assert stopped["status"] == "stopped" and stopped["phase"] == "fetch"
    assert "expired at" in stopped["guard_reason"] and str(token_file) in stopped["guard_reason"]
    assert count_rows(file_mode, Pegawai) == 0 and _employee_audit(file_mode) == 0
    sim.faults.latency = 0.0
    replace_token(token_file, sim.issue_sso_token())
    resumed = reconcile(file_mode, concurrency=4)
    assert resumed["run_id"] == stopped["run_id"] and resumed["status"] == "completed"
    assert count_rows(file_mode, Pegawai) == count_rows(file_mode, RosterEntry)


def test_running_api_picks_up_a_replaced_token_file(
    file_mode: Container, world: World, sim: SiasnSimulator, token_file: Path
) -> None:
    """Expired token: Sinkron fails saying where to put a new one; replaced: it works, same
    server process."""
    token_file.write_text(sim.issue_sso_token())
    load_units(file_mode)
    replace_token(token_file, sim.issue_sso_token(lifetime=-30))
    nip = staff_nip(world)
    headers = {"X-API-Key": new_api_key(file_mode)}
    with (
        ServerThread(create_app(file_mode)) as server,
        httpx.Client(base_url=server.url, timeout=20, headers=headers) as client,
    ):
        failed = client.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
        assert failed.status_code == 502
        assert str(token_file) in failed.json()["error"]
        assert count_rows(file_mode, Pegawai) == 0
        replace_token(token_file, sim.issue_sso_token())
        done = client.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
        assert done.status_code == 200 and done.json()["status"] == "created"
