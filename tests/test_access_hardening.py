"""Access under attack, over real HTTP on SQLite and PostgreSQL (issue 8, findings 1-4): an
operator cannot widen their own area, login throttling is atomic per account and client,
sessions end with a password change or a disabled account, and requests are authenticated before
their body is read, bounded in size, refused cross-site at login, answered without echo; the
MyASN ID token is never stored in plain text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import func, inspect, select

from simulators.myasn import REALM_PATH
from simulators.siasn import SiasnSimulator
from store.db import make_engine, session_factory, transaction, upgrade
from store.models import AuditEntry, LoginThrottle, Pegawai, WebSession
from sync.access.throttle import Attempt, reserve_login, sweep_login_throttle
from tests.access_site import PASSWORD, Site, logged_in, site_fixture  # noqa: F401
from tests.test_cli import cli

pytestmark = pytest.mark.e2e


def _root(site: Site) -> str:
    from store.models import Unit

    with site.container.sessions() as session:
        return session.scalars(select(Unit.id).where(Unit.parent_id.is_(None))).one()


def _audit_count(site: Site) -> int:
    with site.container.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_operator_cannot_widen_their_own_area(site: Site) -> None:
    """PATCHing one's own unor_id is refused (403), and even when someone else moves the
    operator's local record to the root unit, their area stays the unit SIASN reports."""
    root = _root(site)
    with logged_in(site, site.operator) as client:
        own = client.patch(
            f"/api/v1/pegawai/{site.operator}",
            json={"changes": {"unor_id": root}, "reason": "pindah ke induk"},
        )
        assert own.status_code == 403, own.text
        assert "wilayah kerja" in own.json()["detail"]
        by_admin = httpx.patch(
            f"{site.url}/api/v1/pegawai/{site.operator}",
            timeout=20,
            headers={"X-API-Key": site.key},
            json={"changes": {"unor_id": root}, "reason": "salah input"},
        )
        assert by_admin.status_code == 200, by_admin.text
        assert client.post(f"/api/v1/pegawai/{site.outsider}/sinkron-siasn").status_code == 403
        assert client.get(f"/api/v1/pegawai/{site.outsider}").status_code == 403
        assert client.post(f"/api/v1/pegawai/{site.employee}/sinkron-siasn").status_code == 200
    with site.container.sessions() as session:
        stored = session.scalars(select(Pegawai.unor_id).where(Pegawai.nip == site.operator))
        assert stored.one() == root


def _login(url: str, password: str, *, source: str = "127.0.0.1") -> httpx.Response:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=url, timeout=60, transport=transport) as client:
        return client.post("/login/lokal", data={"username": "admin-bkd", "password": password})


def test_hundred_concurrent_wrong_passwords_check_at_most_five(site: Site) -> None:
    """100 concurrent wrong passwords from one client: at most 5 are checked (4 plain refusals,
    the rest locked); that client stays locked even with the right password, while the owner on
    another client logs in, and a stranger's lockout does not lock the owner out."""
    with ThreadPoolExecutor(max_workers=100) as pool:
        codes = list(pool.map(lambda i: _login(site.url, f"salah-{i}").status_code, range(100)))
    assert sorted(set(codes)) == [401, 429] and codes.count(401) <= 4, codes
    assert _login(site.url, PASSWORD).status_code == 429
    for i in range(30):
        assert _login(site.url, f"tebak-{i}", source="127.0.0.3").status_code in (401, 429)
    owner = _login(site.url, PASSWORD, source="127.0.0.2")
    assert owner.status_code == 303, owner.text
    assert _login(site.url, "salah-lagi", source="127.0.0.2").status_code == 401


@contextmanager
def _local_session(site: Site, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=20) as client:
        response = client.post("/login/lokal", data={"username": "admin-bkd", "password": password})
        assert response.status_code == 303, response.text
        assert client.get(f"/api/v1/pegawai/{site.employee}").status_code == 200
        yield client


