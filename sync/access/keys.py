"""API keys (the e-Kinerja app, server to server): created once, kept only as a SHA-256 digest."""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import ApiKey
from sync.access.common import CredentialError, check_name, digest, now

KEY_PREFIX = "eks_"
USE_RESOLUTION = timedelta(minutes=1)  # a key's last use is recorded to the minute


def create_api_key(session: Session, name: str) -> str:
    """Create a key called ``name``; returns the key, which is never shown again."""
    check_name(name, "name")
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise CredentialError(t("access.apikey_exists", name=name))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, prefix=key[:10], key_hash=digest(key), created_at=now()))
    return key


def find_api_key(session: Session, key: str) -> tuple[str, bool] | None:
    """The live key ``key``: its name and whether its last use is older than ``USE_RESOLUTION``
    (worth recording); None when unknown or revoked. Reads only."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    last = row.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return row.name, last is None or now() - last >= USE_RESOLUTION


def stamp_api_key_use(session: Session, name: str, *, force: bool = False) -> None:
    """Record that key ``name`` was used now (unless, without ``force``, it was recorded within
    ``USE_RESOLUTION``: a busy key is not a write on every request)."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        return
    last = row.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if force or last is None or now() - last >= USE_RESOLUTION:
        row.last_used_at = now()


def revoke_api_key(session: Session, name: str) -> None:
    """Revoke the key called ``name`` (kept for the record)."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise CredentialError(t("access.apikey_unknown"))
    row.revoked_at = row.revoked_at or now()


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes only)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))
