"""MyASN / ASN Digital accounts (Keycloak realm ``public-siasn``) and the SSO token provider."""
