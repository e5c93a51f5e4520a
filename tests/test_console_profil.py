"""The profile's actions (issue 16.8) through FastAPI's TestClient: Sinkron SIASN (the service of
``POST /api/v1/pegawai/{nip}/sinkron-siasn``, its result and warnings on the page, explained when
SIASN is not configured) and Edit Profil (audited, reason required, the API's rules including the
target unit's area), within the operator's rights: another area's NIP, a target unit outside the
area and a missing form token are refused with 403 in Bahasa Indonesia and write nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from service.api import create_app
from service.container import Container
from service.settings import AuthSettings, Settings, SiasnSettings
from simulators.dataset import World
from simulators.events import mutasi
from simulators.siasn import SiasnSimulator
from store.db import transaction
from store.models import AuditEntry, Pegawai, Unit
from sync.access.accounts import set_local_account
from sync.access.sessions import SessionInfo, open_session
from sync.fields import FIELD
from sync.konflik.scope import subtree
from tests.console_site import ADMIN, OPERATOR_ROLE, PASSWORD, build_site
from tests.helpers import edit

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass
class Profil:
    """The app's container and who is who (``tests.access_site._cast``), units inside/outside A."""

    container: Container
    cast: dict[str, str]
    inside: list[str]
    outside: list[str]


def _units(container: Container, root: str) -> list[str]:
    with container.sessions() as session:
        found = subtree(session, [root])
        return sorted(session.scalars(select(Unit.id).where(Unit.id.in_(found), Unit.aktif.is_(True))))


@pytest.fixture
def profil(container: Container, world: World, sim: SiasnSimulator, sim_server: object) -> Profil:
    """Units and the cast's employees in the store; the local admin's password set."""
    cast = build_site(container, world, sim)
    with transaction(container.sessions) as session:
        set_local_account(session, ADMIN, PASSWORD)
    return Profil(container, cast, _units(container, cast["opd"]), _units(container, cast["other_opd"]))


@contextmanager
def client_for(profil: Profil, who: str, siasn: SiasnSettings | None = None) -> Iterator[TestClient]:
    """A TestClient (lifespan run) logged in as the local admin or the operator of A."""
    base = profil.container.settings
    settings = Settings(
        database_url=base.database_url,
        siasn=base.siasn if siasn is None else siasn,
        auth=AuthSettings(csrf_secret="rahasia-uji-formulir"),
    )
    served = Container.build(settings)
    try:
        with TestClient(create_app(served), base_url="http://testserver", follow_redirects=False) as client:
            if who == "admin":
                done = client.post(
                    "/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/"}
                )
                assert done.status_code == 303, done.text
            else:
                info = SessionInfo("myasn", profil.cast[who], f"Operator {who}", (OPERATOR_ROLE,), None)
                with transaction(served.sessions) as session:
                    client.cookies.set("ekinerja_sesi", open_session(session, info, ttl=3600))
            yield client
    finally:
        served.close()


def unit_of(profil: Profil, nip: str) -> str | None:
    """The stored unit of ``nip``."""
    with profil.container.sessions() as session:
        return session.scalar(select(Pegawai.unor_id).where(Pegawai.nip == nip))


