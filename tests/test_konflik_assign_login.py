"""A MyASN login makes an admin or operator someone a conflict can be assigned to (16.9)."""

from __future__ import annotations

import pytest

from sync.access.people import known_people
from tests.access_site import Site, logged_in, site_fixture  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def test_myasn_login_makes_an_operator_assignable_not_an_employee(site: Site) -> None:
    """Logging in through MyASN (the realm's form) remembers an operator, by name, as someone a
    conflict can be assigned to, after the session ended; an employee who logged in is not."""
    for nip in (site.operator, site.employee):
        with logged_in(site, nip) as client:
            client.post("/logout")
    with site.container.sessions() as session:
        people = {p.key: p for p in known_people(session)}
    assert site.operator in people and site.employee not in people
    assert people[site.operator].source == "myasn" and people[site.operator].label.endswith(
        f"({site.operator})"
    )
    assert people[site.operator].label != site.operator  # shown with the name the realm gave
