"""The konflik and runs commands as an operator runs them, and the same decisions via API and CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from service.api import create_app
from service.container import Container
from service.settings import Settings, SiasnSettings
from simulators.dataset import World
from simulators.events import mutasi
from simulators.server import ServerThread
from store.db import make_engine, transaction, upgrade
from store.models import ConflictEvent, Pegawai
from tests.console_site import decide_through_pages
from tests.helpers import (
    conflicts,
    edit,
    import_export,
    leaf_units,
    load_units,
    new_api_key,
    reconcile,
    sinkron,
    staff_nip,
    store_state,
)
from tests.konflik_helpers import known_account
from tests.test_cli import cli, cli_env

pytestmark = pytest.mark.e2e
env = cli_env  # EKINERJA_* for a CLI process on a fresh SQLite file and the simulator


def _twin(tmp_path: Path, siasn: SiasnSettings) -> Iterator[Container]:
    url = f"sqlite:///{tmp_path / 'twin.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    built = Container.build(Settings(database_url=url, siasn=siasn))
    yield built
    built.close()


@pytest.fixture
def twin(tmp_path: Path, siasn_settings: SiasnSettings) -> Iterator[Container]:
    """A second store on its own SQLite file, for the CLI side of a comparison."""
    yield from _twin(tmp_path, siasn_settings)


@pytest.fixture
def page_twin(tmp_path: Path, siasn_settings: SiasnSettings) -> Iterator[Container]:
    """A third store on its own SQLite file, for the console-page side of a comparison."""
    (tmp_path / "pages").mkdir()
    yield from _twin(tmp_path / "pages", siasn_settings)


def _lockstep(stores: list[Container], world: World, count: int) -> list[str]:
    """The same unit conflicts raised in every store (one simulator, same steps)."""
    nips = [staff_nip(world, i) for i in range(count)]
    for store in stores:
        load_units(store)
        sinkron(store, *nips)
    for nip in nips:
        local_unit, remote_unit = leaf_units(world, world.pegawai[nip].unor_id)[:2]
        for store in stores:
            edit(store, nip, unor_id=local_unit)
        mutasi(world, nip, unor_id=remote_unit)
    for store in stores:
        sinkron(store, *nips)
    return nips


def _normalised(container: Container) -> dict[str, Any]:
    """Store, audit and conflict history with who decided reduced to the person's name."""

    def who(value: Any) -> Any:
        return value.split(":")[-1].split("/")[-1] if isinstance(value, str) else value

    state = store_state(container)
    for table in ("audit", "conflicts"):
        for row in state[table]:
            for key in ("actor", "resolved_by"):
                if key in row:
                    row[key] = who(row[key])
    state["audit"].sort(key=lambda r: tuple(str(v) for v in r.values()))
    with container.sessions() as session:
        state["events"] = [
            (e.conflict_id, e.kind, who(e.actor), e.detail, e.version)
            for e in session.scalars(select(ConflictEvent).order_by(ConflictEvent.id))
        ]
    return state


def test_same_decisions_via_api_and_cli_give_the_same_state(
    container: Container, twin: Container, page_twin: Container, world: World, env: dict[str, str]
) -> None:
    """Assign, comment, and three decisions (one bulk) via API, CLI and the console pages:
    identical store, audit and history."""
    nips = _lockstep([container, twin, page_twin], world, 3)
    for store in (container, twin, page_twin):
        known_account(store, "operator.opd")
    ids = [next(c.id for c in conflicts(container, nip)) for nip in nips]
    chosen = leaf_units(world, "")[-1]
    _decide_via_api(container, ids, nips, chosen)
    _decide_via_cli({**env, "EKINERJA_DATABASE_URL": twin.settings.database_url}, ids, nips, chosen)
    decide_through_pages(page_twin, nips, chosen)
    assert _normalised(container) == _normalised(twin) == _normalised(page_twin)


def _decide_via_api(container: Container, ids: list[int], nips: list[str], chosen: str) -> None:
    """Assign and comment on ``ids[0]``, then decide it, ``ids[1]`` and (in bulk) ``nips[2]`` via the API."""
    key = new_api_key(container)
    with (
        ServerThread(create_app(container)) as server,
        httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=30) as api,
    ):
        for path, body in (
            (f"/api/v1/konflik/{ids[0]}/tugaskan", {"assignee": "operator.opd", "actor": "admin-bkd"}),
            (f"/api/v1/konflik/{ids[0]}/komentar", {"text": "cek SK <b>asli</b>", "actor": "admin-bkd"}),
            (
                f"/api/v1/konflik/{ids[0]}/keputusan",
                {"decision": "ambil_siasn", "reason": "SK terbit", "version": 2, "actor": "admin-bkd"},
            ),
            (
                f"/api/v1/konflik/{ids[1]}/keputusan",
                {"decision": "tetapkan_nilai", "reason": "unit benar", "value": chosen, "actor": "admin-bkd"},
            ),
            (
                "/api/v1/konflik/keputusan",
                {
                    "filter": {"q": nips[2]},
                    "decision": "pertahankan_lokal",
                    "reason": "SK lokal",
                    "actor": "admin-bkd",
                },
            ),
        ):
            answer = api.post(path, json=body)
            assert answer.status_code in (200, 201), answer.text


