"""Who the command line names in the audit log when a command changes a conflict.

``--oleh NAMA`` first, then the ``EKINERJA_OPERATOR`` environment variable, then the person
logged in to the machine: their full name from the account's GECOS field and their login
(``sudo`` keeps the login of the person who ran it). ``root`` names nobody: a change made as
root without ``--oleh`` or ``EKINERJA_OPERATOR`` is refused (exit 2), never written as
``cli:root``.
"""

from __future__ import annotations

import getpass
import os
import pwd
from collections.abc import Mapping

from mappings.limits import ON_BEHALF_MAX, LimitError, check_text
from mappings.messages import t
from service.cli.common import fail

ENV = "EKINERJA_OPERATOR"
NOBODY = frozenset({"", "root"})


def cli_actor(oleh: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The audit actor ``cli:NAME`` of a change, or exit 2 when no person can be named."""
    env = os.environ if environ is None else environ
    name = (oleh or "").strip() or env.get(ENV, "").strip() or _os_person(env)
    if not name:
        raise fail(t("keputusan.cli_no_person"))
    try:
        check_text(name, path="--oleh", max_length=ON_BEHALF_MAX, min_length=1)
    except LimitError as exc:
        raise fail(str(exc)) from None
    return f"cli:{name}"


def _os_person(env: Mapping[str, str]) -> str:
    """The full name and login of the person at the terminal; empty for root or nobody."""
    login = _login(env)
    if login in NOBODY:
        return ""
    try:
        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        full = ""
    return f"{full} ({login})" if full and full != login else login


def _login(env: Mapping[str, str]) -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = ""
    sudo = env.get("SUDO_USER", "").strip()
    return sudo if login == "root" and sudo else login
