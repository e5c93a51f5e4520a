"""Catalogue table of the ``konflik`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
}
