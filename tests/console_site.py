"""A served app with a local admin, an operator session and a few employees, for console tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from service.api import create_app
from service.container import Container
from service.settings import AuthSettings, Settings
from simulators.dataset import World
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import transaction
from sync.access.accounts import set_local_account
from sync.access.sessions import SessionInfo, open_session
from tests.access_site import _cast
from tests.helpers import conflicts, load_units, sinkron

OPERATOR_ROLE = "role:siasn-instansi:peremajaan:operator"
ADMIN = "admin-bkd"
PASSWORD = "sandi-yang-cukup-panjang"
TOKEN = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
VERSION = re.compile(r'name="versi" value="(\d+)"')


@dataclass
class ConsoleSite:
    """The app on a socket and who is who: an admin account, an operator of one OPD, employees."""

    url: str
    container: Container
    cast: dict[str, str]

    def session_for(self, nip: str, roles: tuple[str, ...] = (OPERATOR_ROLE,)) -> str:
        """A login session of ASN account ``nip`` with ``roles``; returns the cookie value."""
        info = SessionInfo(source="myasn", username=nip, name=f"Operator {nip}", roles=roles, id_token=None)
        with transaction(self.container.sessions) as session:
            return open_session(session, info, ttl=3600)


def build_site(container: Container, world: World, sim: SiasnSimulator) -> dict[str, str]:
    """Load units and the cast's employees."""
    cast = _cast(world, sim.credentials.sso_username)
    load_units(container)
    sinkron(container, *(cast[k] for k in ("operator", "employee", "colleague", "outsider")))
    return cast


@contextmanager
def serve(container: Container, cast: dict[str, str]) -> Iterator[ConsoleSite]:
    """The app (with a fixed form-token secret and the local admin account) on a loopback socket."""
    with transaction(container.sessions) as session:
        set_local_account(session, ADMIN, PASSWORD)
    settings = Settings(
        database_url=container.settings.database_url,
        siasn=container.settings.siasn,
        auth=AuthSettings(csrf_secret="rahasia-uji-formulir"),
    )
    served = Container.build(settings)
    try:
        with ServerThread(create_app(served)) as server:
            yield ConsoleSite(server.url, served, cast)
    finally:
        served.close()


@contextmanager
def admin_client(site: ConsoleSite) -> Iterator[httpx.Client]:
    """An HTTP client logged in as the local admin (cookie kept)."""
    with httpx.Client(base_url=site.url, timeout=30) as client:
        done = client.post("/login/lokal", data={"username": ADMIN, "password": PASSWORD, "next": "/admin/"})
        assert done.status_code == 303, done.text
        yield client


def page_form(client: httpx.Client, path: str) -> tuple[str, str]:
    """The form token and (when the page has one) the shown version of a console page."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    version = VERSION.search(page.text)
    return TOKEN.findall(page.text)[0], version.group(1) if version else ""


def post_form(client: httpx.Client, path: str, **fields: Any) -> None:
    """Submit a console form and expect the redirect that follows a success."""
    done = client.post(path, data=fields)
    assert done.status_code == 303, done.text


def decide_through_pages(container: Container, nips: list[str], chosen: str) -> None:
    """As the local admin admin-bkd, through the konflik pages: the decisions the API and CLI
    make in the same-decisions test (assign, comment, three decisions, one of them in bulk)."""
    ids = [next(c.id for c in conflicts(container, nip)) for nip in nips]
    with serve(container, {}) as site, admin_client(site) as client:
        first = f"/admin/konflik/{ids[0]}"
        token, version = page_form(client, first)
        post_form(client, first + "/tugaskan", csrf=token, versi=version, penerima="operator.opd")
        post_form(client, first + "/komentar", csrf=token, komentar="cek SK <b>asli</b>")
        _, version = page_form(client, first)
        post_form(
            client,
            first + "/putuskan",
            csrf=token,
            versi=version,
            keputusan="ambil_siasn",
            alasan="SK terbit",
        )
        _, version = page_form(client, f"/admin/konflik/{ids[1]}")
        post_form(
            client,
            f"/admin/konflik/{ids[1]}/putuskan",
            csrf=token,
            versi=version,
            keputusan="tetapkan_nilai",
            nilai=chosen,
            alasan="unit benar",
        )
        post_form(
            client,
            "/admin/konflik/massal",
            csrf=token,
            q=nips[2],
            cakupan="tersaring",
            jumlah="1",
            keputusan="pertahankan_lokal",
            alasan="SK lokal",
        )
