"""Input limits declared once (mappings.limits) and held at every door (issue 8, findings 13 and
14): the columns on both databases match, bad values get a 4xx over real HTTP or exit 2 in the
CLI, never a 500, and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from mappings.limits import COLUMN_LIMITS, NAME_MAX
from mappings.nip import NipError, normalize_nip
from store.db import make_engine, transaction, upgrade
from store.models import AuditEntry, Base, LoginState, OperatorGrant, Pegawai
from sync.access.keys import create_api_key
from sync.edit import EditError, EditLimitError, validate_value
from sync.values import pegawai_view
from tests.access_site import Site, site_fixture  # noqa: F401
from tests.test_cli import cli

ACCESS_TABLES = {"api_key", "local_account", "web_session", "login_state", "operator_grant", "login_throttle"}
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def test_limits_match_the_columns_on_both_databases(database_url: str) -> None:
    """Every declared limit equals its column's length in the models and in the migrated
    schema, and the access tables of the migrations match the models exactly."""
    engine = make_engine(database_url)
    upgrade(engine)
    inspector = inspect(engine)
    for name, limit in COLUMN_LIMITS.items():
        table, column = name.split(".")
        assert getattr(Base.metadata.tables[table].c[column].type, "length", None) == limit, name
        reflected = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        assert getattr(reflected[column], "length", None) == limit, name
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert [d for d in diffs if _table_of(d) in ACCESS_TABLES] == []


def _table_of(diff: Any) -> str:
    """The table an autogenerate difference is about (``?`` when it names none)."""
    item = diff[0] if isinstance(diff, list) else diff
    kind = item[0]
    if kind in ("add_table", "remove_table"):
        return str(item[1].name)
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        return str(item[1].table.name)
    return str(item[2]) if len(item) > 2 and isinstance(item[2], str) else "?"


@pytest.mark.parametrize("value", ["19860926 201505 1 001"])
def test_nip_takes_only_ascii_digits(value: str) -> None:
    """Arabic-Indic, fullwidth and superscript digits are not a NIP; spaces are tolerated."""
    assert normalize_nip(value) == "198609262015051001"
    for table in (ARABIC, FULLWIDTH, SUPERSCRIPT):
        with pytest.raises(NipError, match="18 digit 0-9"):
            normalize_nip(value.translate(table))


def _snapshot(site: Site) -> tuple[int, dict[str, Any], int]:
    with site.container.sessions() as session:
        audit = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        row = session.scalars(select(Pegawai).where(Pegawai.nip == site.employee)).one()
        grants = session.scalar(select(func.count()).select_from(OperatorGrant)) or 0
        return audit, pegawai_view(row), grants


def _bad_patches(site: Site) -> list[tuple[str, bytes | dict[str, Any], str]]:
    """(what, body, the field path the 422 must name)."""

    def changes(**fields: Any) -> dict[str, Any]:
        return {"changes": fields, "reason": "uji batas"}

    raw = b'{"changes": {"catatan": "x"}, "reason": "r"}'
    return [
        ("no_hp over 40", changes(no_hp="0" * 41), "body.changes.no_hp"),
        ("no_hp letters", changes(no_hp="abc"), "body.changes.no_hp"),
        ("email over 200", changes(email="a" * 195 + "@b.com"), "body.changes.email"),
        ("NUL in text", changes(jabatan="Analis\x00"), "body.changes.jabatan"),
        ("NUL in reason", {"changes": {"catatan": "x"}, "reason": "a\x00"}, "body.reason"),
        ("NUL in actor", {**changes(catatan="x"), "actor": "a\x00"}, "body.actor"),
        ("list as text", changes(catatan={"a": [1, 2]}), "body.changes.catatan"),
        ("float as int", changes(eselon_id=21.9), "body.changes.eselon_id"),
        ("bool as text", changes(jabatan=True), "body.changes.jabatan"),
        ("bool as int", changes(jenis_jabatan_id=True), "body.changes.jenis_jabatan_id"),
        ("year 0001", changes(tmt_jabatan="01-01-0001"), "body.changes.tmt_jabatan"),
        ("unicode date", changes(tmt_golongan="０１-０１-２０２０"), "body.changes.tmt_golongan"),
        ("1e400", raw.replace(b'"x"', b"1e400"), "body"),
        ("NaN", raw.replace(b'"x"', b"NaN"), "body"),
        ("lone surrogate", raw.replace(b'"x"', b'"\\ud800"'), "body.changes.catatan"),
        ("not UTF-8", raw.replace(b'"x"', b'"\xff"'), "body"),
    ]


def test_bad_values_get_422_naming_the_field_and_nothing_is_written(site: Site) -> None:
    """Each bad PATCH body gets 422 naming the field, never 500, and changes nothing."""
    before = _snapshot(site)
    with httpx.Client(base_url=site.url, timeout=20, headers={"X-API-Key": site.key}) as client:
        for what, body, path in _bad_patches(site):
            url = f"/api/v1/pegawai/{site.employee}"
            response = (
                client.patch(url, content=body, headers={"Content-Type": "application/json"})
                if isinstance(body, bytes)
                else client.patch(url, json=body)
            )
            assert response.status_code == 422, (what, response.text)
            assert path in {d["lokasi"] for d in response.json()["detail"]}, (what, response.text)
    assert _snapshot(site) == before


def test_long_key_name_plus_actor_is_refused_not_truncated(site: Site) -> None:
    """An 80-character API key name with a 100-character actor would not fit the audit actor
    column (120): 422 naming ``body.actor``, nothing written."""
    with transaction(site.container.sessions) as session:
        key = create_api_key(session, "k" * NAME_MAX)
    before = _snapshot(site)
    response = httpx.patch(
        f"{site.url}/api/v1/pegawai/{site.employee}",
        timeout=20,
        headers={"X-API-Key": key},
        json={"changes": {"no_hp": "081234567890"}, "actor": "a" * 100, "reason": "kontak baru"},
    )
    assert response.status_code == 422 and response.json()["detail"][0]["lokasi"] == "body.actor"
    assert _snapshot(site) == before


def test_bad_paths_queries_and_forms_get_4xx_not_500(site: Site) -> None:
    """NUL and Unicode digits in paths, an over-long or NUL ``next=``, a NUL login state or
    username: a 4xx (or a safe default), never a 500, nothing stored."""
    before = _snapshot(site)
    arabic = site.employee.translate(ARABIC)
    with httpx.Client(base_url=site.url, timeout=20, headers={"X-API-Key": site.key}) as client:
        for path in (
            f"/api/v1/pegawai/{arabic}",
            "/api/v1/pegawai/%00",
            f"/api/v1/pegawai/{site.employee.translate(FULLWIDTH)}",
        ):
            assert client.get(path).status_code == 422, path
        claim = client.post("/api/v1/unor/%00/klaim-pimpinan", json={"nip": site.employee, "reason": "r"})
        assert claim.status_code == 422 and claim.json()["detail"][0]["lokasi"] == "path.unit_id"
        claim = client.post(f"/api/v1/unor/{site.opd}/klaim-pimpinan", json={"nip": arabic, "reason": "r"})
        assert claim.status_code == 422
    with httpx.Client(base_url=site.url, timeout=20) as client:
        for nxt in ("/" + "a" * 600, "/a\x00b"):
            start = client.get("/login/myasn", params={"next": nxt})
            assert start.status_code == 302, start.text
            assert client.get("/login", params={"next": nxt}).status_code == 200
        client.cookies.set("ekinerja_login", "a")
        back = client.get("/auth/callback", params={"state": "a\x00", "code": "x"})
        assert back.status_code == 400
        for username in ("admin\x00", "a" * 81):
            form = client.post("/login/lokal", data={"username": username, "password": "p"})
            assert form.status_code in (400, 401), (username, form.text)
    with site.container.sessions() as session:
        assert set(session.scalars(select(LoginState.next_path))) == {"/"}
    assert _snapshot(site) == before


def test_cli_refuses_the_same_values_with_exit_2(site: Site) -> None:
    """`pegawai edit no_hp=abc`, an Arabic-Indic NIP, an over-long actor or unit id or key name:
    exit 2 with the reason, nothing written."""
    env = {"EKINERJA_DATABASE_URL": site.container.settings.database_url}
    before = _snapshot(site)
    who = ["--oleh", "operator BKD", "--alasan", "uji"]
    for args, expected in [
        (["pegawai", "edit", site.employee, "no_hp=abc", *who], "changes.no_hp"),
        (["pegawai", "edit", site.employee, "eselon_id=21.9", *who], "changes.eselon_id"),
        (["pegawai", "edit", site.employee, "tmt_jabatan=01-01-0001", *who], "tmt_jabatan"),
        (
            ["pegawai", "edit", site.employee, "no_hp=0812345678", "--oleh", "x" * 121, "--alasan", "uji"],
            "actor",
        ),
        (["pegawai", "edit", site.employee.translate(ARABIC), "no_hp=0812345678", *who], "18 digit"),
        (["operator", "grant", site.operator, site.opd, "--oleh", "x" * 121], "oleh"),
        (["operator", "grant", site.operator, "u" * 65, "--oleh", "kepala BKD"], "tidak ada unit"),
        (["apikey", "create", "k" * (NAME_MAX + 1)], "nama kunci API tidak sah"),
    ]:
        result = cli(*args, env=env)
        assert result.returncode == 2, (args[:2], result.stdout, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
    long_password = cli(
        "admin", "set-password", "admin-2", "--password-stdin", env=env, stdin="p" * 300 + "\n"
    )
    assert long_password.returncode == 2 and "kata sandi paling banyak" in long_password.stderr
    assert _snapshot(site) == before


def test_conflict_resolution_values_meet_the_same_limits() -> None:
    """A value set while resolving a conflict goes through the same limits (``EditError``, so
    callers that catch edit refusals keep catching it)."""
    with Session() as session:
        for name, value in (
            ("no_hp", "abc"),
            ("eselon_id", 21.9),
            ("tmt_jabatan", "0001-01-01"),
            ("jabatan", "a\x00"),
        ):
            with pytest.raises(EditLimitError) as refused:
                validate_value(session, name, value)
            assert isinstance(refused.value, EditError) and refused.value.problems[0].path == name
