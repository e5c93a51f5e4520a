"""The message catalogue: every text an operator reads, by key, per language.

Pages, CLI output and errors and API error messages take their words from here, never from
string literals scattered in code, so another language can be added by adding a table. Each area
keeps its own table (``common``, ``access``, ``runs``, ``konflik``, ``pmm``, ``skp``,
``audit``, ``ekspor``, ``fields``); keys are dotted and unique across areas.

    >>> t("common.not_found_pegawai", nip="198609262015051001")
    'tidak ada pegawai lokal dengan NIP 198609262015051001'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from mappings.messages import (
    access,
    audit,
    cli,
    cli_words,
    common,
    console,
    console_lists,
    ekspor,
    fields,
    guards,
    held,
    konflik,
    konflik_group,
    penugasan,
    pmm,
    runs,
    skp,
    worker,
)

DEFAULT_LANGUAGE = "id"


def _merge(*tables: Mapping[str, str]) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:
            raise ValueError(f"message keys defined twice: {sorted(clash)}")
        merged.update(table)
    return MappingProxyType(merged)


CATALOGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": _merge(
            common.ID,
            cli.ID,
            access.ID,
            runs.ID,
            konflik.ID,
            konflik_group.ID,
            pmm.ID,
            console.ID,
            guards.ID,
            skp.ID,
            audit.ID,
            console_lists.ID,
            held.ID,
            penugasan.ID,
            ekspor.ID,
            cli_words.ID,
            fields.ID,
            worker.ID,
        ),
    }
)


class UnknownMessage(KeyError):
    """A key that no catalogue table defines (a programming error, caught by the tests)."""


def t(key: str, language: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text of ``key`` in ``language`` with ``params`` filled in (``str.format`` fields)."""
    table = CATALOGS.get(language) or CATALOGS[DEFAULT_LANGUAGE]
    try:
        template = table[key]
    except KeyError:
        raise UnknownMessage(key) from None
    return template.format(**params) if params else template


def choices(expected: object) -> str:
    """Pydantic's list of allowed values (``'a', 'b' or 'c'``) with the last joint in Bahasa."""
    head, sep, last = str(expected).rpartition(" or ")
    return f"{head} atau {last}" if sep else str(expected)
