"""Every console list over real HTTP on SQLite and PostgreSQL: paged in SQL with totals, sorted,
filtered, bad values refused in Bahasa Indonesia without echoing them; the unit picker (JSON and
without JavaScript); run detail opening on what changed; an operator's area in totals and picker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from benchmarks.console_store import Generated, populate
from service.container import Container
from store.db import transaction
from sync.access.grants import grant_unit
from sync.unit_index import unit_index
from tests.console_site import ConsoleSite, admin_client, serve

pytestmark = pytest.mark.e2e
EMPLOYEES = 300


@dataclass
class Listed:
    """The served console over a generated store, and what was generated."""

    site: ConsoleSite
    gen: Generated


@pytest.fixture
def listed(container: Container) -> Iterator[Listed]:
    """300 employees over 250 units, 8 conflicts, 30 nights, a held night, 5 PMM feeds."""
    gen = populate(container.sessions, employees=EMPLOYEES, units=250)
    with serve(container, {}) as site:
        yield Listed(site, gen)


def _rows(page: httpx.Response, table: str) -> list[str]:
    body = page.text.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr[ >]", body.split("<tbody>", 1)[1])


def _nips(page: httpx.Response) -> list[str]:
    return re.findall(r'href="/admin/pegawai/(\d{18})"', page.text)


def test_pegawai_pages_with_total_sort_and_unit_filter(listed: Listed) -> None:
    """All employees page by 50 with the total; sorting by NIP descending starts at the largest;
    the unit filter narrows to the unit's subtree."""
    with admin_client(listed.site) as client:
        first = client.get("/admin/pegawai", params={"per": 50})
        last = client.get("/admin/pegawai", params={"per": 50, "hal": 6})
        beyond = client.get("/admin/pegawai", params={"per": 50, "hal": 7})
        by_nip = client.get("/admin/pegawai", params={"urut": "-nip", "per": 10})
        dinas = client.get("/admin/pegawai", params={"unit": "D01", "per": 500})
    assert f"{EMPLOYEES} pegawai cocok" in first.text and "Halaman 1 dari 6" in first.text
    assert len(_nips(first)) == 50 and len(_nips(last)) == 50 and _nips(beyond) == []
    assert 'id="hal-berikut"' in first.text and 'id="hal-berikut"' not in last.text
    assert _nips(by_nip) == sorted(listed.gen.nips, reverse=True)[:10]
    inside = sorted(n for n, u in listed.gen.unit_of.items() if u.startswith("D01"))
    assert sorted(_nips(dinas)) == inside and f"{len(inside)} pegawai cocok" in dinas.text
    assert "Dinas Kesehatan ›" in dinas.text


def test_konflik_and_runs_page_with_totals_kinds_and_sorts(listed: Listed) -> None:
    """Conflicts and runs page with totals; PMM feeds are a kind of their own, apart from nights."""
    gen = listed.gen
    with admin_client(listed.site) as client:
        konflik = client.get("/admin/konflik", params={"per": 3, "hal": 2})
        runs = client.get("/admin/runs", params={"per": 10})
        feeds = client.get("/admin/runs", params={"jenis": "pmm"})
        nights = client.get("/admin/runs", params={"jenis": "reconcile", "per": 100, "urut": "mulai"})
    assert f"{gen.conflicts} konflik cocok" in konflik.text and len(_rows(konflik, "tabel-konflik")) == 3
    assert f"Halaman 2 dari {-(-gen.conflicts // 3)}" in konflik.text
    assert "Pemerintah Provinsi Contoh ›" in konflik.text  # the unit column is a path
    assert f"{len(gen.nights) + 1 + 5} sinkron" in runs.text and len(_rows(runs, "tabel-runs")) == 10
    assert "5 sinkron" in feeds.text and feeds.text.count("umpan PMM (berkas rekap)") == 5
    assert "rekonsiliasi malam" not in feeds.text.split('id="tabel-runs"')[1]
    ids = re.findall(r'href="/admin/runs/([a-z0-9]+)"', nights.text.split('id="tabel-runs"')[1])
    assert ids == [*gen.nights, gen.held]  # oldest first when sorted ascending


