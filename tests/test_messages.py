"""The message catalogue: every key used in code exists, and templates format cleanly."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mappings.messages import CATALOGS, UnknownMessage, t

ROOT = Path(__file__).resolve().parents[1]
USE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def test_every_key_used_in_code_is_in_the_catalogue() -> None:
    """A ``t("area.key")`` call anywhere in the product names a key the catalogue defines."""
    used = set()
    for folder in ("connectors", "mappings", "sync", "store", "service"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(USE.findall(path.read_text(encoding="utf-8")))
    assert used, "no catalogue use found: the pattern is stale"
    missing = sorted(used - CATALOGS["id"].keys())
    assert not missing, f"keys used but not defined: {missing}"


def test_templates_use_only_named_fields() -> None:
    """Every template parses, and its fields are named (positional fields would break languages)."""
    for key, template in CATALOGS["id"].items():
        for _, field, _, _ in string.Formatter().parse(template):
            assert field is None or (field and not field.isdigit()), key


def test_unknown_key_is_an_error() -> None:
    """Asking for a key that does not exist fails loudly instead of showing the key."""
    with pytest.raises(UnknownMessage):
        t("tidak.ada")
    assert t("common.not_found_pegawai", nip="1") == "tidak ada pegawai lokal dengan NIP 1"
