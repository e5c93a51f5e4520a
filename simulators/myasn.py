"""A Keycloak realm ``public-siasn`` (MyASN / ASN Digital) with real RS256 tokens.

Serves discovery, the authorize login form (with a TOTP step for MFA accounts), the token
endpoint (authorization_code + PKCE, refresh_token, password), userinfo, JWKS and logout, as
Keycloak does: errors ``invalid_grant`` / ``invalid_client``, MFA accounts refusing the password
grant, signing-key rotation with the old key kept in the JWKS, configurable lifetimes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from simulators.totp import totp_valid

REALM_PATH = "/auth/realms/public-siasn"
OIDC = REALM_PATH + "/protocol/openid-connect"


@dataclass
class Account:
    """An ASN account: the username is the NIP."""

    username: str
    password: str
    given_name: str
    family_name: str = ""
    roles: list[str] = field(default_factory=list)
    totp_secret: str | None = None
    sub: str = field(default_factory=lambda: secrets.token_hex(16))


@dataclass
class RealmClient:
    """A registered client (public unless it has a secret)."""

    client_id: str
    redirect_prefixes: list[str] = field(default_factory=lambda: ["http://127.0.0.1"])
    secret: str | None = None


class MyAsnRealm:
    """The realm's state: accounts, clients, keys, codes, sessions, refresh tokens."""

    def __init__(self, *, access_lifetime: int = 300, refresh_lifetime: int = 1800) -> None:
        self.accounts: dict[str, Account] = {}
        self.clients: dict[str, RealmClient] = {}
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self.base_url = "http://127.0.0.1"
        self.keys: list[RSAKey] = []
        self.rotate_keys()
        self._codes: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, dict[str, Any]] = {}
        self._refresh: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, str] = {}
        self.jwks_fetches = 0

    @property
    def issuer(self) -> str:
        """The realm's issuer URL (as seen by the last request)."""
        return self.base_url + REALM_PATH

    def add_account(self, account: Account) -> Account:
        """Register an account."""
        self.accounts[account.username] = account
        return account

    def add_client(self, client: RealmClient) -> RealmClient:
        """Register a client."""
        self.clients[client.client_id] = client
        return client

    def rotate_keys(self) -> str:
        """A new signing key; the previous ones stay in the JWKS. Returns the new kid."""
        kid = f"rsa-{len(self.keys) + 1}-{secrets.token_hex(4)}"
        self.keys.append(RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"}))
        return kid

    def revoke_all(self) -> str:
        """Forget every signing key (a restart with new keys): every access token issued so far
        fails; refresh tokens and accounts stay."""
        self.keys = []
        return self.rotate_keys()

    def jwks(self) -> dict[str, Any]:
        """The public keys."""
        return {"keys": [{**k.as_dict(private=False), "alg": "RS256", "use": "sig"} for k in self.keys]}

    # tokens ------------------------------------------------------------------------------
    def _sign(self, claims: dict[str, Any]) -> str:
        key = self.keys[-1]
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": key.kid}, claims, key)

    def issue_access_token(
        self, username: str, client_id: str, *, lifetime: int | None = None, sid: str | None = None
    ) -> str:
        """An access token for ``username`` (negative ``lifetime`` = already expired)."""
        account = self.accounts[username]
        now = int(time.time())
        return self._sign(
            {
                "iss": self.issuer,
                "sub": account.sub,
                "typ": "Bearer",
                "azp": client_id,
                "aud": "account",
                "iat": now,
                "exp": now + (self.access_lifetime if lifetime is None else lifetime),
                "sid": sid or secrets.token_hex(8),
                "preferred_username": account.username,
                "given_name": account.given_name,
                "family_name": account.family_name,
                "name": f"{account.given_name} {account.family_name}".strip(),
                "realm_access": {"roles": list(account.roles)},
                "scope": "openid profile email",
            }
        )

    def verify_access(self, token: str) -> dict[str, Any] | None:
        """The claims of a valid, unexpired access token signed by a realm key; else None."""
        try:
            claims = jwt.decode(token, KeySet(list(self.keys))).claims
        except (JoseError, ValueError):
            return None
        if float(claims.get("exp", 0)) <= time.time() or claims.get("typ") != "Bearer":
            return None
        return dict(claims)

    def _token_set(
        self, account: Account, client_id: str, *, nonce: str | None, sid: str | None = None
    ) -> dict[str, Any]:
        sid = sid or secrets.token_hex(8)
        self.sessions[sid] = account.username
        refresh = secrets.token_urlsafe(32)
        self._refresh[refresh] = {
            "username": account.username,
            "client_id": client_id,
            "sid": sid,
            "exp": time.time() + self.refresh_lifetime,
        }
        now = int(time.time())
        id_claims = {
            "iss": self.issuer,
            "sub": account.sub,
            "aud": client_id,
            "azp": client_id,
            "typ": "ID",
            "iat": now,
            "auth_time": now,
            "exp": now + self.access_lifetime,
            "sid": sid,
            "preferred_username": account.username,
            "given_name": account.given_name,
            "family_name": account.family_name,
            "name": f"{account.given_name} {account.family_name}".strip(),
            "realm_access": {"roles": list(account.roles)},
        }
        if nonce:
            id_claims["nonce"] = nonce
        return {
            "access_token": self.issue_access_token(account.username, client_id, sid=sid),
            "expires_in": self.access_lifetime,
            "refresh_expires_in": self.refresh_lifetime,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "id_token": self._sign(id_claims),
            "not-before-policy": 0,
            "session_state": sid,
            "scope": "openid profile email",
        }

    # app ---------------------------------------------------------------------------------
    def routes(self) -> list[Route]:
        """The realm's routes, to mount in a simulator app."""
        return [
            Route(REALM_PATH + "/.well-known/openid-configuration", self._discovery),
            Route(OIDC + "/auth", self._authorize, methods=["GET", "POST"]),
            Route(OIDC + "/token", self._token, methods=["POST"]),
            Route(OIDC + "/userinfo", self._userinfo, methods=["GET", "POST"]),
            Route(OIDC + "/certs", self._certs),
            Route(OIDC + "/logout", self._logout, methods=["GET", "POST"]),
        ]

    def _seen(self, request: Request) -> None:
        self.base_url = str(request.base_url).rstrip("/")

    async def _discovery(self, request: Request) -> Response:
        self._seen(request)
        base = self.issuer + "/protocol/openid-connect"
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": base + "/auth",
                "token_endpoint": base + "/token",
                "userinfo_endpoint": base + "/userinfo",
                "jwks_uri": base + "/certs",
                "end_session_endpoint": base + "/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "grant_types_supported": ["authorization_code", "refresh_token", "password"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "profile", "email", "offline_access"],
            }
        )

    async def _certs(self, request: Request) -> Response:
        self.jwks_fetches += 1
        return JSONResponse(self.jwks())

    async def _authorize(self, request: Request) -> Response:
        self._seen(request)
        if request.method == "GET":
            params = dict(request.query_params)
            problem = self._check_auth_request(params)
            if problem:
                return HTMLResponse(_page("Kesalahan", f"<p id='error'>{problem}</p>"), 400)
            login_id = secrets.token_urlsafe(16)
            self._pending[login_id] = {"params": params, "step": "password"}
            return HTMLResponse(_login_form(login_id))
        form = await request.form()
        pending = self._pending.get(str(form.get("login_id", "")))
        if pending is None:
            return HTMLResponse(_page("Kesalahan", "<p id='error'>Sesi login kedaluwarsa.</p>"), 400)
        return self._login_step(str(form.get("login_id")), pending, form)

    def _login_step(self, login_id: str, pending: dict[str, Any], form: Any) -> Response:
        if pending["step"] == "password":
            account = self.accounts.get(str(form.get("username", "")).strip())
            if account is None or account.password != form.get("password"):
                return HTMLResponse(_login_form(login_id, "Invalid username or password."), 200)
            pending["username"] = account.username
            if account.totp_secret:
                pending["step"] = "otp"
                return HTMLResponse(_otp_form(login_id))
        else:
            account = self.accounts[pending["username"]]
            if not totp_valid(account.totp_secret or "", str(form.get("otp", ""))):
                return HTMLResponse(_otp_form(login_id, "Invalid authenticator code."))
        del self._pending[login_id]
        params = pending["params"]
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"params": params, "username": pending["username"], "exp": time.time() + 60}
        query = urlencode(
            {"code": code, "state": params.get("state", ""), "session_state": secrets.token_hex(8)}
        )
        return RedirectResponse(f"{params['redirect_uri']}?{query}", 302)

    def _check_auth_request(self, params: dict[str, str]) -> str | None:
        client = self.clients.get(params.get("client_id", ""))
        if client is None:
            return "Client not found."
        redirect = params.get("redirect_uri", "")
        if not any(redirect.startswith(p) for p in client.redirect_prefixes):
            return "Invalid parameter: redirect_uri"
        if params.get("response_type") != "code":
            return "Unsupported response type."
        if client.secret is None and params.get("code_challenge_method") != "S256":
            return "Missing parameter: code_challenge_method"
        return None

    async def _token(self, request: Request) -> Response:
        self._seen(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        client = self.clients.get(form.get("client_id", ""))
        if client is None or (client.secret and form.get("client_secret") != client.secret):
            return _oauth_error("invalid_client", "Invalid client or Invalid client credentials", 401)
        grant = form.get("grant_type")
        handler = {
            "authorization_code": self._grant_code,
            "refresh_token": self._grant_refresh,
            "password": self._grant_password,
        }.get(grant or "")
        if handler is None:
            return _oauth_error("unsupported_grant_type", "Unsupported grant_type", 400)
        return handler(form, client)

    def _grant_code(self, form: dict[str, str], client: RealmClient) -> Response:
        entry = self._codes.pop(form.get("code", ""), None)
        if entry is None or entry["exp"] < time.time():
            return _oauth_error("invalid_grant", "Code not valid", 400)
        params = entry["params"]
        if params.get("client_id") != client.client_id or params.get("redirect_uri") != form.get(
            "redirect_uri"
        ):
            return _oauth_error("invalid_grant", "Incorrect redirect_uri", 400)
        challenge = params.get("code_challenge")
        if challenge and _s256(form.get("code_verifier", "")) != challenge:
            return _oauth_error("invalid_grant", "PKCE verification failed", 400)
        account = self.accounts[entry["username"]]
        return JSONResponse(self._token_set(account, client.client_id, nonce=params.get("nonce")))

    def _grant_refresh(self, form: dict[str, str], client: RealmClient) -> Response:
        entry = self._refresh.pop(form.get("refresh_token", ""), None)
        if entry is None or entry["exp"] < time.time() or entry["sid"] not in self.sessions:
            return _oauth_error("invalid_grant", "Token is not active", 400)
        if entry["client_id"] != client.client_id:
            return _oauth_error("invalid_grant", "Token client and authorized client don't match", 400)
        account = self.accounts[entry["username"]]
        return JSONResponse(self._token_set(account, client.client_id, nonce=None, sid=entry["sid"]))

    def _grant_password(self, form: dict[str, str], client: RealmClient) -> Response:
        account = self.accounts.get(form.get("username", ""))
        if account is None or account.password != form.get("password") or account.totp_secret:
            return _oauth_error("invalid_grant", "Invalid user credentials", 401)
        return JSONResponse(self._token_set(account, client.client_id, nonce=None))

    async def _userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        claims = self.verify_access(token) if scheme.lower() == "bearer" else None
        if claims is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "Token verification failed"}, 401
            )
        keys = ("sub", "preferred_username", "given_name", "family_name", "name")
        return JSONResponse({k: claims[k] for k in keys if k in claims})

    def _id_token_sid(self, token: str) -> str | None:
        """The session id of an ID token this realm signed (expired ones still name it)."""
        try:
            claims = jwt.decode(token, KeySet(list(self.keys))).claims
        except (JoseError, ValueError):
            return None
        sid = claims.get("sid")
        return str(sid) if sid else None

    async def _logout(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        entry = self._refresh.pop(params.get("refresh_token", ""), None)
        if entry is not None:
            self.sessions.pop(entry["sid"], None)
        hint = self._id_token_sid(params.get("id_token_hint", ""))
        if hint is not None:
            self.sessions.pop(hint, None)
        target = params.get("post_logout_redirect_uri")
        return RedirectResponse(target, 302) if target else Response(status_code=204)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _oauth_error(error: str, description: str, status: int) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status)


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='id'><head><meta charset='utf-8'><title>{title} - ASN "
        f"Digital</title></head><body><h1>ASN Digital</h1>{body}</body></html>"
    )


def _login_form(login_id: str, error: str = "") -> str:
    message = f"<p id='error'>{html.escape(error)}</p>" if error else ""
    return _page(
        "Masuk",
        f"""{message}<form method="post">
<input type="hidden" name="login_id" value="{login_id}">
<label>NIP <input id="username" name="username"></label>
<label>Kata sandi <input id="password" name="password" type="password"></label>
<button id="kc-login" type="submit">Masuk</button></form>""",
    )


def _otp_form(login_id: str, error: str = "") -> str:
    message = f"<p id='error'>{html.escape(error)}</p>" if error else ""
    return _page(
        "Kode OTP",
        f"""{message}<form method="post">
<input type="hidden" name="login_id" value="{login_id}">
<label>Kode autentikator <input id="otp" name="otp" autocomplete="one-time-code"></label>
<button id="kc-otp" type="submit">Kirim</button></form>""",
    )
