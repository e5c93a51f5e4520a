"""The konflik list's filters as they travel in a URL or a form, parsed into ``KonflikFilter``.

Parameter names are the page's (Bahasa Indonesia): ``unit``, ``field``, ``situasi``, ``status``
(``aktif`` = open or assigned, ``semua``, or one status), ``penerima``, ``umur`` (days),
``terlambat``, ``q``, ``urut``, ``hal``, ``per``. A bad value is refused with a message naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from service.console.paging import read_paging, whole_number
from sync.konflik.lifecycle import ACTIVE, STATUSES
from sync.konflik.query import KonflikFilter

FILTER_KEYS = ("unit", "field", "situasi", "status", "penerima", "umur", "terlambat", "q", "urut")
DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class ListRequest:
    """A parsed list request: the filter, the sort, the page, and the raw filter parameters."""

    filt: KonflikFilter
    sort: str
    page: int
    per_page: int
    params: dict[str, str]

    def with_unit(self, unit_id: str | None) -> ListRequest:
        """This request filtered on ``unit_id`` (what the unit picker resolved)."""
        params = {**self.params, "unit": unit_id or ""}
        return replace(self, filt=replace(self.filt, unit=unit_id), params=params)

    def query(self, **override: str | int) -> str:
        """The URL query of these filters (with ``override`` applied; empty values dropped)."""
        merged: dict[str, str | int] = {**self.params, **override}
        return urlencode({k: v for k, v in merged.items() if v not in ("", None)})


def parse_list(source: Mapping[str, str]) -> ListRequest:
    """Read the filters from query parameters or form fields."""
    params = {key: str(source.get(key, "")).strip() for key in FILTER_KEYS}
    filt = KonflikFilter(
        unit=params["unit"] or None,
        field=params["field"] or None,
        kind=params["situasi"] or None,
        statuses=_statuses(params["status"]),
        assignee=params["penerima"] or None,
        min_age_days=_number(params, "umur"),
        overdue=params["terlambat"] in ("1", "ya", "on"),
        text=params["q"] or None,
    )
    paging = read_paging(source, DEFAULT_PER_PAGE)
    return ListRequest(filt, params["urut"] or "dibuka", paging.page, paging.per_page, params)


def _statuses(value: str) -> tuple[str, ...]:
    if value in ("", "aktif"):
        return ACTIVE
    if value == "semua":
        return STATUSES
    return (value,)


def _number(params: Mapping[str, str], key: str) -> int | None:
    return whole_number(params, key)
