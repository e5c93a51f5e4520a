"""Catalogue table of the ``guards`` area, Bahasa Indonesia (key -> ``str.format`` template).

Refusals of bad configuration, bad options and bad roster files, and what a guard or a failed
phase of a run reports.
"""

from __future__ import annotations

ID: dict[str, str] = {
    # configuration ---------------------------------------------------------------------------
    "guards.setting_invalid": "{variable}: {problem}",
    "guards.setting_number": "harus berupa angka",
    "guards.setting_integer": "harus berupa bilangan bulat",
    "guards.setting_bool": "harus true atau false",
    "guards.setting_min": "harus {limit} atau lebih",
    "guards.setting_more_than": "harus lebih dari {limit}",
    "guards.setting_max": "harus {limit} atau kurang",
    "guards.setting_choice": "harus salah satu dari {choices}",
    "guards.database_url_unreadable": "bukan URL basis data; contoh: sqlite:///ekinerja.db atau "
                                      "postgresql+psycopg://user@host/db",
    "guards.database_url_unsupported": "basis data '{backend}' tidak didukung; gunakan "
                                       "sqlite:///FILE atau postgresql+psycopg://user@host/db",
    "guards.database_driver_missing": "driver '{driver}' tidak terpasang; gunakan "
                                      "postgresql+psycopg://user@host/db",
    # command options -------------------------------------------------------------------------
    "guards.option_min": "{option} harus {limit} atau lebih, bukan {value}",
    "guards.option_number": "{option} harus berupa angka, bukan {value}",
}
