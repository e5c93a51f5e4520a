"""``/admin/panduan``: the operators' guide (``docs/panduan-operator.md``) inside the console.

The guide is Markdown written for people; it is rendered with markdown-it (CommonMark plus
tables, raw HTML off, so nothing in the file can inject markup), headings get the ids its table
of contents links to, and its screenshots (``docs/gambar/*.png``, taken by the browser tests)
are served beside it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from mappings.messages import t
from service.console.views import PREFIX, PageRefused, Views

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "panduan-operator.md"
PICTURES = DOCS / "gambar"
PICTURE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,60}\.png")


def slug(text: str) -> str:
    """The anchor a heading gets, as GitHub makes it (lower case, punctuation dropped, spaces to -)."""
    kept = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return kept.replace(" ", "-")


def render_guide(markdown: str) -> str:
    """The guide as HTML: ids on headings, pictures pointed at the console's own route."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", slug(tokens[index + 1].content))
        if token.type == "inline":
            _point_pictures(token.children or [])
    return str(parser.renderer.render(tokens, parser.options, {}))


def _point_pictures(children: list[Token]) -> None:
    for child in children:
        source = str(child.attrGet("src") or "")
        if child.type == "image" and source.startswith("gambar/"):
            child.attrSet("src", f"{PREFIX}/panduan/{source}")


@lru_cache(maxsize=4)
def _cached(path: Path, mtime: float) -> str:
    return render_guide(path.read_text(encoding="utf-8"))


def guide_html(path: Path = GUIDE) -> str | None:
    """The rendered guide, or None when the file is not installed with the package."""
    try:
        return _cached(path, path.stat().st_mtime)
    except FileNotFoundError:
        return None


def panduan_router(views: Views) -> APIRouter:
    """The guide page and its pictures, for every logged-in person."""
    router = APIRouter()

    @router.get("/panduan", response_class=HTMLResponse)
    async def panduan(request: Request) -> HTMLResponse:
        viewer = await views.viewer(request)
        body = guide_html()
        return views.page(request, viewer, "panduan.html", body=Markup(body) if body is not None else None)

    @router.get("/panduan/gambar/{name}")
    async def gambar(request: Request, name: str) -> FileResponse:
        await views.viewer(request)
        picture = PICTURES / name
        if not PICTURE_NAME.fullmatch(name) or not picture.is_file():
            raise PageRefused(404, t("console.panduan_no_picture"))
        return FileResponse(picture, media_type="image/png", headers={"Cache-Control": "no-store"})

    return router