def audit_count(profil: Profil) -> int:
    """How many audit entries the store holds."""
    with profil.container.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def token_of(client: TestClient, path: str) -> str:
    """The form token on a console page."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return str(TOKEN.findall(page.text)[0])


def test_sinkron_button_shows_the_result_and_warnings(profil: Profil, world: World) -> None:
    """Pressing Sinkron SIASN refreshes the profile from SIASN and shows what was applied (the unit
    by path) and its warnings (a local jabatan kept); without the form token it is 403 and nothing
    runs."""
    nip = profil.cast["employee"]
    target = next(u for u in profil.inside if u != unit_of(profil, nip))
    edit(profil.container, nip, jabatan="Analis Kepegawaian Lokal")  # kept: a warning says so
    mutasi(world, nip, unor_id=target)
    with client_for(profil, "operator") as client:
        page = client.get(f"/admin/pegawai/{nip}").text
        assert 'id="sinkron"' in page and 'id="edit-profil"' in page
        forged = client.post(f"/admin/pegawai/{nip}/sinkron", data={"csrf": "x"})
        assert forged.status_code == 403 and "token keamanan" in forged.text
        assert unit_of(profil, nip) != target
        token = TOKEN.findall(page)[0]
        done = client.post(f"/admin/pegawai/{nip}/sinkron", data={"csrf": token})
        assert done.status_code == 200, done.text
    assert unit_of(profil, nip) == target
    result = done.text.split('id="hasil-sinkron"')[1].split("</section>")[0]
    assert "diperbarui" in result and "Unit kerja" in result and " › " in result
    warnings = result.split('id="sinkron-peringatan"')[1]
    assert "Jabatan lokal" in warnings and "Ajukan perbaikan data ke BKN" in warnings


def test_sinkron_without_siasn_settings_explains_instead_of_500(profil: Profil) -> None:
    """With SIASN not configured the profile says so beside the button, and pressing it answers
    503 with the explanation in Bahasa Indonesia on the profile page, not a server error."""
    nip = profil.cast["employee"]
    with client_for(profil, "admin", siasn=SiasnSettings()) as client:
        page = client.get(f"/admin/pegawai/{nip}").text
        assert 'id="sinkron-tidak-tersedia"' in page and "tidak tersedia" in page
        pressed = client.post(f"/admin/pegawai/{nip}/sinkron", data={"csrf": TOKEN.findall(page)[0]})
        assert pressed.status_code == 503
        assert 'id="galat-sinkron"' in pressed.text and "belum bisa dipakai" in pressed.text


def test_operator_outside_their_area_sees_no_buttons_and_is_refused(profil: Profil) -> None:
    """An operator of A on an employee of B: the profile is refused, and a forged Sinkron or edit
    POST (with a valid token) is 403 in Bahasa Indonesia, writing nothing."""
    outsider, before = profil.cast["outsider"], audit_count(profil)
    with client_for(profil, "operator") as client:
        token = token_of(client, f"/admin/pegawai/{profil.cast['employee']}")
        assert client.get(f"/admin/pegawai/{outsider}").status_code == 403
        sinkron = client.post(f"/admin/pegawai/{outsider}/sinkron", data={"csrf": token})
        assert sinkron.status_code == 403 and "tidak diizinkan" in sinkron.text
        assert client.get(f"/admin/pegawai/{outsider}/ubah").status_code == 403
        edit = client.post(
            f"/admin/pegawai/{outsider}/ubah", data={"csrf": token, "jabatan": "Analis", "alasan": "coba"}
        )
        assert edit.status_code == 403 and "wilayah kerja" in edit.text
    assert audit_count(profil) == before


def test_edit_profil_saves_with_reason_and_checks_the_target_unit(profil: Profil) -> None:
    """The edit form changes only what was changed, needs a reason, is audited with who and why;
    moving the person to a unit outside the operator's area is 403 and writes nothing."""
    nip = profil.cast["employee"]
    start = unit_of(profil, nip)
    inside = next(u for u in profil.inside if u != start)
    with client_for(profil, "operator") as client:
        form = client.get(f"/admin/pegawai/{nip}/ubah")
        assert form.status_code == 200 and 'id="form-ubah"' in form.text
        for name in ("no_hp", "email", "catatan"):  # the form takes what the edit accepts
            typed = re.search(rf'name="{name}"[^>]*maxlength="(\d+)"', form.text)
            assert typed is not None and int(typed.group(1)) == FIELD[name].max_length, name
        token = TOKEN.findall(form.text)[0]
        no_token = client.post(f"/admin/pegawai/{nip}/ubah", data={"jabatan": "Analis", "alasan": "x"})
        assert no_token.status_code == 403
        no_reason = client.post(
            f"/admin/pegawai/{nip}/ubah", data={"csrf": token, "jabatan": "Analis SDM", "alasan": " "}
        )
        assert no_reason.status_code == 422 and "alasan perubahan wajib" in no_reason.text
        before = audit_count(profil)
        outside = client.post(
            f"/admin/pegawai/{nip}/ubah",
            data={"csrf": token, "unor_id": profil.outside[-1], "alasan": "pindah"},
        )
        assert outside.status_code == 403 and "di luar wilayah kerja" in outside.text
        assert profil.outside[-1] not in outside.text
        assert unit_of(profil, nip) == start and audit_count(profil) == before
        saved = client.post(
            f"/admin/pegawai/{nip}/ubah",
            data={"csrf": token, "unor_id": inside, "catatan": "SK mutasi internal", "alasan": "SK 7/2026"},
        )
        assert saved.status_code == 303, saved.text
        shown = client.get(saved.headers["location"]).text
        assert "Perubahan profil disimpan" in shown
    assert unit_of(profil, nip) == inside
    with profil.container.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.pegawai_nip == nip, AuditEntry.action == "edit_lokal")
        ).all()
    assert {(r.field, r.reason) for r in rows} == {("unor_id", "SK 7/2026"), ("catatan", "SK 7/2026")}
    assert {r.actor for r in rows} == {f"myasn:{profil.cast['operator']}"}


def test_edit_profil_refuses_an_overlong_field_with_a_page_not_a_500(profil: Profil) -> None:
    """A field far past any limit (5,000 characters) or a unit id nobody knows is a refusal page
    in Bahasa Indonesia, never a server error, and nothing is written."""
    nip = profil.cast["employee"]
    with client_for(profil, "operator") as client:
        token = TOKEN.findall(client.get(f"/admin/pegawai/{nip}/ubah").text)[0]
        before = audit_count(profil)
        refused = client.post(
            f"/admin/pegawai/{nip}/ubah", data={"csrf": token, "no_hp": "0" * 5000, "alasan": "uji"}
        )
        assert refused.status_code == 422 and "lebih dari 1000 karakter" in refused.text
        assert "0" * 5000 not in refused.text
        unknown_unit = client.post(
            f"/admin/pegawai/{nip}/ubah", data={"csrf": token, "unor_id": "X" * 70, "alasan": "uji"}
        )
        assert 400 <= unknown_unit.status_code < 500 and "Pilih unit" in unknown_unit.text
    assert audit_count(profil) == before
