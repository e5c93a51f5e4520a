"""The unit picker: find a unit by typing part of its name or path, within the viewer's area.

Two ways in, one search (``sync.unit_index``): ``GET /admin/unor/cari.json?q=`` answers matches
with their paths for the picker's script, and ``GET /admin/unor/cari?q=&kembali=`` is the same
search as a page of links, for a browser without JavaScript. A form that embeds the picker
(``_unit_picker.html``) sends the chosen id as ``NAME`` and the typed text as ``NAME_cari``;
``pick_unit`` reads both: typed text that names exactly one unit picks it, several are offered
as a list, and an id outside the store or the viewer's area is refused (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.orm import Session

from mappings.messages import t
from service.console.paging import read_paging, text_param
from service.console.views import PREFIX, SECURITY_HEADERS, PageRefused, Views
from sync.access.rules import Principal, RoleMap
from sync.konflik.scope import Scope, scope_for
from sync.unit_index import UnitMatches, UnitRef, unit_index

CHOICES_SHOWN = 20
TEXT_LIMIT = 200


@dataclass(frozen=True)
class Pick:
    """What a picker field resolved to: a unit, or the matches of typed text to choose from."""

    chosen: UnitRef | None = None
    text: str = ""
    matches: UnitMatches | None = None

    @property
    def unit_id(self) -> str | None:
        """The chosen unit's id, if one is chosen."""
        return self.chosen.id if self.chosen is not None else None


def area(scope: Scope) -> frozenset[str] | None:
    """The units the viewer may pick: None for everything (an admin), else their area."""
    if scope.level == "all":
        return None
    return scope.units if scope.level == "operator" else frozenset()


def pick_unit(session: Session, scope: Scope, params: Mapping[str, Any], name: str = "unit") -> Pick:
    """Read picker field ``name`` (an id and the typed text) against the viewer's area."""
    index, within = unit_index(session), area(scope)
    uid = text_param(params, name, 64)
    typed = text_param(params, f"{name}_cari", TEXT_LIMIT)
    chosen = index.ref(uid) if uid else None
    if uid and (chosen is None or (within is not None and uid not in within)):
        raise PageRefused(400, t("console.unit_unknown", name=name))
    if not typed and f"{name}_cari" in params:
        return Pick()  # the text was cleared: no unit
    if not typed or (chosen is not None and typed in (chosen.label, chosen.id)):
        return Pick(chosen, chosen.label if chosen else "")
    found = index.search(typed, within=within, include_inactive=True, limit=CHOICES_SHOWN)
    if found.leading == 1:
        return Pick(found.items[0], found.items[0].label)
    exact = [u for u in found.items if u.label.casefold() == typed.casefold()]
    if len(exact) == 1:
        return Pick(exact[0], exact[0].label)
    return Pick(None, typed, found)


def search_units(
    session: Session, roles: RoleMap, who: Principal, text: str, offset: int, limit: int
) -> UnitMatches:
    """One page of the units matching ``text`` within the area of ``who``."""
    scope = scope_for(session, who, roles)
    if scope.level == "self":
        return UnitMatches([], 0)
    return unit_index(session).search(text, within=area(scope), limit=limit, offset=offset)


def back_link(target: str, name: str, unit_id: str) -> str:
    """``target`` (a console path with its query) with ``name`` set to ``unit_id``."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in (name, f"{name}_cari", "hal")]
    return f"{parts.path}?{urlencode([*query, (name, unit_id)])}"


def _safe_target(raw: str) -> str:
    """A return address inside the console, or the konflik list (never another site)."""
    parts = urlsplit(raw)
    if (
        raw.startswith(PREFIX + "/")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in raw
        and not raw.startswith(PREFIX + "//")
    ):
        return raw
    return PREFIX + "/konflik"


def unit_picker_router(views: Views) -> APIRouter:
    """Routes of the picker: its JSON search and its page for browsers without JavaScript."""
    router = APIRouter()

    @router.get("/unor/cari.json")
    async def cari_json(request: Request) -> JSONResponse:
        viewer = await views.staff(request)
        paging = read_paging(request.query_params, CHOICES_SHOWN)
        text = text_param(request.query_params, "q", TEXT_LIMIT)
        found = await views.gate.tx(
            search_units, views.gate.roles, viewer.who, text, paging.offset, paging.per_page
        )
        return JSONResponse(
            {
                "total": found.total,
                "hal": paging.page,
                "per": paging.per_page,
                "items": [u.as_dict() for u in found.items],
            },
            headers={**SECURITY_HEADERS, "Cache-Control": "no-store"},
        )

    @router.get("/unor/cari", response_class=HTMLResponse)
    async def cari(request: Request) -> HTMLResponse:
        viewer = await views.staff(request)
        paging = read_paging(request.query_params, CHOICES_SHOWN)
        text = text_param(request.query_params, "q", TEXT_LIMIT)
        name = text_param(request.query_params, "nama", 30) or "unit"
        target = _safe_target(text_param(request.query_params, "kembali", 1000))
        found = await views.gate.tx(
            search_units, views.gate.roles, viewer.who, text, paging.offset, paging.per_page
        )
        links = [(u, back_link(target, name, u.id)) for u in found.items]
        return views.page(
            request,
            viewer,
            "unor_cari.html",
            q=text,
            links=links,
            paging=paging.counted(found.total),
            nama=name,
            kembali=target,
        )

    return router


def unit_label_error(count: int) -> str:
    """Why typed unit text picked nothing: none or several matched."""
    return t("console.unit_none") if count == 0 else t("console.unit_several", count=count)
