"""The login and home pages are drawn from the console's templates (issue 14.3): the same form
fields, Bahasa words from the catalogue, and every value from a person or the query escaped."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.responses import HTMLResponse

from mappings.messages import t
from service.console.views import build_environment
from service.web import LoginPages
from sync.access.rules import Principal

ROOT = Path(__file__).resolve().parent.parent
PAGES = LoginPages(build_environment())


def text(page: HTMLResponse) -> str:
    """The page's HTML as text."""
    return bytes(page.body).decode()


def test_login_page_has_the_local_form_and_the_myasn_link() -> None:
    """Username, password and the hidden ``next`` post to /login/lokal; the MyASN link keeps ``next``."""
    page = PAGES.login("/admin/konflik?status=open", "", myasn=True)
    body = text(page)
    assert page.status_code == 200 and 'action="/login/lokal"' in body
    assert 'id="username" name="username" autocomplete="username"' in body
    assert 'name="password" type="password" autocomplete="current-password"' in body
    assert '<input type="hidden" name="next" value="/admin/konflik?status=open">' in body
    assert 'href="/login/myasn?next=/admin/konflik%3Fstatus%3Dopen"' in body
    assert t("access.login_myasn_button") in body and 'id="galat"' not in body


def test_login_page_escapes_the_error_and_next() -> None:
    """A hostile ``galat`` or ``next`` is text on the page, never markup; MyASN off says so."""
    page = PAGES.login('/"><script>x()</script>', "<b>salah</b>", 401, myasn=False)
    body = text(page)
    assert page.status_code == 401 and "<script>" not in body and "<b>" not in body
    assert "&lt;b&gt;salah&lt;/b&gt;" in body and t("access.login_myasn_off") in body
    assert 'id="masuk-myasn"' not in body


def test_home_page_shows_who_how_and_the_rights() -> None:
    """An operator logged in with MyASN: name escaped, level, work area, a link to their profile."""
    who = Principal("myasn", "198609262015051001", ("operator",), "Rina <i>W</i>")
    body = text(PAGES.home(who, "operator", "Dinas A dan unit di bawahnya"))
    assert '<td id="nama">Rina &lt;i&gt;W&lt;/i&gt;</td>' in body
    assert f'<td id="hak">{t("access.level_operator")}</td>' in body
    assert '<td id="wilayah">Dinas A dan unit di bawahnya</td>' in body
    assert 'href="/api/v1/pegawai/198609262015051001"' in body and 'action="/logout"' in body


def test_home_page_of_a_local_admin_has_no_profile_or_area() -> None:
    """A local admin: 'akun admin lokal', every unit, no profile link and no work-area row."""
    body = text(PAGES.home(Principal("local", "admin-bkd"), "all", None))
    assert t("access.home_via_local") in body and t("access.level_all") in body
    assert 'id="profil"' not in body and 'id="wilayah"' not in body


def test_web_module_builds_no_markup() -> None:
    """service/web.py holds no HTML: every string constant is free of tags (one way to draw HTML)."""
    tree = ast.parse((ROOT / "service" / "web.py").read_text(encoding="utf-8"))
    tagged = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "<" in node.value
    ]
    assert tagged == []
