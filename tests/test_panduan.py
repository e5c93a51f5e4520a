"""The operators' guide: every picture and anchor it points to exists, and the console serves it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from service.console.panduan import GUIDE, PICTURES, render_guide, slug
from service.container import Container
from tests.console_site import ConsoleSite, admin_client, serve

TEXT = GUIDE.read_text(encoding="utf-8")


def test_every_picture_of_the_guide_is_in_the_repository() -> None:
    """Each ``![...](gambar/x.png)`` names a PNG under docs/gambar (taken by the browser test)."""
    pictures = re.findall(r"!\[[^\]]*\]\((gambar/[^)]+)\)", TEXT)
    assert len(pictures) >= 7
    for picture in pictures:
        path = PICTURES.parent / picture
        assert path.is_file(), picture
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture


def test_every_link_of_the_table_of_contents_reaches_a_heading() -> None:
    """The table of contents links to ids the rendered headings carry."""
    html = render_guide(TEXT)
    anchors = re.findall(r"\]\(#([^)]+)\)", TEXT)
    assert len(anchors) >= 10
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor


def test_slug_follows_github() -> None:
    """Headings get the anchors GitHub gives them, so links work there and in the console."""
    assert slug("3. Konflik: nilai lokal dan SIASN berbeda") == "3-konflik-nilai-lokal-dan-siasn-berbeda"
    assert slug("6. Guru (PMM)") == "6-guru-pmm"


def test_markup_in_the_guide_is_not_rendered_as_html() -> None:
    """Raw HTML in the Markdown stays text: the guide cannot inject markup into the console."""
    html = render_guide("# Judul\n\n<script>alert(1)</script> <img src=x onerror=alert(1)>\n")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.fixture
def site(container: Container) -> Iterator[ConsoleSite]:
    """The console served over an empty store."""
    with serve(container, {}) as served:
        yield served


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_console_menu_leads_to_the_guide_with_its_pictures(site: ConsoleSite) -> None:
    """The menu links to /admin/panduan; the page shows the guide and its pictures load."""
    with admin_client(site) as client:
        home = client.get("/admin/")
        assert 'id="nav-panduan" href="/admin/panduan"' in home.text
        page = client.get("/admin/panduan")
        assert page.status_code == 200
        assert 'id="3-konflik-nilai-lokal-dan-siasn-berbeda"' in page.text
        sources = re.findall(r'<img src="([^"]+)"', page.text)
        assert sources and all(s.startswith("/admin/panduan/gambar/") for s in sources)
        picture = client.get(sources[0])
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
        assert client.get("/admin/panduan/gambar/..%2Fpanduan-operator.md").status_code == 404
        assert client.get("/admin/panduan/gambar/tidak-ada.png").status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_guide_needs_a_login(site: ConsoleSite) -> None:
    """An anonymous visitor is sent to the login page, for the guide and for its pictures."""
    import httpx

    with httpx.Client(base_url=site.url, follow_redirects=False) as anonymous:
        assert anonymous.get("/admin/panduan").status_code == 303
        assert anonymous.get("/admin/panduan/gambar/beranda.png").status_code in (303, 401)
