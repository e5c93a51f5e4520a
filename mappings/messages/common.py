"""Catalogue table of the ``common`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "common.error_prefix": "galat",
    "common.siasn_apim_missing": "kredensial APIM SIASN belum diisi: setel {names}",
    "common.siasn_sso_missing": (
        "token SSO SIASN belum dikonfigurasi: setel EKINERJA_SIASN__SSO_ACCESS_TOKEN_FILE atau "
        "EKINERJA_SIASN__SSO_ACCESS_TOKEN, atau EKINERJA_SIASN__SSO_CLIENT_ID dengan "
        "EKINERJA_SIASN__SSO_REFRESH_TOKEN, atau EKINERJA_SIASN__SSO_CLIENT_ID, "
        "EKINERJA_SIASN__SSO_USERNAME dan EKINERJA_SIASN__SSO_PASSWORD untuk akun tanpa MFA"
    ),
    "common.siasn_ca_bundle_unreadable": (
        "berkas CA EKINERJA_SIASN__CA_BUNDLE={path} tidak dapat dibaca sebagai sertifikat PEM: {error}"
    ),
    "common.siasn_budget_store_needs_postgres": (
        "EKINERJA_SIASN__BUDGET_STORE=postgres butuh basis data PostgreSQL (EKINERJA_DATABASE_URL); "
        "pakai auto atau memory untuk SQLite"
    ),
    "common.siasn_unavailable": (
        "Sinkron SIASN belum bisa dipakai: {reason}. Konsol admin dan tinjauan konflik tetap berjalan."
    ),
    "common.upstream_sso": (
        "Kredensial SSO SIASN ditolak atau kedaluwarsa; operator perlu memperbaiki "
        "variabel SSO dari mode yang dipakai (lihat `ekinerja-sync doctor`)."
    ),
    "common.upstream_apim": "Kredensial APIM (consumer key/secret) ditolak SIASN; periksa konfigurasi.",
    "common.upstream_transient": (
        "SIASN sedang tidak dapat dihubungi atau sibuk; coba lagi beberapa saat lagi."
    ),
    "common.upstream_tls": (
        "Sertifikat TLS SIASN ditolak (CA tidak dikenal, kedaluwarsa, atau bukan untuk alamat itu); "
        "periksa EKINERJA_SIASN__CA_BUNDLE atau proxy TLS instansi. Tidak dicoba ulang."
    ),
    "common.upstream_payload": "Jawaban SIASN tidak sesuai format yang diharapkan; data lokal tidak diubah.",
    "common.upstream_not_found": "Layanan SIASN yang diminta tidak ditemukan; periksa alamat API.",
    "common.upstream_refused": "Permintaan ditolak SIASN; data lokal tidak diubah.",
    "common.not_found_pegawai": "tidak ada pegawai lokal dengan NIP {nip}",
    "common.claim_who_why": "siapa yang mengklaim (--oleh) dan alasannya (--alasan) wajib diisi",
    "common.claim_unit_inactive": "unit {unit_id!r} bukan unit aktif instansi ini",
    "common.claim_no_pegawai": "tidak ada pegawai lokal aktif dengan NIP {nip}",
    "common.claim_other_unit": (
        "{nip} berada di unit {own}, bukan {unit_id}; hanya unit tempat pegawai itu berada yang dapat diklaim"
    ),
    "common.claim_not_structural": (
        "{nip} bukan pejabat struktural eselon II-IV; hanya pejabat "
        "struktural yang boleh mengklaim memimpin unit"
    ),
    "common.claim_accepted": "{nama} tercatat sebagai pimpinan {unit}.",
}
