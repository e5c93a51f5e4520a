"""The service on a real socket for access tests: who is who in the store and in the realm."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from service.api import create_app
from service.container import Container
from service.settings import MyasnSettings, Settings
from simulators.dataset import World
from simulators.myasn import REALM_PATH, Account, RealmClient
from simulators.server import ServerThread
from simulators.siasn import SiasnSimulator
from store.db import transaction
from sync.access.accounts import set_local_account
from tests.helpers import load_units, new_api_key, realm_login, sinkron

OPERATOR_ROLE = "role:siasn-instansi:peremajaan:operator"
ADMIN_ROLE = "role:ekinerja-sync:admin"
PASSWORD = "sandi-yang-cukup-panjang"


@dataclass
class Site:
    """The API on a socket, and who is who in the store."""

    url: str
    container: Container
    key: str
    employee: str
    colleague: str
    operator: str
    outsider: str
    opd: str
    other_opd: str
    admin: str


def _path(world: World, unit_id: str) -> list[str]:
    path, current = [], world.units.get(unit_id)
    while current is not None:
        path.append(current.id)
        current = world.units.get(current.parent_id or "")
    return path


def _cast(world: World, taken: str) -> dict[str, str]:
    """An OPD with its head (the operator), two staff inside it and one outside.

    ``taken`` is the NIP of the simulator's SIASN service account, left alone.
    """
    root = next(u for u in world.units.values() if not u.parent_id)
    opds = [u for u in world.units.values() if u.parent_id == root.id and u.pemimpin_pns_id]
    for opd in opds:
        head = world.by_pns_id(opd.pemimpin_pns_id or "")
        staff = [
            p.nip
            for p in world.pegawai.values()
            if opd.id in _path(world, p.unor_id) and head and p.nip not in (head.nip, taken)
        ]
        others = [
            (p.nip, p.unor_id)
            for p in world.pegawai.values()
            if opd.id not in _path(world, p.unor_id) and p.nip != taken
        ]
        if head and head.nip != taken and head.unor_id == opd.id and len(staff) >= 2 and others:
            other_opd = next(u for u in _path(world, others[0][1]) if u in {o.id for o in opds})
            return {
                "operator": head.nip,
                "employee": staff[0],
                "colleague": staff[1],
                "outsider": others[0][0],
                "opd": opd.id,
                "other_opd": other_opd,
                "admin": others[-1][0],
            }
    raise AssertionError("the generated world has no OPD with a head and staff")


@pytest.fixture(name="site")
def site_fixture(
    container: Container, world: World, sim: SiasnSimulator, sim_server: ServerThread
) -> Iterator[Site]:
    """Store with four employees, realm accounts for them, an API key and a local admin."""
    cast = _cast(world, sim.credentials.sso_username)
    load_units(container)
    sinkron(container, *(cast[k] for k in ("operator", "employee", "colleague", "outsider")))
    sim.realm.add_client(RealmClient("ekinerja-sync"))
    for who, roles in (
        ("employee", []),
        ("operator", [OPERATOR_ROLE]),
        ("admin", [ADMIN_ROLE]),
        ("outsider", []),
    ):
        sim.realm.add_account(Account(cast[who], PASSWORD, who.title(), roles=roles))
    with transaction(container.sessions) as session:
        set_local_account(session, "admin-bkd", PASSWORD)
    settings = Settings(
        database_url=container.settings.database_url,
        siasn=container.settings.siasn,
        myasn=MyasnSettings(issuer=sim_server.url + REALM_PATH, client_id="ekinerja-sync"),
    )
    served = Container.build(settings)
    key = new_api_key(served)
    with ServerThread(create_app(served)) as server:
        yield Site(url=server.url, container=served, key=key, **cast)
    served.close()


@contextmanager
def logged_in(site: Site, nip: str) -> Iterator[httpx.Client]:
    """A client that logged in through /login/myasn and the realm's form (cookie kept)."""
    with httpx.Client(base_url=site.url, timeout=20) as client:
        start = client.get("/login/myasn", params={"next": "/"})
        assert start.status_code == 302, start.text
        back = client.get(realm_login(client, start.headers["location"], nip, PASSWORD))
        assert back.status_code == 303 and back.headers["location"] == "/", back.text
        yield client