def _decide_via_cli(twin_env: dict[str, str], ids: list[int], nips: list[str], chosen: str) -> None:
    """The same steps as ``_decide_via_api``, by ``konflik`` commands on the twin store."""
    for args in (
        ["assign", str(ids[0]), "operator.opd"],
        ["comment", str(ids[0]), "cek SK <b>asli</b>"],
        [
            "resolve",
            str(ids[0]),
            "--keputusan",
            "ambil_siasn",
            "--alasan",
            "SK terbit",
            "--versi",
            f"{ids[0]}=2",
        ],
        [
            "resolve",
            str(ids[1]),
            "--keputusan",
            "tetapkan_nilai",
            "--alasan",
            "unit benar",
            "--nilai",
            chosen,
        ],
        ["resolve", "--semua", "--cari", nips[2], "--keputusan", "pertahankan_lokal", "--alasan", "SK lokal"],
    ):
        done = cli("konflik", *args, "--oleh", "admin-bkd", env=twin_env)
        assert done.returncode == 0, done.stderr


def test_konflik_commands_fit_80_columns_escape_data_and_exit_clearly(
    twin: Container, world: World, env: dict[str, str]
) -> None:
    """List/show print data literally in 80 columns; refusals and bad input exit 1 and 2."""
    [nip] = _lockstep([twin], world, 1)
    [row] = conflicts(twin, nip)
    with transaction(twin.sessions) as session:
        session.execute(
            update(Pegawai)
            .where(Pegawai.nip == nip)
            .values(nama="[bold red]=cmd|' /C calc'!A0[/] <script>\x1b[2J")
        )
    run = {**env, "EKINERJA_DATABASE_URL": twin.settings.database_url, "EKINERJA_OPERATOR": "admin BKD"}
    listed = cli("konflik", "list", env=run)
    assert listed.returncode == 0, listed.stderr
    assert "[bold red]" in listed.stdout and str(row.id) in listed.stdout
    assert "\x1b" not in listed.stdout
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    shown = cli("konflik", "show", str(row.id), env=run)
    assert shown.returncode == 0 and "<script>" in shown.stdout and "Saran:" in shown.stdout
    assert "\x1b" not in shown.stdout and "<script>\\x1b[2J" in shown.stdout
    assert " dibuka " in shown.stdout  # history events by their Indonesian name
    data = json.loads(cli("konflik", "list", "--json", env=run).stdout)
    assert [i["id"] for i in data["items"]] == [row.id]
    no_reason = cli("konflik", "resolve", str(row.id), "--keputusan", "ambil_siasn", "--alasan", " ", env=run)
    assert no_reason.returncode == 2 and "alasan keputusan wajib" in no_reason.stderr
    bad_filter = cli("konflik", "list", "--status", "kacau", env=run)
    assert bad_filter.returncode == 2 and "status tidak dikenal" in bad_filter.stderr
    assert (
        cli(
            "konflik", "resolve", str(row.id), "--keputusan", "pertahankan_lokal", "--alasan", "ok", env=run
        ).returncode
        == 0
    )
    again = cli("konflik", "resolve", str(row.id), "--keputusan", "ambil_siasn", "--alasan", "lagi", env=run)
    assert again.returncode == 1 and "sudah diputuskan" in again.stderr
    assert cli("konflik", "show", "99999", env=run).returncode == 1
    exported = cli("konflik", "export", "--usulan", env=run)
    assert "'[bold red]=cmd" not in exported.stdout and "[bold red]=cmd" in exported.stdout
    assert exported.stdout.count("\n") == 2


def test_runs_by_prefix_with_items_in_80_columns(
    container: Container, world: World, env: dict[str, str]
) -> None:
    """runs list shows whole ids in 80 columns; show takes a prefix and lists items."""
    import_export(container, world)
    run_id = reconcile(container)["run_id"]
    run = {**env, "EKINERJA_DATABASE_URL": container.settings.database_url}
    listed = cli("runs", "list", env=run)
    assert listed.returncode == 0, listed.stderr
    assert run_id in listed.stdout.replace("\n", "")
    assert max(len(line) for line in listed.stdout.splitlines()) <= 80
    assert "WIB" in listed.stdout
    shown = cli("runs", "show", run_id[:5], "--items", "--json", env=run)
    assert shown.returncode == 0, shown.stderr
    body = json.loads(shown.stdout)
    assert body["run_id"] == run_id and len(body["items"]) == len(world.pegawai)
    unknown = cli("runs", "show", "zzzz", env=run)
    assert unknown.returncode == 2 and "zzzz" not in unknown.stderr  # README: unknown run id is 2
    assert cli("runs", "show", "a%b", env=run).returncode == 2


@pytest.mark.parametrize(
    "command",
    [["konflik", c] for c in ("list", "show", "assign", "comment", "resolve", "export")] + [["runs", "show"]],
    ids=" ".join,
)
def test_konflik_commands_have_help_with_an_example(command: list[str]) -> None:
    """Every konflik command (and runs show) explains itself with an example."""
    done = cli(*command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Contoh: ekinerja-sync " + " ".join(command) in " ".join(done.stdout.split())
