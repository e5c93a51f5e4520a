"""One clock (issue 13.9): every time a person reads is in the display timezone, every machine
format is ISO 8601 with an offset; exports never fail on a control character (13.4)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from service.console.safe import csv_bytes
from service.render import local_time
from service.settings import Settings
from store.models import Pegawai, SyncRun
from sync import clock
from sync.konflik.export import Column, safe_cell, to_csv
from sync.konflik.usulan import Usulan
from sync.runs import RunReport
from sync.values import pegawai_view

JAKARTA = ZoneInfo("Asia/Jakarta")
# what SQLite hands back: naive UTC; 18:59 UTC on the 6th is 01:59 WIB on the 7th
STORED = datetime(2026, 12, 6, 18, 59, 57, 329572)
# a SIASN name with ESC, BEL, DEL, a C1 control, a bidi override and a lone surrogate
HOSTILE_NAME = "\x1b[31mBudi\x07 Santoso\x7f\x85\u202e\ud800"


def test_one_helper_gives_the_console_terminal_and_machine_forms() -> None:
    """A stored naive UTC instant reads 07-12-2026 01:59 on a page, with seconds and WIB in a
    terminal, and ISO 8601 with +07:00 in machine formats; the ISO text round-trips."""
    assert clock.shown(STORED, JAKARTA) == "07-12-2026 01:59"
    assert clock.stamp(STORED, JAKARTA) == "2026-12-07 01:59:57 WIB"
    assert clock.iso(STORED, JAKARTA) == "2026-12-07T01:59:57+07:00"
    assert clock.iso(STORED) == "2026-12-06T18:59:57+00:00"
    assert clock.shown(clock.iso(STORED), JAKARTA) == "07-12-2026 01:59"
    assert clock.day(STORED, JAKARTA) == date(2026, 12, 7)
    assert clock.wall(STORED, JAKARTA) == datetime(2026, 12, 7, 1, 59, 57)
    assert clock.shown(None, JAKARTA) == "-" and clock.iso(None) is None
    assert local_time(STORED, "Asia/Jakarta") == "2026-12-07 01:59:57 WIB"


def test_the_display_timezone_is_the_konflik_setting() -> None:
    """``EKINERJA_KONFLIK__TIMEZONE`` is the display timezone; the schedule's zone only reads cron."""
    settings = Settings(konflik={"timezone": "Asia/Makassar"}, schedule={"timezone": "Asia/Jakarta"})
    assert settings.display_timezone == "Asia/Makassar"
    assert clock.shown(STORED, clock.zone(settings.display_timezone)) == "07-12-2026 02:59"


def test_profile_json_carries_an_offset_for_a_naive_stored_time() -> None:
    """The profile's last sync read back naive from SQLite is ISO 8601 with an offset, in the
    zone asked for (today it had no zone at all)."""
    person = Pegawai(nip="198609262015051001", last_synced_at=STORED)
    assert pegawai_view(person)["last_synced_at"] == "2026-12-06T18:59:57+00:00"
    assert pegawai_view(person, JAKARTA)["last_synced_at"] == "2026-12-07T01:59:57+07:00"


def test_run_summary_times_carry_an_offset() -> None:
    """A run's start and end in its JSON report are ISO 8601 with an offset, never naive."""
    run = SyncRun(id="r1", kind="reconcile", status="completed", started_at=STORED, finished_at=STORED)
    summary = RunReport.of(run).to_json()
    assert summary["started_at"] == "2026-12-06T18:59:57+00:00"
    assert datetime.fromisoformat(summary["finished_at"]).utcoffset() is not None


def test_usulan_time_is_iso_with_the_display_offset() -> None:
    """An usulan's decision time is ISO 8601 with the display offset in JSON and CSV."""
    item = Usulan(
        unit_id="u1",
        unit_nama="SD 1",
        nip="198609262015051001",
        nama=HOSTILE_NAME,
        field="no_hp",
        field_label="nomor HP",
        nilai_siasn="0812",
        nilai_usulan="0813",
        alasan="berkas",
        diputuskan_oleh="admin",
        diputuskan_pada=STORED,
        konflik_id=7,
    )
    assert item.as_dict(JAKARTA)["diputuskan_pada"] == "2026-12-07T01:59:57+07:00"
    text = to_csv([item.as_dict(JAKARTA)], ["nama", "diputuskan_pada"], JAKARTA)
    assert "\x1b" not in text and "2026-12-07T01:59:57+07:00" in text


def test_cells_escape_control_characters_and_keep_formula_protection() -> None:
    """Control, bidi and surrogate characters become visible escapes; a formula keeps its
    apostrophe; tab and line breaks stay (both file formats quote them)."""
    assert safe_cell(HOSTILE_NAME) == "\\x1b[31mBudi\\x07 Santoso\\x7f\\x85\\u202e\\ud800"
    assert safe_cell('=HYPERLINK("http://x")\x1b') == '\'=HYPERLINK("http://x")\\x1b'
    assert safe_cell("\x1b=1+1") == "\\x1b=1+1"
    assert safe_cell("baris 1\nbaris 2\tkolom") == "baris 1\nbaris 2\tkolom"
    assert safe_cell(STORED, JAKARTA) == "2026-12-07T01:59:57+07:00"


def test_csv_export_holds_no_raw_control_character_and_times_with_offset() -> None:
    """The console CSV of a row with a hostile name encodes (no lone surrogate fails it), holds
    no raw control character, and writes the time ISO 8601 with +07:00."""
    columns = [
        Column("nip", "ekspor.nip", "id"),
        Column("nama", "ekspor.nama"),
        Column("t", "ekspor.dibuka", "time"),
    ]
    rows: list[list[object]] = [
        ["198609262015051001", HOSTILE_NAME, STORED],
        ["198609262015051002", "=1+1", STORED.isoformat()],
    ]
    data = csv_bytes(columns, rows, JAKARTA)
    text = data.decode("utf-8-sig")
    assert not any(ch in text for ch in "\x1b\x07\x7f\x85\u202e")
    read = list(csv.DictReader(io.StringIO(text)))
    assert [r["t"] for r in read] == ["2026-12-07T01:59:57+07:00"] * 2
    assert read[0]["nama"].startswith("\\x1b[31mBudi") and read[1]["nama"] == "'=1+1"
    assert datetime.fromisoformat(read[0]["t"]) == STORED.replace(tzinfo=UTC, microsecond=0)
