"""Assignment picks a real person, the decision form makes no choice for the admin, a bulk
decision says how many were decided or which were refused and why, and the CLI names the person
deciding (issue 16.9): the store, the API, the console pages and the CLI."""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator

import pytest
import structlog
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from mappings.messages import t
from service.cli.app import app
from service.cli.person import cli_actor
from service.container import Container
from simulators.dataset import World
from store.db import transaction
from store.models import AuditEntry, Conflict, ConflictEvent, OperatorGrant
from sync import audit
from sync.access.accounts import disable_local_account, set_local_account
from sync.access.people import UnknownUser, known_people, note_login, resolve_assignee
from sync.access.rules import RoleMap
from sync.access.sessions import SessionInfo
from sync.konflik.decide import Resolution
from tests.console_site import ADMIN, ConsoleSite, admin_client, page_form, serve
from tests.konflik_helpers import Raised, known_account, raise_unit_conflicts

ROLES = RoleMap(admin=frozenset({"peran-admin"}), operator=frozenset({"peran-operator"}))
SITI = "199001012015012001"
ANDI = "199002022015011002"
GRANTED = "198505052010011003"
DECIDED = [f"konflik_{r.value}" for r in Resolution]
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _login(session: Session, nip: str, name: str, roles: tuple[str, ...]) -> None:
    info = SessionInfo(source="myasn", username=nip, name=name, roles=roles, id_token=None)
    note_login(session, info, ROLES)


def test_known_people_are_accounts_grants_and_myasn_admins_and_operators(container: Container) -> None:
    """Local accounts (not disabled), operators with a grant and MyASN admins/operators seen at
    login are known; an employee who only logged in is not; a NIP with spaces resolves; anyone
    else is refused without echoing what was sent."""
    with transaction(container.sessions) as session:
        set_local_account(session, "admin.dua", "kata-sandi-yang-panjang")
        set_local_account(session, "lama", "kata-sandi-yang-panjang")
        disable_local_account(session, "lama")
        session.add(OperatorGrant(nip=GRANTED, unit_id="U1", granted_by="uji", granted_at=audit.now()))
        _login(session, SITI, "Siti Lama", ("peran-operator",))
        _login(session, ANDI, "Andi Pegawai", ())
    with transaction(container.sessions) as session:
        _login(session, SITI, "Siti Aminah", ("peran-operator",))
    with container.sessions() as session:
        people = {p.key: p for p in known_people(session)}
        found = [p.key for p in known_people(session, "AMINAH")]
        spaced = resolve_assignee(session, "19900101 201501 2 001")
        with pytest.raises(UnknownUser) as refused:
            resolve_assignee(session, ANDI)
        with pytest.raises(UnknownUser):
            resolve_assignee(session, "lama")
    assert set(people) == {"admin.dua", GRANTED, SITI}
    assert people[SITI].label == f"Siti Aminah ({SITI})" and people[SITI].source == "myasn"
    assert people["admin.dua"].label == "admin.dua (akun lokal)"
    assert found == [SITI] and spaced == SITI
    assert ANDI not in str(refused.value) and "tidak dikenal" in str(refused.value)
    with container.sessions() as session:
        assert resolve_assignee(session, "  ") is None


@pytest.fixture
def raised(container: Container, world: World, sim_server: object) -> list[Raised]:
    """Three unit conflicts raised through Sinkron SIASN."""
    return raise_unit_conflicts(container, world, 3)


@pytest.fixture
def site(container: Container, raised: list[Raised]) -> Iterator[ConsoleSite]:
    """The app on a socket over the store holding the conflicts, with operator.opd known."""
    known_account(container, "operator.opd")
    with serve(container, {}) as served:
        yield served


def _events(container: Container, cid: int) -> list[str]:
    with container.sessions() as session:
        return list(session.scalars(select(ConflictEvent.kind).where(ConflictEvent.conflict_id == cid)))


def _status(container: Container, cid: int) -> str:
    with container.sessions() as session:
        return session.get_one(Conflict, cid).status


