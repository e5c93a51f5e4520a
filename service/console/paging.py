"""Paging, sorting and filter values of every console list, read from a URL and refused when bad.

``hal`` (page, from 1) and ``per`` (rows per page, up to ``MAX_PER``) are whole numbers of at most
six digits; a sort key must be one the list offers; a choice must be one of its values. Each
refusal is a 400 page in Bahasa Indonesia naming the parameter, never echoing the value sent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from mappings.messages import t
from service.console.views import PageRefused

MAX_PER = 500
MAX_DIGITS = 6


@dataclass(frozen=True)
class Paging:
    """Which page of a list, how many rows per page, and (once counted) how many rows in all."""

    page: int = 1
    per_page: int = 50
    total: int = 0

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The number of the first row on this page (0 when the list is empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        """The number of the last row on this page."""
        return min(self.offset + self.per_page, self.total)

    def counted(self, total: int) -> Paging:
        """This page with the total filled in."""
        return Paging(self.page, self.per_page, total)


def whole_number(
    source: Mapping[str, Any],
    key: str,
    default: int | None = None,
    *,
    minimum: int = 0,
    maximum: int = 10**MAX_DIGITS,
) -> int | None:
    """A non-negative whole number parameter (``default`` when absent), or a 400 naming ``key``."""
    raw = str(source.get(key, "") or "").strip()
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_DIGITS:
        raise PageRefused(400, t("console.bad_param_number", name=key, maximum=maximum))
    value = int(raw)
    if not minimum <= value <= maximum:
        raise PageRefused(400, t("console.bad_param_number", name=key, maximum=maximum))
    return value


def read_paging(source: Mapping[str, Any], default_per: int = 50) -> Paging:
    """``hal`` and ``per`` from the query (page 1 and ``default_per`` rows when absent)."""
    page = whole_number(source, "hal", 1, minimum=1, maximum=10**MAX_DIGITS - 1) or 1
    per = whole_number(source, "per", default_per, minimum=1, maximum=MAX_PER) or default_per
    return Paging(page, per)


def choice(source: Mapping[str, Any], key: str, allowed: Collection[str], default: str = "") -> str:
    """A parameter that must be one of ``allowed`` (``default`` when absent), or a 400."""
    raw = str(source.get(key, "") or "").strip()
    if raw == "":
        return default
    if raw not in allowed:
        raise PageRefused(400, t("console.bad_param_choice", name=key))
    return raw


def text_param(source: Mapping[str, Any], key: str, limit: int = 100) -> str:
    """A free-text parameter, trimmed; over ``limit`` characters or with controls is a 400."""
    raw = str(source.get(key, "") or "").strip()
    if len(raw) > limit or any(not ch.isprintable() for ch in raw):
        raise PageRefused(400, t("console.bad_param_text", name=key, limit=limit))
    return raw


def link(params: Mapping[str, Any], **override: Any) -> str:
    """A URL query of ``params`` with ``override`` applied; empty values dropped."""
    merged = {**params, **override}
    return urlencode({k: v for k, v in merged.items() if v not in ("", None)})
