"""One exception tree for every upstream, and the one place foreign errors are translated.

    UpstreamError                      root: anything an upstream call can raise
    ├── TransientError                 retryable; the same call may succeed later
    │   ├── NetworkError               timeout, refused, reset, dropped connection
    │   ├── ServerError                5xx, gateway "Runtime Error" / SUSPENDED backend
    │   └── RateLimited                429; carries ``retry_after`` seconds when given
    ├── AuthError                      credentials refused; retrying blindly will not help
    │   ├── ApimAuthError              APIM application token / consumer key and secret
    │   └── SsoAuthError               SSO user token (expired, mismatch, MFA, wrong password)
    ├── NotFoundError                  the record does not exist upstream (SIASN 404 code 0)
    ├── PayloadError                   the body is not what the contract says (HTML, bad JSON)
    └── PermanentError                 any other refusal (4xx, business validation error)

Connectors raise only these types. ``error_for_status`` and ``translate_transport_error`` are the
single boundary where HTTP status codes and httpx exceptions become our types.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from connectors._http.redaction import redact


class UpstreamError(Exception):
    """Root of every error an upstream call can raise; the message is always redacted."""

    retryable = False

    def __init__(self, message: str, *, upstream: str = "", status: int | None = None) -> None:
        super().__init__(redact(message))
        self.upstream = upstream
        self.status = status

    @property
    def message(self) -> str:
        """The redacted message, without the class name."""
        return str(self)


class TransientError(UpstreamError):
    """The call may succeed if repeated later."""

    retryable = True


class NetworkError(TransientError):
    """Timeout, refused or reset connection, or a response cut short."""


class TlsError(NetworkError):
    """The upstream's TLS certificate was refused (unknown CA, expired, another host's name):
    a setting to fix (``*_CA_BUNDLE``), not a wait; the retry policy does not repeat it."""


class ServerError(TransientError):
    """The upstream answered 5xx or reported its backend unavailable."""


class RateLimited(TransientError):
    """The upstream answered 429; ``retry_after`` is the wait it asked for, in seconds."""

    def __init__(
        self,
        message: str,
        *,
        upstream: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, upstream=upstream, status=status)
        self.retry_after = retry_after


class AuthError(UpstreamError):
    """Credentials were refused."""


class ApimAuthError(AuthError):
    """The APIM (WSO2) application token or consumer key/secret was refused."""


class SsoAuthError(AuthError):
    """The SSO user token was refused, expired or could not be obtained."""


class NotFoundError(UpstreamError):
    """The requested record does not exist upstream."""


class PayloadError(UpstreamError):
    """The response body does not follow the upstream's contract."""


class PermanentError(UpstreamError):
    """A refusal that repeating the call will not change."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_for_status(
    status: int, message: str, *, upstream: str, retry_after: float | None = None
) -> UpstreamError:
    """Map an HTTP status outside 2xx to our error type (the status table, in one place)."""
    if status == 429:
        return RateLimited(message, upstream=upstream, retry_after=retry_after)
    if status in (408, 425) or status >= 500:
        return ServerError(message, upstream=upstream, status=status)
    if status == 404:
        return NotFoundError(message, upstream=upstream, status=status)
    if status in (401, 403):
        return AuthError(message, upstream=upstream, status=status)
    if 400 <= status < 500:
        return PermanentError(message, upstream=upstream, status=status)
    return PayloadError(f"unexpected HTTP status {status}: {message}", upstream=upstream, status=status)


def translate_transport_error(exc: httpx.HTTPError, *, upstream: str) -> UpstreamError:
    """Map an httpx exception raised while sending to our error type."""
    kind = type(exc).__name__
    detail = f"{kind} calling {upstream}: {exc}" if str(exc) else f"{kind} calling {upstream}"
    if isinstance(exc, httpx.TransportError):
        if _certificate_refused(exc):
            return TlsError(detail, upstream=upstream)
        return NetworkError(detail, upstream=upstream)
    if isinstance(exc, httpx.DecodingError):
        return PayloadError(detail, upstream=upstream)
    return PermanentError(detail, upstream=upstream)


def _certificate_refused(exc: BaseException) -> bool:
    """True when a certificate verification failure is in ``exc``'s chain (httpx's pool and
    aiohttp's both chain the ``ssl`` error they met)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