def test_password_change_and_disable_end_sessions(site: Site) -> None:
    """`admin set-password` and `admin disable` end the account's sessions: old cookies get 401."""
    env = {"EKINERJA_DATABASE_URL": site.container.settings.database_url}
    with _local_session(site, PASSWORD) as old:
        new_password = "sandi-baru-yang-panjang"
        reset = cli(
            "admin", "set-password", "admin-bkd", "--password-stdin", env=env, stdin=new_password + "\n"
        )
        assert reset.returncode == 0, reset.stderr
        assert old.get(f"/api/v1/pegawai/{site.employee}").status_code == 401
    with _local_session(site, new_password) as current:
        disabled = cli("admin", "disable", "admin-bkd", env=env)
        assert disabled.returncode == 0 and "dinonaktifkan" in disabled.stdout, disabled.stderr
        assert current.get(f"/api/v1/pegawai/{site.employee}").status_code == 401
        again = current.post("/login/lokal", data={"username": "admin-bkd", "password": new_password})
        assert again.status_code == 401
    unknown = cli("admin", "disable", "nobody", env=env)
    assert unknown.returncode == 2 and "tidak ada akun" in unknown.stderr


def test_unauthenticated_requests_are_refused_before_the_body_is_read(site: Site) -> None:
    """No credentials: a malformed or huge body still gets 401 (not 422 with schema detail);
    a body over the limit gets 413 before parsing, declared or streamed, even with a key."""
    url = f"{site.url}/api/v1/pegawai/{site.employee}"
    bad = httpx.patch(url, json={"changes": "nope"}, timeout=20)
    assert bad.status_code == 401 and "changes" not in bad.text
    huge = b'{"changes": {"catatan": "' + b"x" * (2 * 1024 * 1024) + b'"}, "reason": "r"}'
    for headers in ({}, {"X-API-Key": site.key}):
        declared = httpx.patch(url, content=huge, timeout=60, headers=headers)
        assert declared.status_code == 413, declared.text
        streamed = httpx.patch(
            url,
            content=iter([huge[i : i + 65536] for i in range(0, len(huge), 65536)]),
            timeout=60,
            headers=headers,
        )
        assert streamed.status_code == 413
    assert "1048576" in declared.json()["detail"]
    ok = httpx.patch(
        url,
        timeout=20,
        headers={"X-API-Key": site.key},
        json={"changes": {"catatan": "x" * 200}, "reason": "catatan"},
    )
    assert ok.status_code == 200, ok.text


def test_login_form_refuses_cross_site_posts(site: Site) -> None:
    """A login POST from another site (Origin, Referer or Sec-Fetch-Site) is refused with 403
    and no session; from our own page it works."""
    data = {"username": "admin-bkd", "password": PASSWORD}
    forged = [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/form"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": site.url, "Sec-Fetch-Site": "same-site"},
    ]
    for headers in forged:
        with httpx.Client(base_url=site.url, timeout=20) as client:
            response = client.post("/login/lokal", data=data, headers=headers)
            assert response.status_code == 403, (headers, response.text)
            assert "ekinerja_sesi" not in client.cookies and "situs lain" in response.text
    with httpx.Client(base_url=site.url, timeout=20) as client:
        same = client.post(
            "/login/lokal",
            data=data,
            headers={"Origin": site.url, "Referer": site.url + "/login", "Sec-Fetch-Site": "same-origin"},
        )
        assert same.status_code == 303 and "ekinerja_sesi" in client.cookies


def test_unprocessable_answers_name_the_field_without_echoing_it(site: Site) -> None:
    """A 422 lists the field path and what is wrong in Bahasa Indonesia, not the value sent."""
    before = _audit_count(site)
    marker = "Q" * 70_000
    with httpx.Client(base_url=site.url, timeout=20, headers={"X-API-Key": site.key}) as client:
        response = client.patch(
            f"/api/v1/pegawai/{site.employee}", json={"changes": {"no_hp": marker}, "reason": marker[:900]}
        )
        assert response.status_code == 422
        assert "QQQQ" not in response.text and len(response.text) < 1000
        assert response.json()["detail"] == [
            {"lokasi": "body.changes.no_hp", "pesan": "terlalu panjang (maksimal 40 karakter)"}
        ]
        schema = client.patch(f"/api/v1/pegawai/{site.employee}", json={"changes": marker, "reason": "r"})
        assert schema.status_code == 422 and "QQQQ" not in schema.text
        assert schema.json()["detail"] == [{"lokasi": "body.changes", "pesan": "harus berupa objek JSON"}]
        name = client.patch(f"/api/v1/pegawai/{site.employee}", json={"changes": {marker: 1}, "reason": "r"})
        assert name.status_code == 422 and "QQQQ" not in name.text
        missing = client.patch(f"/api/v1/pegawai/{site.employee}", json={"changes": {}})
        assert missing.status_code == 422
        assert {d["lokasi"] for d in missing.json()["detail"]} == {"body.changes", "body.reason"}
    assert _audit_count(site) == before