@SQLITE
def test_api_assigns_only_a_known_person_and_lists_them(site: ConsoleSite, raised: list[Raised]) -> None:
    """``/konflik/penerima`` lists who can be assigned; an unknown person is refused 422 in
    Bahasa Indonesia without echoing the value and nothing changes; a known one is assigned."""
    cid = raised[0].conflict_id
    with admin_client(site) as client:
        listed = client.get("/api/v1/konflik/penerima").json()["items"]
        assert {p["key"] for p in listed} == {ADMIN, "operator.opd"}
        assert [
            p["key"] for p in client.get("/api/v1/konflik/penerima", params={"q": "opd"}).json()["items"]
        ] == ["operator.opd"]
        unknown = client.post(f"/api/v1/konflik/{cid}/tugaskan", json={"assignee": "orang-asing"})
        assert unknown.status_code == 422
        assert "penerima tugas tidak dikenal" in unknown.text and "orang-asing" not in unknown.text
        assert _status(site.container, cid) == "open" and _events(site.container, cid) == ["opened"]
        done = client.post(f"/api/v1/konflik/{cid}/tugaskan", json={"assignee": "operator.opd"})
        assert done.status_code == 200 and done.json()["assignee"] == "operator.opd"
    assert _status(site.container, cid) == "assigned"


@SQLITE
def test_api_bulk_decision_says_how_many_or_which_were_refused_and_why(
    site: ConsoleSite, raised: list[Raised]
) -> None:
    """A bulk with one conflict already decided decides nothing and names it with the reason
    (409, count 0); the rest then decide together and the answer says how many."""
    first, second, third = (r.conflict_id for r in raised)
    body = {"decision": "ambil_siasn", "reason": "SK mutasi"}
    with admin_client(site) as client:
        assert client.post(f"/api/v1/konflik/{first}/keputusan", json=body).status_code == 200
        refused = client.post("/api/v1/konflik/keputusan", json={**body, "ids": [first, second, third]})
        assert refused.status_code == 409, refused.text
        answer = refused.json()
        assert answer["count"] == 0 and answer["decided"] == []
        assert [r["id"] for r in answer["refused"]] == [first]
        assert "sudah diputuskan" in answer["refused"][0]["reason"]
        assert answer["detail"].startswith("Tidak ada yang diputuskan: 1 dari 3 konflik ditolak")
        assert _status(site.container, second) == _status(site.container, third) == "open"
        done = client.post("/api/v1/konflik/keputusan", json={**body, "ids": [second, third]})
    assert done.status_code == 200
    assert (done.json()["count"], done.json()["refused"]) == (2, [])


RADIO = re.compile(r'<input type="radio" name="keputusan"[^>]*>')


@SQLITE
def test_console_decision_form_makes_no_choice_and_refuses_none(
    site: ConsoleSite, raised: list[Raised]
) -> None:
    """No decision is preselected (radios required, the bulk select starts on a disabled
    placeholder); submitting without one is refused in Bahasa Indonesia and writes nothing; the
    assignment is a list of known people."""
    cid = raised[0].conflict_id
    with admin_client(site) as client:
        page = client.get(f"/admin/konflik/{cid}").text
        radios = RADIO.findall(page)
        assert len(radios) == 3 and not any("checked" in r for r in radios)
        assert all("required" in r for r in radios)
        assert '<select id="penerima" name="penerima">' in page
        assert '<option value="operator.opd">operator.opd (akun lokal)' in page
        listing = client.get("/admin/konflik").text
        assert f'<option value="" selected disabled>{t("keputusan.pick")}</option>' in listing
        assert '<option value="operator.opd">operator.opd (akun lokal)</option>' in listing  # the filter
        token, version = page_form(client, f"/admin/konflik/{cid}")
        empty = client.post(
            f"/admin/konflik/{cid}/putuskan", data={"csrf": token, "versi": version, "alasan": "SK mutasi"}
        )
        assert empty.status_code == 422
        assert t("keputusan.missing") in empty.text
    assert _status(site.container, cid) == "open"
    with site.container.sessions() as session:
        decided = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action.in_(DECIDED))
        )
    assert decided == 0


