"""Who may call the service: API keys, local admin accounts and browser sessions, stored hashed.

API keys and session ids are random 256-bit secrets, so a SHA-256 of them is what is kept; local
admin passwords are chosen by people, so they get scrypt with a per-account salt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.models import ApiKey, LocalAccount, LoginState, WebSession

KEY_PREFIX = "eks_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_FAILURES = 5
LOCKOUT_S = 900.0


class CredentialError(ValueError):
    """A credential request that cannot be honoured; the message says why."""


@dataclass(frozen=True)
class SessionInfo:
    """A live browser session: who, how they logged in, their realm roles."""

    source: Literal["myasn", "local"]
    username: str
    name: str | None
    roles: tuple[str, ...]
    id_token: str | None


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _check_name(name: str, what: str) -> str:
    if not NAME.match(name):
        raise CredentialError(f"{what} {name!r} is not valid: use 1-80 letters, digits, '.', '_' "
                              "or '-', starting with a letter or digit")
    return name


# API keys ------------------------------------------------------------------------------------
def create_api_key(session: Session, name: str) -> str:
    """Create a key called ``name``; returns the key, which is never shown again."""
    _check_name(name, "API key name")
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise CredentialError(f"an API key named {name!r} already exists; revoke it or pick "
                              "another name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, prefix=key[:10], key_hash=_sha256(key), created_at=_now()))
    return key


def verify_api_key(session: Session, key: str) -> str | None:
    """The name of the live key ``key``, recording its use; None when unknown or revoked."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == _sha256(key)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = _now()
    return row.name


def revoke_api_key(session: Session, name: str) -> None:
    """Revoke the key called ``name`` (kept for the record)."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise CredentialError(f"no API key named {name!r}")
    row.revoked_at = row.revoked_at or _now()


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes only)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


# local admin accounts ------------------------------------------------------------------------
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
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(expected))
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def set_local_account(session: Session, username: str, password: str) -> None:
    """Create a local admin account, or set a new password (and unlock) an existing one."""
    _check_name(username, "username")
    if len(password) < 12:
        raise CredentialError("the password must have at least 12 characters")
    row = session.get(LocalAccount, username)
    if row is None:
        session.add(LocalAccount(username=username, password_hash=hash_password(password),
                                 created_at=_now(), disabled=False, failed_logins=0))
    else:
        row.password_hash, row.disabled = hash_password(password), False
        row.failed_logins, row.locked_until = 0, None


def verify_local_account(session: Session, username: str, password: str
                         ) -> Literal["ok", "wrong", "locked"]:
    """Check a local login; after ``MAX_FAILURES`` wrong passwords the account locks a while."""
    row = session.get(LocalAccount, username)
    if row is None or row.disabled:
        hash_password(password)  # same work either way: no timing hint that the name exists
        return "wrong"
    if row.locked_until is not None and row.locked_until > time.time():
        return "locked"
    if password_matches(password, row.password_hash):
        row.failed_logins, row.locked_until = 0, None
        return "ok"
    row.failed_logins = (row.failed_logins or 0) + 1
    if row.failed_logins >= MAX_FAILURES:
        row.failed_logins, row.locked_until = 0, time.time() + LOCKOUT_S
        return "locked"
    return "wrong"


# browser sessions ----------------------------------------------------------------------------
def open_session(session: Session, info: SessionInfo, *, ttl: float) -> str:
    """Store a session; returns the cookie value (random id)."""
    sid = secrets.token_urlsafe(32)
    session.execute(delete(WebSession).where(WebSession.expires_at < time.time()))
    session.add(WebSession(id_hash=_sha256(sid), source=info.source, username=info.username,
                           name=info.name, roles=list(info.roles), id_token=info.id_token,
                           created_at=_now(), expires_at=time.time() + ttl))
    return sid


def find_session(session: Session, sid: str) -> SessionInfo | None:
    """The live session behind cookie value ``sid``; None when unknown or expired."""
    row = session.get(WebSession, _sha256(sid))
    if row is None or row.expires_at < time.time():
        return None
    source: Literal["myasn", "local"] = "local" if row.source == "local" else "myasn"
    return SessionInfo(source=source, username=row.username, name=row.name,
                       roles=tuple(row.roles or ()), id_token=row.id_token)


def close_session(session: Session, sid: str) -> SessionInfo | None:
    """End a session; returns what it was (for the realm logout)."""
    info = find_session(session, sid)
    session.execute(delete(WebSession).where(WebSession.id_hash == _sha256(sid)))
    return info


def save_login_state(session: Session, row: LoginState) -> None:
    """Keep an OIDC login under way until its callback (expired ones are swept)."""
    session.execute(delete(LoginState).where(LoginState.expires_at < time.time()))
    session.add(row)


def take_login_state(session: Session, state: str) -> LoginState | None:
    """The login under way for ``state``, removed so it is used once; None when unknown/expired."""
    row = session.get(LoginState, state)
    if row is None:
        return None
    session.delete(row)
    return row if row.expires_at >= time.time() else None
