"""Catalogue table of the ``pmm`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
}