@SQLITE
def test_console_bulk_says_how_many_were_decided_or_which_were_refused(
    site: ConsoleSite, raised: list[Raised]
) -> None:
    """A bulk with no decision chosen is refused; the bulk confirmation gives the count; a bulk
    with a decided conflict is refused naming it (with its reason) and decides none of the others."""
    first, second, third = (r.conflict_id for r in raised)
    with admin_client(site) as client:
        token, _ = page_form(client, "/admin/konflik")
        form = {"csrf": token, "cakupan": "pilihan", "keputusan": "ambil_siasn", "alasan": "SK"}
        unchosen = client.post(
            "/admin/konflik/massal", data={**form, "keputusan": "", "pilih": [f"{first}:1"]}
        )
        assert unchosen.status_code == 422 and t("keputusan.missing") in unchosen.text
        done = client.post("/admin/konflik/massal", data={**form, "pilih": [f"{first}:1"]})
        assert done.status_code == 303
        shown = client.get(done.headers["location"]).text
        assert "1 konflik diputuskan dan tercatat di log audit" in shown
        refused = client.post(
            "/admin/konflik/massal", data={**form, "pilih": [f"{first}:1", f"{second}:1", f"{third}:1"]}
        )
        assert refused.status_code == 409
        assert f"#{first}: konflik {first} sudah diputuskan" in refused.text
        assert "1 dari 3 konflik ditolak" in refused.text
    assert _status(site.container, second) == _status(site.container, third) == "open"


def _cli(container: Container, *args: str, **env: str | None) -> Result:
    variables: dict[str, str | None] = {
        "EKINERJA_DATABASE_URL": container.settings.database_url,
        "EKINERJA_OPERATOR": None,
        "SUDO_USER": None,
        "COLUMNS": "200",
        **env,
    }
    try:
        return CliRunner().invoke(app, ["konflik", *args], env=variables)
    finally:
        structlog.reset_defaults()  # the command logged to the runner's stream, now closed


@SQLITE
def test_cli_assigns_known_people_and_names_the_person_deciding(
    container: Container, raised: list[Raised], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``konflik penerima`` lists who can be assigned; an unknown assignee exits 2; a decision
    as root without --oleh or EKINERJA_OPERATOR exits 2 writing nothing; with EKINERJA_OPERATOR
    the audit names that person, never ``cli:root``."""
    known_account(container, "operator.opd")
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    cid = raised[0].conflict_id
    listed = _cli(container, "penerima")
    assert listed.exit_code == 0 and "operator.opd (akun lokal)" in listed.output
    unknown = _cli(container, "assign", str(cid), "orang-asing", "--oleh", "Budi")
    assert (
        unknown.exit_code == 2 and "tidak dikenal" in unknown.output and "orang-asing" not in unknown.output
    )
    nobody = _cli(container, "resolve", str(cid), "--keputusan", "ambil_siasn", "--alasan", "SK")
    assert nobody.exit_code == 2 and "EKINERJA_OPERATOR" in nobody.output
    assert _status(container, cid) == "open"
    named = _cli(
        container,
        "resolve",
        str(cid),
        "--keputusan",
        "ambil_siasn",
        "--alasan",
        "SK",
        EKINERJA_OPERATOR="Siti BKD",
    )
    assert named.exit_code == 0, named.output
    with container.sessions() as session:
        actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.action.in_(DECIDED))))
    assert actors == {"cli:Siti BKD"}


@SQLITE
def test_cli_bulk_refusal_lists_each_refused_conflict(container: Container, raised: list[Raised]) -> None:
    """A CLI bulk decision with a decided conflict exits 1 naming it and why; none decided."""
    first, second, _ = (r.conflict_id for r in raised)
    decide = ("--keputusan", "ambil_siasn", "--alasan", "SK", "--oleh", "Siti BKD")
    assert _cli(container, "resolve", str(first), *decide).exit_code == 0
    refused = _cli(container, "resolve", str(first), str(second), *decide)
    assert refused.exit_code == 1
    assert "1 dari 2 konflik ditolak" in refused.output and f"#{first}:" in refused.output
    assert _status(container, second) == "open"


def test_cli_actor_names_a_person_never_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """--oleh, then EKINERJA_OPERATOR, then the login (sudo's for root); root alone is refused."""
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    assert cli_actor(" Siti ", {}) == "cli:Siti"
    assert cli_actor(None, {"EKINERJA_OPERATOR": "Operator BKD"}) == "cli:Operator BKD"
    assert cli_actor(None, {"SUDO_USER": "pengguna-tak-ada"}) == "cli:pengguna-tak-ada"
    with pytest.raises(typer.Exit) as refused:
        cli_actor(None, {})
    assert refused.value.exit_code == 2
    monkeypatch.setattr(getpass, "getuser", lambda: "daemon")
    assert cli_actor(None, {}) == "cli:daemon"