def test_run_detail_opens_on_what_changed(listed: Listed) -> None:
    """A night opens on its changed employees only (counted in SQL), pages through them, and
    shows all on request; a held plan shows its unit moves as paths."""
    gen, night = listed.gen, listed.gen.nights[-1]
    with admin_client(listed.site) as client:
        opened = client.get(f"/admin/runs/{night}", params={"per": 5})
        second = client.get(f"/admin/runs/{night}", params={"per": 5, "hal": 2})
        every = client.get(f"/admin/runs/{night}", params={"situasi": "semua", "per": 500})
        updated = client.get(f"/admin/runs/{night}", params={"situasi": "updated"})
        held = client.get(f"/admin/runs/{gen.held}")
    assert f"Per pegawai ({gen.changed_last_night})" in opened.text
    rows = _rows(opened, "item-run")
    assert len(rows) == 5 and "situasi-confirmed" not in opened.text
    assert 'id="saringan-berubah"' in opened.text and "Halaman 2 dari" in second.text
    assert set(_nips(opened)).isdisjoint(_nips(second))
    assert f"Per pegawai ({EMPLOYEES})" in every.text
    assert "diperbarui dari SIASN · unit kerja:" in updated.text and " › " in updated.text
    assert "situasi-updated" in held.text and "Dinas" in held.text.split('id="item-run"')[1]
    with listed.site.container.sessions() as session:
        label = unit_index(session).label(gen.unit_of[gen.nips[0]]) or ""
    assert " › " in label and label in held.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/admin/pegawai", {"hal": "-1"}),
        ("/admin/pegawai", {"hal": "9" * 20}),
        ("/admin/pegawai", {"per": "0"}),
        ("/admin/pegawai", {"per": "501"}),
        ("/admin/pegawai", {"urut": "gaji"}),
        ("/admin/pegawai", {"aktif": "mungkin"}),
        ("/admin/pegawai", {"unit": "TIDAK-ADA-9"}),
        ("/admin/konflik", {"hal": "0"}),
        ("/admin/konflik", {"unit": "TIDAK-ADA-9"}),
        ("/admin/konflik", {"per": "12x"}),
        ("/admin/runs", {"jenis": "malam-ajaib"}),
        ("/admin/runs", {"hal": "9" * 20}),
        ("/admin/runs", {"urut": "gaji"}),
        ("/admin/", {"skala": "kubik"}),
        ("/admin/unor/cari.json", {"hal": "-3"}),
        ("/admin/unor/cari", {"q": "x" * 300}),
    ],
)
def test_bad_list_values_are_refused_in_bahasa_without_echo(
    listed: Listed, path: str, params: dict[str, str]
) -> None:
    """Each bad value is a 400 naming the parameter in Bahasa Indonesia, never a 500 or an echo."""
    with admin_client(listed.site) as client:
        answer = client.get(path, params=params)
    assert answer.status_code == 400, answer.text
    ((name, value),) = params.items()
    assert f" {name} " in answer.text and "parameter" in answer.text.lower()
    assert len(value) < 4 or value not in answer.text


def test_run_detail_refuses_bad_values(listed: Listed) -> None:
    """A run's situation and page parameters are checked like every list."""
    night = listed.gen.nights[-1]
    with admin_client(listed.site) as client:
        for params in ({"situasi": "bahagia"}, {"hal": "-1"}, {"urut": "gaji"}):
            answer = client.get(f"/admin/runs/{night}", params=params)
            assert answer.status_code == 400 and "parameter" in answer.text.lower(), params


