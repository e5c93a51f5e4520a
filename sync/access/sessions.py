"""Browser sessions and OIDC logins under way, stored hashed.

A session id is a random 256-bit secret, so its SHA-256 is what is kept. A MyASN ID token is
kept only sealed (AES-GCM) under a key derived from the session cookie, for the realm logout.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete
from sqlalchemy.orm import Session

from store.models import LocalAccount, LoginState, WebSession
from sync.access.common import digest, now


@dataclass(frozen=True)
class SessionInfo:
    """A live browser session: who, how they logged in, their realm roles."""

    source: Literal["myasn", "local"]
    username: str
    name: str | None
    roles: tuple[str, ...]
    id_token: str | None


def open_session(session: Session, info: SessionInfo, *, ttl: float) -> str:
    """Store a session; returns the cookie value (random id). The ID token is sealed with it."""
    sid = secrets.token_urlsafe(32)
    session.execute(delete(WebSession).where(WebSession.expires_at < time.time()))
    sealed = _seal(sid, info.id_token) if info.id_token else None
    session.add(
        WebSession(
            id_hash=digest(sid),
            source=info.source,
            username=info.username,
            name=info.name,
            roles=list(info.roles),
            id_token_sealed=sealed,
            created_at=now(),
            expires_at=time.time() + ttl,
        )
    )
    return sid


def find_session(session: Session, sid: str) -> SessionInfo | None:
    """The live session behind cookie value ``sid``; None when unknown, expired or its local
    account is gone or disabled. The ID token is not unsealed (only logout needs it)."""
    row = session.get(WebSession, digest(sid))
    if row is None or row.expires_at < time.time():
        return None
    if row.source == "local":
        account = session.get(LocalAccount, row.username)
        if account is None or account.disabled:
            return None
    source: Literal["myasn", "local"] = "local" if row.source == "local" else "myasn"
    return SessionInfo(
        source=source, username=row.username, name=row.name, roles=tuple(row.roles or ()), id_token=None
    )


def close_session(session: Session, sid: str) -> SessionInfo | None:
    """End a session; returns what it was, with the unsealed ID token for the realm logout."""
    info = find_session(session, sid)
    row = session.get(WebSession, digest(sid))
    token = _unseal(sid, row.id_token_sealed) if row and row.id_token_sealed else None
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(sid)))
    return replace(info, id_token=token) if info else None


def end_sessions(session: Session, source: Literal["myasn", "local"], username: str) -> None:
    """End every session of the account ``username`` that logged in through ``source``."""
    session.execute(delete(WebSession).where(WebSession.source == source, WebSession.username == username))


def _session_key(sid: str) -> bytes:
    return hashlib.sha256(b"ekinerja-sync id_token\x00" + sid.encode()).digest()


def _seal(sid: str, token: str) -> str:
    nonce = secrets.token_bytes(12)
    box = AESGCM(_session_key(sid)).encrypt(nonce, token.encode(), digest(sid).encode())
    return "v1." + base64.urlsafe_b64encode(nonce + box).decode()


def _unseal(sid: str, sealed: str) -> str | None:
    version, _, body = sealed.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body)
        plain = AESGCM(_session_key(sid)).decrypt(raw[:12], raw[12:], digest(sid).encode())
    except (ValueError, InvalidTag):
        return None
    return plain.decode() if version == "v1" else None


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
