"""A served app with a local admin, an operator session and a few employees, for console tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from service.api import create_app
from service.container import Container
from service.settings import AuthSettings, Settings
from simulators.dataset import World
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import transaction
from sync.credentials import SessionInfo, open_session, set_local_account
from tests.helpers import load_units, sinkron
from tests.test_access import _cast

OPERATOR_ROLE = "role:siasn-instansi:peremajaan:operator"
ADMIN = "admin-bkd"
PASSWORD = "sandi-yang-cukup-panjang"


@dataclass
class ConsoleSite:
    """The app on a socket and who is who: an admin account, an operator of one OPD, employees."""

    url: str
    container: Container
    cast: dict[str, str]

    def session_for(self, nip: str, roles: tuple[str, ...] = (OPERATOR_ROLE,)) -> str:
        """A login session of ASN account ``nip`` with ``roles``; returns the cookie value."""
        info = SessionInfo(source="myasn", username=nip, name=f"Operator {nip}", roles=roles,
                           id_token=None)
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
    settings = Settings(database_url=container.settings.database_url,
                        siasn=container.settings.siasn,
                        auth=AuthSettings(csrf_secret="rahasia-uji-formulir"))
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
        done = client.post("/login/lokal", data={"username": ADMIN, "password": PASSWORD,
                                                 "next": "/admin/"})
        assert done.status_code == 303, done.text
        yield client