def test_myasn_id_token_is_sealed_and_logout_still_ends_the_realm_session(
    site: Site, sim: SiasnSimulator
) -> None:
    """web_session holds no plain ID token (no such column, the sealed value is not a JWT);
    logout still unseals it and ends the realm session."""
    with logged_in(site, site.employee) as client:
        columns = {c["name"] for c in inspect(site.container.engine).get_columns("web_session")}
        assert "id_token" not in columns
        with transaction(site.container.sessions) as session:
            sealed = session.scalars(
                select(WebSession.id_token_sealed).where(WebSession.username == site.employee)
            ).one()
        assert sealed and sealed.startswith("v1.") and "eyJ" not in sealed
        out = client.post("/logout")
        assert REALM_PATH + "/protocol/openid-connect/logout" in out.headers["location"]
        assert "id_token_hint=eyJ" in out.headers["location"]
        client.get(out.headers["location"])
    assert site.employee not in sim.realm.sessions.values()


@pytest.fixture
def two_clients(site: Site) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Two clients on distinct loopback addresses."""
    with (
        httpx.Client(
            base_url=site.url, timeout=20, transport=httpx.HTTPTransport(local_address="127.0.0.4")
        ) as first,
        httpx.Client(
            base_url=site.url, timeout=20, transport=httpx.HTTPTransport(local_address="127.0.0.5")
        ) as second,
    ):
        yield first, second


def test_lockout_is_per_client_for_the_same_account(
    site: Site, two_clients: tuple[httpx.Client, httpx.Client]
) -> None:
    """Five failures lock that client for that account; another client still gets a try."""
    first, second = two_clients
    data = {"username": "admin-bkd"}
    codes = [first.post("/login/lokal", data={**data, "password": f"x-{i}"}).status_code for i in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]
    assert second.post("/login/lokal", data={**data, "password": PASSWORD}).status_code == 303


def test_expired_counts_restart_and_are_swept(database_url: str) -> None:
    """A count whose window has passed starts again at 1, and the sweep forgets expired rows."""
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        session.add_all(
            [
                LoginThrottle(username="admin-bkd", client="10.0.0.1", attempts=9, reset_at=time.time() - 1),
                LoginThrottle(username="lama", client="", attempts=3, reset_at=1.0),
            ]
        )
    with transaction(sessions) as session:
        attempt = reserve_login(session, "admin-bkd", "10.0.0.1")
    assert attempt == Attempt(allowed=True, last=False)
    with transaction(sessions) as session:
        sweep_login_throttle(session)
    with sessions() as session:
        rows = {(r.username, r.client): r.attempts for r in session.scalars(select(LoginThrottle))}
    engine.dispose()
    assert rows == {("admin-bkd", "10.0.0.1"): 1, ("admin-bkd", ""): 1}


def test_login_page_shows_no_words_from_the_address(site: Site) -> None:
    """``/login?galat=...`` cannot put a stranger's words on our login page (a phishing link
    telling people to call a number): the page is the plain login form, whatever the query."""
    lure = "Akun Anda diblokir, hubungi 0812-0000-0000"
    page = httpx.get(f"{site.url}/login", params={"galat": lure}, timeout=20)
    assert page.status_code == 200 and 'action="/login/lokal"' in page.text
    assert lure not in page.text and 'id="galat"' not in page.text