def test_picker_finds_units_by_name_and_path(listed: Listed) -> None:
    """Ten "Bidang Pembinaan" are ten distinct paths; more words pick one; without JavaScript the
    typed text filters when it names one unit and lists choices when it names several."""
    with admin_client(listed.site) as client:
        found = client.get("/admin/unor/cari.json", params={"q": "bidang pembinaan"}).json()
        one = client.get("/admin/unor/cari.json", params={"q": "kesehatan pembinaan", "per": 1})
        typed = client.get("/admin/konflik", params={"unit_cari": "kesehatan bidang pembinaan"})
        several = client.get("/admin/konflik", params={"unit_cari": "bidang pembinaan"})
        page = client.get(
            "/admin/unor/cari", params={"q": "pembinaan", "kembali": "/admin/konflik?field=unor_id"}
        )
        foreign = client.get(
            "/admin/unor/cari", params={"q": "pembinaan", "kembali": "https://jahat.example/x"}
        )
    own = [u for u in found["items"] if u["nama"] == "Bidang Pembinaan"]
    assert len(own) == 10 == len({u["jalur"] for u in own})
    assert all(u["jalur"].endswith("› Bidang Pembinaan") for u in own)
    assert one.json()["items"][0]["id"] == "D01B1"
    assert 'name="unit" value="D01B1"' in typed.text
    assert 'id="unit-pilihan"' in several.text and several.text.count('data-unit="D0') >= 10
    assert 'href="/admin/konflik?field=unor_id&amp;unit=D01B1"' in page.text
    assert "jahat.example" not in foreign.text and "/admin/konflik?unit=" in foreign.text


def test_operator_sees_only_their_area(listed: Listed) -> None:
    """An operator granted Dinas Kesehatan: employee totals, picker matches, conflict filter and
    the beranda's night counts are their area's, never the instansi's."""
    gen = listed.gen
    operator = next(n for n in gen.nips if gen.unit_of[n].startswith("D01"))
    with transaction(listed.site.container.sessions) as session:
        grant_unit(session, operator, "D01", by="uji")
    inside = [n for n in gen.nips if gen.unit_of[n].startswith("D01")]
    cookie = listed.site.session_for(operator)
    with httpx.Client(base_url=listed.site.url, cookies={"ekinerja_sesi": cookie}, timeout=30) as client:
        people = client.get("/admin/pegawai", params={"per": 500})
        picked = client.get("/admin/unor/cari.json", params={"q": "pembinaan", "per": 50}).json()
        foreign = client.get("/admin/konflik", params={"unit": "D02"})
        beranda = client.get("/admin/", params={"skala": "linear"})
    assert f"{len(inside)} pegawai cocok" in people.text
    assert sorted(_nips(people)) == sorted(inside)
    assert picked["total"] >= 1 and all(u["id"].startswith("D01") for u in picked["items"])
    assert foreign.status_code == 400 and "wilayah kerja" in foreign.text
    assert 'id="catatan-wilayah"' in beranda.text
    assert f"sesuai {EMPLOYEES - gen.changed_last_night}" not in beranda.text
    titles = re.findall(r"<title>[^<]*: sesuai (\d+)</title>", beranda.text)
    assert titles and max(int(n) for n in titles) <= len(inside)


def test_beranda_chart_labels_dates_and_keeps_small_counts_visible(listed: Listed) -> None:
    """Night labels are dates and times in the configured timezone (01:30 WIB), distinct per
    night; on the log scale a handful of changes is a visible band beside the unchanged."""
    with admin_client(listed.site) as client:
        log = client.get("/admin/").text
        linear = client.get("/admin/", params={"skala": "linear"}).text
        changes = client.get("/admin/", params={"hanya": "perubahan"}).text
    chart = log.split('id="grafik"', 1)[1].split("</svg>", 1)[0]
    ticks = re.findall(r'text-anchor="middle">([^<]+)<', chart)
    assert ticks and all(re.fullmatch(r"\d\d-\d\d 01:30", t) for t in ticks)
    assert len(set(ticks)) == len(ticks)
    pattern = r'height="([\d.]+)" fill="[^"]+"><title>[^<]*: (\w+) \d+</title>'
    heights = {m[1]: float(m[0]) for m in re.findall(pattern, chart)}
    flat = {m[1]: float(m[0]) for m in re.findall(pattern, linear)}
    assert flat["konflik"] < 3 < 15 < heights["konflik"]  # a thin line on a linear scale
    assert "WIB" not in ticks[0] and "Asia/Jakarta" in log
    assert ": sesuai" not in changes.split('id="grafik"', 1)[1].split("</svg>", 1)[0]
    assert 'id="h-umpan"' in log and "umpan PMM (berkas rekap)" in log
