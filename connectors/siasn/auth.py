"""The APIM (WSO2) application token: client_credentials with HTTP Basic, cached, refreshed early."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from connectors._http.client_credentials import ClientCredentialsToken, TokenEndpoint
from connectors._http.retry import RetryPolicy
from connectors.errors import ApimAuthError

UPSTREAM = "siasn-apim"


class ApimToken(ClientCredentialsToken):
    """The APIM token of the instansi's application (consumer key and secret)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        consumer_key: str,
        consumer_secret: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 60.0,
    ) -> None:
        super().__init__(
            client,
            TokenEndpoint(token_url, consumer_key, consumer_secret, UPSTREAM, ApimAuthError),
            retry=retry,
            skew=skew,
        )
