"""SIASN web service (BKN): APIM + SSO tokens, data-utama, riwayat, ref-unor."""
