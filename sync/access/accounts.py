"""Local admin accounts: passwords chosen by people, so scrypt with a per-account salt.

A login is reserved with the throttle (``sync.access.throttle``) before its password is checked
here; a new password or a disabled account ends every session the account has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Literal

from sqlalchemy.orm import Session

from mappings.limits import PASSWORD_MAX, PASSWORD_MIN
from mappings.messages import t
from store.models import LocalAccount
from sync.access.common import CredentialError, check_name, now
from sync.access.sessions import end_sessions
from sync.access.throttle import clear_account, clear_success

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """An scrypt hash of ``password`` as ``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT, dklen=32)
    parts = [str(_SCRYPT[k]) for k in ("n", "r", "p")]
    return "$".join(["scrypt", *parts, _b64(salt), _b64(digest)])


def password_matches(password: str, stored: str) -> bool:
    """True when ``password`` hashes to ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def set_local_account(session: Session, username: str, password: str) -> None:
    """Create a local admin account, or set a new password; either way its sessions end."""
    check_name(username, "username")
    if len(password) < PASSWORD_MIN:
        raise CredentialError(t("access.password_short", limit=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX or "\x00" in password or not _encodable(password):
        raise CredentialError(t("access.password_long", limit=PASSWORD_MAX))
    row = session.get(LocalAccount, username)
    if row is None:
        session.add(
            LocalAccount(
                username=username, password_hash=hash_password(password), created_at=now(), disabled=False
            )
        )
    else:
        row.password_hash, row.disabled = hash_password(password), False
    end_sessions(session, "local", username)
    clear_account(session, username)


def disable_local_account(session: Session, username: str) -> None:
    """Disable a local admin account and end every session it has."""
    row = session.get(LocalAccount, username)
    if row is None:
        raise CredentialError(t("access.account_unknown", username=username))
    row.disabled = True
    end_sessions(session, "local", username)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def verify_local_account(
    session: Session, username: str, password: str, client: str
) -> Literal["ok", "wrong"]:
    """Check a local login (reserve it first); success clears this client's and the account's
    counts."""
    row = session.get(LocalAccount, username)
    if row is None or row.disabled:
        hash_password(password)  # same work either way: no timing hint that the name exists
        return "wrong"
    if not password_matches(password, row.password_hash):
        return "wrong"
    clear_success(session, username, client)
    return "ok"
