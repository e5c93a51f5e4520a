"""Access rules of the HTTP API through real HTTP: API keys, MyASN sessions (logged in through the
realm's form), local admins; employees on their own profile, operators on their units; 401/403
refusals logged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from simulators.myasn import REALM_PATH
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import AuditEntry, Unit
from sync.access.keys import revoke_api_key
from tests.access_site import PASSWORD, Site, logged_in, site_fixture  # noqa: F401

pytestmark = pytest.mark.e2e


def sinkron_status(client: httpx.Client, nip: str) -> int:
    """Status code of POST sinkron-siasn for ``nip``."""
    response = client.post(f"/api/v1/pegawai/{nip}/sinkron-siasn")
    assert response.status_code in (200, 401, 403), response.text
    return response.status_code


def _edit(client: httpx.Client, nip: str, **extra: Any) -> httpx.Response:
    return client.patch(
        f"/api/v1/pegawai/{nip}",
        json={"changes": {"no_hp": "081234567890"}, "reason": "pembaruan kontak", **extra},
    )


def test_no_or_bad_credentials_get_401_and_are_logged(site: Site) -> None:
    """No key, a wrong key, a revoked key or a forged cookie: 401 with the reason, logged."""
    with transaction(site.container.sessions) as session:
        revoke_api_key(session, "ekinerja-app")
    attempts = [
        {},
        {"X-API-Key": "eks_wrong"},
        {"X-API-Key": site.key},
        {"Authorization": f"Bearer {site.key}"},
        {"Cookie": "ekinerja_sesi=forged"},
    ]
    with capture_logs() as logs, httpx.Client(base_url=site.url, timeout=20) as client:
        for headers in attempts:
            for method, path in (
                ("POST", f"/api/v1/pegawai/{site.employee}/sinkron-siasn"),
                ("GET", f"/api/v1/pegawai/{site.employee}"),
            ):
                response = client.request(method, path, headers=headers)
                assert response.status_code == 401, (headers, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer")
    denied = [e for e in logs if e["event"] == "access_denied"]
    assert len(denied) == 10 and {e["status"] for e in denied} == {401}
    assert httpx.get(f"{site.url}/healthz", timeout=20).status_code == 200


def test_employee_acts_only_on_own_profile(site: Site) -> None:
    """Own profile: read and Sinkron SIASN; anyone else, edits and claims: 403, logged."""
    with capture_logs() as logs, logged_in(site, site.employee) as client:
        assert sinkron_status(client, site.employee) == 200
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 200
        assert sinkron_status(client, site.colleague) == 403
        refused = client.get(f"/api/v1/pegawai/{site.colleague}")
        assert refused.status_code == 403 and "profilnya sendiri" in refused.json()["detail"]
        assert _edit(client, site.employee).status_code == 403
        forged = client.post(
            f"/api/v1/pegawai/{site.employee}/sinkron-siasn", headers={"Origin": "https://evil.example"}
        )
        assert forged.status_code == 403 and "situs lain" in forged.json()["detail"]
        same = client.post(f"/api/v1/pegawai/{site.employee}/sinkron-siasn", headers={"Origin": site.url})
        assert same.status_code == 200
        claim = client.post(
            f"/api/v1/unor/{site.opd}/klaim-pimpinan", json={"nip": site.employee, "reason": "x"}
        )
        assert claim.status_code == 403
    denied = [e for e in logs if e["event"] == "access_denied"]
    assert [e["status"] for e in denied] == [403] * 5
    assert {e["actor"] for e in denied} == {f"myasn:{site.employee}"}


def test_operator_acts_on_employees_of_their_units(site: Site) -> None:
    """Inside the operator's OPD: allowed (audited as the operator); outside: 403."""
    with site.container.sessions() as session:
        opd = session.get(Unit, site.opd)
        assert opd is not None
    with logged_in(site, site.operator) as client:
        home = client.get("/").text
        assert "operator unit" in home and f"{opd.nama} dan unit di bawahnya" in home
        assert sinkron_status(client, site.employee) == 200
        assert sinkron_status(client, site.outsider) == 403
        edited = _edit(client, site.colleague, actor="someone-else")
        assert edited.status_code == 200, edited.text
        assert _edit(client, site.outsider).status_code == 403
        outside_claim = client.post(
            f"/api/v1/unor/{site.other_opd}/klaim-pimpinan", json={"nip": site.outsider, "reason": "x"}
        )
        assert outside_claim.status_code == 403
        assert "wilayah kerja" in outside_claim.json()["detail"]
    with site.container.sessions() as session:
        actors = {
            e.actor
            for e in session.query(AuditEntry).filter(
                AuditEntry.pegawai_nip == site.colleague, AuditEntry.action == "edit_lokal"
            )
        }
    assert actors == {f"myasn:{site.operator}"}


