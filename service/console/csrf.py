"""Form tokens bound to the login session: an HMAC of the session id under a server secret.

Every state-changing form of the console carries ``csrf`` = ``token(session id)``; a POST whose
token does not match the session presenting it is refused (on top of the Origin check in
``service.auth``), so a page on another site cannot make a logged-in admin decide anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class CsrfSigner:
    """Issues and checks the form token of a session."""

    secret: bytes

    @classmethod
    def from_setting(cls, configured: str) -> CsrfSigner:
        """A signer under the configured secret, or a random one for this process when empty."""
        raw = configured.encode() if configured else secrets.token_bytes(32)
        return cls(raw)

    def token(self, session_id: str) -> str:
        """The form token of ``session_id``."""
        return hmac.new(self.secret, b"console-form:" + session_id.encode(), hashlib.sha256).hexdigest()

    def valid(self, session_id: str | None, presented: str | None) -> bool:
        """Whether ``presented`` is the token of ``session_id`` (constant-time comparison)."""
        if not session_id or not presented:
            return False
        return hmac.compare_digest(self.token(session_id), presented)
