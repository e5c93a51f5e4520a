"""Who may read and record SKP and see the feed's problems: the pegawai routes' rules."""

from __future__ import annotations

import httpx
import pytest

from mappings.skp_rules import finding
from store.db import transaction
from sync import audit
from sync.pmm.problems import Subject, record_findings
from tests.access_site import Site, logged_in, site_fixture
from tests.test_skp_api import _skp

__all__ = ["site_fixture"]  # the `site` fixture
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def _problem_for(site: Site, *nips: str) -> None:
    with transaction(site.container.sessions) as session:
        for nip in nips:
            record_findings(
                session,
                "pmm_http",
                Subject(nip=nip, periode="2025", npsn="20512345", sekolah="SMA Negeri 3 Contoh"),
                [finding("rencana_belum_disepakati", status="DIAJUKAN")],
                now=audit.now(),
                run_id=None,
            )


def test_employee_reads_own_skp_only_and_records_none(site: Site) -> None:
    """An ASN account reads its own SKP and problems; another's is 403; recording is 403."""
    _problem_for(site, site.employee, site.outsider)
    with logged_in(site, site.employee) as client:
        own = client.get(f"/api/v1/pegawai/{site.employee}/skp")
        assert own.status_code == 200 and own.json()["masalah"][0]["aturan"] == ("rencana_belum_disepakati")
        assert client.get(f"/api/v1/pegawai/{site.colleague}/skp").status_code == 403
        assert client.put(f"/api/v1/pegawai/{site.employee}/skp", json=_skp()).status_code == 403
        listed = client.get("/api/v1/skp/masalah").json()
        assert [g["nip"] for s in listed for g in s["guru"]] == [site.employee]


def test_operator_records_inside_their_units_only(site: Site) -> None:
    """An operator records SKP of employees of their units; outside them it is 403."""
    _problem_for(site, site.employee, site.outsider)
    with logged_in(site, site.operator) as client:
        inside = client.put(f"/api/v1/pegawai/{site.employee}/skp", json=_skp())
        assert inside.status_code == 200, inside.text
        outside = client.put(f"/api/v1/pegawai/{site.outsider}/skp", json=_skp())
        assert outside.status_code == 403
        listed = client.get("/api/v1/skp/masalah").json()
        assert [g["nip"] for s in listed for g in s["guru"]] == [site.employee]
    with httpx.Client(base_url=site.url, headers={"X-API-Key": site.key}) as app:
        everyone = app.get("/api/v1/skp/masalah").json()
        assert {g["nip"] for s in everyone for g in s["guru"]} == {site.employee, site.outsider}
