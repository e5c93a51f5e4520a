"""The demo's last words: where the console is and a local admin login that works on its database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from mappings.messages import t
from service.container import Container
from store.db import transaction
from sync.access.accounts import set_local_account

DEMO_ADMIN = "admin-demo"


@dataclass(frozen=True)
class DemoLogin:
    """A local admin account created in the demo database, and how to reach the console."""

    username: str
    password: str
    console_url: str

    def text(self, database_url: str) -> str:
        """The lines the demo prints (Bahasa Indonesia, from the catalogue)."""
        return t(
            "console.demo_login",
            url=self.console_url,
            username=self.username,
            password=self.password,
            database_url=database_url,
        )


def demo_login(container: Container) -> DemoLogin:
    """Create (or reset) the demo's local admin account with a fresh random password."""
    password = secrets.token_urlsafe(12)
    with transaction(container.sessions) as session:
        set_local_account(session, DEMO_ADMIN, password)
    api = container.settings.api
    return DemoLogin(DEMO_ADMIN, password, f"http://{api.host}:{api.port}/admin/")
