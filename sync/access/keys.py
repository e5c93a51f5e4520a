"""API keys (the e-Kinerja app, server to server): created once, kept only as a SHA-256 digest."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import ApiKey
from sync.access.common import CredentialError, check_name, digest, now

KEY_PREFIX = "eks_"


def create_api_key(session: Session, name: str) -> str:
    """Create a key called ``name``; returns the key, which is never shown again."""
    check_name(name, "name")
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise CredentialError(t("access.apikey_exists", name=name))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, prefix=key[:10], key_hash=digest(key), created_at=now()))
    return key


def verify_api_key(session: Session, key: str) -> str | None:
    """The name of the live key ``key``, recording its use; None when unknown or revoked."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(key)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = now()
    return row.name


def revoke_api_key(session: Session, name: str) -> None:
    """Revoke the key called ``name`` (kept for the record)."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise CredentialError(t("access.apikey_unknown"))
    row.revoked_at = row.revoked_at or now()


def list_api_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes only)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))
