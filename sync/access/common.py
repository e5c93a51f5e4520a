"""What the credential modules share: their error, the rule for names, secret digests, the time.

API keys and session ids are random 256-bit secrets, so a SHA-256 of them is what is kept.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from mappings.limits import NAME_MAX
from mappings.messages import t

NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_MAX - 1}}}")


class CredentialError(ValueError):
    """A credential request that cannot be honoured; the message says why."""


def digest(secret: str) -> str:
    """The SHA-256 (hex) kept in place of a random secret (an API key, a session id)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def check_name(name: str, what: str) -> str:
    """``name`` when it is a valid key or account name; ``what`` says which, in the refusal."""
    if not NAME.fullmatch(name):
        raise CredentialError(t("access.name_invalid", what=t(f"access.name_{what}")))
    return name