def test_admin_role_and_local_admin_act_on_everyone(site: Site) -> None:
    """The admin realm role and a local admin account reach every employee."""
    with logged_in(site, site.admin) as client:
        assert sinkron_status(client, site.outsider) == 200
        assert sinkron_status(client, site.employee) == 200
    with httpx.Client(base_url=site.url, timeout=20) as client:
        wrong = client.post("/login/lokal", data={"username": "admin-bkd", "password": "salah"})
        assert wrong.status_code == 401 and "salah" in wrong.text
        assert sinkron_status(client, site.outsider) == 401
        ok = client.post(
            "/login/lokal", data={"username": "admin-bkd", "password": PASSWORD, "next": "//evil.example/"}
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        assert _edit(client, site.outsider).status_code == 200
        assert "admin (semua unit)" in client.get("/").text


def test_api_key_acts_server_to_server_with_the_named_actor(site: Site) -> None:
    """The e-Kinerja app's key reaches everyone; the audit names the key and the person."""
    with httpx.Client(base_url=site.url, timeout=20, headers={"X-API-Key": site.key}) as client:
        assert sinkron_status(client, site.outsider) == 200
        assert _edit(client, site.outsider, actor="ani.bkd").status_code == 200
    with site.container.sessions() as session:
        entry = (
            session.query(AuditEntry)
            .filter(AuditEntry.pegawai_nip == site.outsider, AuditEntry.action == "edit_lokal")
            .one()
        )
    assert entry.actor == "apikey:ekinerja-app/ani.bkd"


def test_logout_ends_the_session_at_the_realm_too(site: Site, sim: SiasnSimulator) -> None:
    """After logout the cookie no longer works and the realm's session is ended too."""
    with logged_in(site, site.employee) as client:
        cookie = client.cookies["ekinerja_sesi"]
        assert site.employee in sim.realm.sessions.values()
        out = client.post("/logout")
        assert (
            out.status_code == 303
            and REALM_PATH + "/protocol/openid-connect/logout" in out.headers["location"]
        )
        back = client.get(out.headers["location"])
    assert back.status_code == 302 and back.headers["location"] == site.url + "/login"
    assert site.employee not in sim.realm.sessions.values()
    replay = httpx.post(
        f"{site.url}/api/v1/pegawai/{site.employee}/sinkron-siasn",
        cookies={"ekinerja_sesi": cookie},
        timeout=20,
    )
    assert replay.status_code == 401


def test_callback_not_started_in_this_browser_is_refused(site: Site) -> None:
    """A callback without the login cookie (login CSRF) or with an error gets no session."""
    with httpx.Client(base_url=site.url, timeout=20) as client:
        forged = client.get("/auth/callback", params={"code": "x", "state": "y"})
        assert forged.status_code == 400 and "ekinerja_sesi" not in client.cookies
        refused = client.get(
            "/auth/callback", params={"error": "access_denied", "error_description": "dibatalkan"}
        )
        assert refused.status_code == 400 and "dibatalkan" in refused.text


def test_granted_unit_extends_the_operator_area(site: Site) -> None:
    """`operator grant` adds a unit (and its subtree) to an operator's area; `revoke` removes it."""
    from tests.test_cli import cli

    env = {"EKINERJA_DATABASE_URL": site.container.settings.database_url}
    unknown = cli("operator", "grant", site.operator, "NOPE", "--oleh", "kepala BKD", env=env)
    assert unknown.returncode == 2 and "tidak ada unit yang cocok" in unknown.stderr
    with logged_in(site, site.operator) as client:
        assert sinkron_status(client, site.outsider) == 403
        granted = cli("operator", "grant", site.operator, site.other_opd, "--oleh", "kepala BKD", env=env)
        assert granted.returncode == 0, granted.stderr
        assert sinkron_status(client, site.outsider) == 200
        assert site.operator in cli("operator", "list", env=env).stdout
        assert cli("operator", "revoke", site.operator, site.other_opd, env=env).returncode == 0
        assert sinkron_status(client, site.outsider) == 403


def test_local_admin_locks_after_repeated_failures(site: Site) -> None:
    """Five wrong passwords lock the account (429) even for the right one; a new password from
    `admin set-password` unlocks it."""
    from tests.test_cli import cli

    with httpx.Client(base_url=site.url, timeout=20) as client:
        codes = [
            client.post("/login/lokal", data={"username": "admin-bkd", "password": f"salah-{i}"}).status_code
            for i in range(5)
        ]
        assert codes == [401, 401, 401, 401, 429]
        locked = client.post("/login/lokal", data={"username": "admin-bkd", "password": PASSWORD})
        assert locked.status_code == 429 and "dikunci" in locked.text
        env = {"EKINERJA_DATABASE_URL": site.container.settings.database_url}
        short = cli("admin", "set-password", "admin-bkd", "--password-stdin", env=env, stdin="pendek\n")
        assert short.returncode == 2 and "minimal 12 karakter" in short.stderr
        reset = cli(
            "admin",
            "set-password",
            "admin-bkd",
            "--password-stdin",
            env=env,
            stdin="sandi-baru-yang-panjang\n",
        )
        assert reset.returncode == 0, reset.stderr
        ok = client.post(
            "/login/lokal", data={"username": "admin-bkd", "password": "sandi-baru-yang-panjang"}
        )
        assert ok.status_code == 303


def test_a_key_s_use_is_recorded_to_the_minute_and_a_revocation_holds_at_once(site: Site) -> None:
    """The first request records the key's use; requests within the minute only read (no
    write lock per request); an older record is renewed; a revoked key is refused on its very
    next request, however recent its last use."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from store.models import ApiKey
    from sync.access.common import now

    def last_used() -> Any:
        with site.container.sessions() as session:
            return session.scalar(select(ApiKey.last_used_at).where(ApiKey.name == "ekinerja-app"))

    headers = {"X-API-Key": site.key}
    with httpx.Client(base_url=site.url, timeout=20, headers=headers) as client:
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 200
        first = last_used()
        assert first is not None
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 200
        assert last_used() == first  # within the minute: read, not written again
        with transaction(site.container.sessions) as session:
            session.execute(
                update(ApiKey)
                .where(ApiKey.name == "ekinerja-app")
                .values(last_used_at=now() - timedelta(minutes=5))
            )
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 200
        assert last_used() > first  # a record older than the minute is renewed
        with transaction(site.container.sessions) as session:
            revoke_api_key(session, "ekinerja-app")
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 401
