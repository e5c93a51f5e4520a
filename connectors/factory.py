"""The public face of the connectors' HTTP plumbing: what code outside ``connectors`` may use.

The client factory (``HttpOptions``, ``build_async_client``, ``tls_context``), the retry policy,
the per-process rate limiter and the shared request budget of a credential (with the ``Ledger`` shape a store
implements), the token types a token provider hands out, and the redaction of secrets in logs.
The implementation lives in the private ``connectors._http``; nothing outside ``connectors``
imports it (an import contract in the suite keeps it so). The error tree is ``connectors.errors``.
"""

from __future__ import annotations

from connectors._http.budget import Ask, BudgetLane, BudgetTransport, Lane, Ledger, MemoryLedger, SharedBudget
from connectors._http.client import USER_AGENT, HttpOptions, build_async_client
from connectors._http.network import tls_context
from connectors._http.ratelimit import RateLimiter
from connectors._http.redaction import MASK, redact, redact_event, redact_mapping
from connectors._http.retry import RetryPolicy, call_with_retry
from connectors._http.tokens import AccessToken, TokenSource, jwt_expiry

__all__ = [
    "MASK",
    "USER_AGENT",
    "AccessToken",
    "Ask",
    "BudgetLane",
    "BudgetTransport",
    "HttpOptions",
    "Lane",
    "Ledger",
    "MemoryLedger",
    "RateLimiter",
    "RetryPolicy",
    "SharedBudget",
    "TokenSource",
    "build_async_client",
    "call_with_retry",
    "jwt_expiry",
    "redact",
    "redact_event",
    "redact_mapping",
    "tls_context",
]
