"""Catalogue table of the ``runs`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
}
