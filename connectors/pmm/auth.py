"""The PMM token: OAuth2 client credentials (HTTP Basic), cached and refreshed early."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from connectors._http.client_credentials import ClientCredentialsToken, TokenEndpoint
from connectors._http.retry import RetryPolicy

UPSTREAM = "pmm-token"


class PmmToken(ClientCredentialsToken):
    """The PMM client's token (client id and secret of the instansi)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        retry: RetryPolicy | None = None,
        skew: float = 60.0,
    ) -> None:
        super().__init__(
            client, TokenEndpoint(token_url, client_id, client_secret, UPSTREAM), retry=retry, skew=skew
        )
