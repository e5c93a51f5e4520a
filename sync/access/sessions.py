"""Who may call the service: API keys, local admin accounts and browser sessions, stored hashed.

API keys and session ids are random 256-bit secrets, so a SHA-256 of them is what is kept; local
admin passwords are chosen by people, so they get scrypt with a per-account salt. Login attempts
are counted atomically per account and per client (``login_throttle``). A MyASN ID token is kept
only sealed (AES-GCM) under a key derived from the session cookie, for the realm logout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import case, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mappings.limits import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN
from mappings.messages import t
from store.models import ApiKey, LocalAccount, LoginState, LoginThrottle, WebSession

KEY_PREFIX = "eks_"
NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_MAX - 1}}}")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_FAILURES = 5
ACCOUNT_MAX_FAILURES = 10
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
    if not NAME.fullmatch(name):
        raise CredentialError(t("access.name_invalid", what=t(f"access.name_{what}")))
    return name


# API keys ------------------------------------------------------------------------------------
def create_api_key(session: Session, name: str) -> str:
    """Create a key called ``name``; returns the key, which is never shown again."""
    _check_name(name, "name")
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise CredentialError(t("access.apikey_exists", name=name))
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
        raise CredentialError(t("access.apikey_unknown"))
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
    _check_name(username, "username")
    if len(password) < PASSWORD_MIN:
        raise CredentialError(t("access.password_short", limit=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX or "\x00" in password or not _encodable(password):
        raise CredentialError(t("access.password_long", limit=PASSWORD_MAX))
    row = session.get(LocalAccount, username)
    if row is None:
        session.add(
            LocalAccount(
                username=username, password_hash=hash_password(password), created_at=_now(), disabled=False
            )
        )
    else:
        row.password_hash, row.disabled = hash_password(password), False
    _end_local_sessions(session, username)
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))


def disable_local_account(session: Session, username: str) -> None:
    """Disable a local admin account and end every session it has."""
    row = session.get(LocalAccount, username)
    if row is None:
        raise CredentialError(t("access.account_unknown", username=username))
    row.disabled = True
    _end_local_sessions(session, username)


def _end_local_sessions(session: Session, username: str) -> None:
    session.execute(delete(WebSession).where(WebSession.source == "local", WebSession.username == username))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Attempt:
    """A reserved login attempt: may the password be checked, and is it the last one allowed."""

    allowed: bool
    last: bool


def reserve_login(session: Session, username: str, client: str) -> Attempt:
    """Count one attempt for ``username`` from ``client`` atomically, before any check.

    Each count is one upsert ``... RETURNING`` (the database serialises them, row by row), so
    concurrent attempts cannot all read the same old count. A client may try ``MAX_FAILURES``
    times per account; past ``ACCOUNT_MAX_FAILURES`` on the account from all clients, only a
    client that has not failed yet may still try, so a stranger cannot lock the owner out.
    """
    now = time.time()
    client = client[:64]
    pair, account = _bump(session, username, client, now), _bump(session, username, "", now)
    allowed = pair <= MAX_FAILURES and (account <= ACCOUNT_MAX_FAILURES or pair == 1)
    return Attempt(allowed=allowed, last=pair == MAX_FAILURES)


def sweep_login_throttle(session: Session) -> None:
    """Forget expired counts; run in its own transaction, it skips rows others hold (no wait,
    so no deadlock with a login being counted)."""
    expired = (
        select(LoginThrottle.username, LoginThrottle.client)
        .where(LoginThrottle.reset_at < time.time())
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(LoginThrottle).where(tuple_(LoginThrottle.username, LoginThrottle.client).in_(expired))
    )


def _bump(session: Session, username: str, client: str, now: float) -> int:
    """One upsert: a new row counts 1, an expired one restarts at 1, a live one adds 1."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    expired = LoginThrottle.reset_at < now
    stmt = (
        insert(LoginThrottle)
        .values(username=username, client=client, attempts=1, reset_at=now + LOCKOUT_S)
        .on_conflict_do_update(
            index_elements=[LoginThrottle.username, LoginThrottle.client],
            set_={
                "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
                "reset_at": now + LOCKOUT_S,
            },
        )
        .returning(LoginThrottle.attempts)
    )
    return int(session.execute(stmt).scalar_one())


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
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.username == username, LoginThrottle.client.in_((client[:64], ""))
        )
    )
    return "ok"


# browser sessions ----------------------------------------------------------------------------
def open_session(session: Session, info: SessionInfo, *, ttl: float) -> str:
    """Store a session; returns the cookie value (random id). The ID token is sealed with it."""
    sid = secrets.token_urlsafe(32)
    session.execute(delete(WebSession).where(WebSession.expires_at < time.time()))
    sealed = _seal(sid, info.id_token) if info.id_token else None
    session.add(
        WebSession(
            id_hash=_sha256(sid),
            source=info.source,
            username=info.username,
            name=info.name,
            roles=list(info.roles),
            id_token_sealed=sealed,
            created_at=_now(),
            expires_at=time.time() + ttl,
        )
    )
    return sid


def find_session(session: Session, sid: str) -> SessionInfo | None:
    """The live session behind cookie value ``sid``; None when unknown, expired or its local
    account is gone or disabled. The ID token is not unsealed (only logout needs it)."""
    row = session.get(WebSession, _sha256(sid))
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
    row = session.get(WebSession, _sha256(sid))
    token = _unseal(sid, row.id_token_sealed) if row and row.id_token_sealed else None
    session.execute(delete(WebSession).where(WebSession.id_hash == _sha256(sid)))
    return replace(info, id_token=token) if info else None


def _session_key(sid: str) -> bytes:
    return hashlib.sha256(b"ekinerja-sync id_token\x00" + sid.encode()).digest()


def _seal(sid: str, token: str) -> str:
    nonce = secrets.token_bytes(12)
    box = AESGCM(_session_key(sid)).encrypt(nonce, token.encode(), _sha256(sid).encode())
    return "v1." + base64.urlsafe_b64encode(nonce + box).decode()


def _unseal(sid: str, sealed: str) -> str | None:
    version, _, body = sealed.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body)
        plain = AESGCM(_session_key(sid)).decrypt(raw[:12], raw[12:], _sha256(sid).encode())
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
