"""Catalogue table of the ``access`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "access.name_invalid": (
        "{what} tidak sah: pakai 1-80 huruf, angka, '.', '_' atau '-', diawali huruf atau angka"
    ),
    "access.name_username": "nama pengguna",
    "access.name_name": "nama kunci API",
    "access.apikey_exists": "kunci API dengan nama itu sudah ada; cabut dulu atau pilih nama lain",
    "access.apikey_unknown": "tidak ada kunci API dengan nama itu; lihat `ekinerja-sync apikey list`",
    "access.password_short": "kata sandi minimal {limit} karakter",
    "access.password_long": (
        "kata sandi paling banyak {limit} karakter, tanpa byte NUL dan tanpa surrogate tunggal"
    ),
    # who may do what
    "access.own_area_field": "tidak boleh mengubah {fields} pada profil sendiri: kolom itu "
    "menentukan wilayah kerja akun ini",
    "access.target_outside_area": "unit tujuan berada di luar wilayah kerja akun ini; hanya "
    "admin yang boleh memindahkan pegawai ke unit di luar "
    "wilayah kerja",
    # requests
    "access.body_too_large": "isi permintaan terlalu besar (maksimal {limit} byte)",
    "access.body_not_json": "isi permintaan bukan JSON yang valid (UTF-8, tanpa NaN/Infinity, "
    "angka dalam batas)",
    "access.body_too_deep": "isi permintaan bersarang terlalu dalam (maksimal {limit} tingkat "
    "larik/objek JSON)",
    "access.http_not_found": "alamat ini tidak ada",
    "access.http_method_not_allowed": "metode HTTP ini tidak dilayani di alamat ini (lihat header Allow)",
    "access.body_invalid": "isi permintaan tidak valid",
    "access.nip_invalid": "NIP harus 18 digit angka 0-9 (spasi boleh)",
    "access.cross_site_login": "login dari situs lain ditolak (Origin tidak cocok)",
    "access.form_invalid": "isian formulir login tidak valid",
    # limits
    "access.limit_nul": "mengandung karakter NUL",
    "access.limit_surrogate": "mengandung karakter Unicode yang tidak sah (surrogate tunggal)",
    "access.limit_control": "mengandung karakter kendali",
    "access.limit_whole_number": "harus bilangan bulat {low} sampai {high} (angka 0-9)",
    "access.limit_int": "harus bilangan bulat (angka 0-9), bukan pecahan, boolean atau daftar",
    "access.limit_date": "bukan tanggal yang valid (dd-mm-yyyy atau yyyy-mm-dd)",
    "access.limit_date_range": "tanggal harus antara tahun {low} dan {high}",
    "access.limit_unor_id": "bukan id unor yang valid (huruf, angka, '.', '_', ':' atau '-')",
    "access.limit_golongan": "bukan golongan yang valid (contoh: III/a)",
    "access.limit_email": "bukan alamat email yang valid",
    "access.limit_no_hp": "bukan nomor HP yang valid (angka 0-9, boleh diawali '+')",
    "access.limit_length": "panjang harus {low}-{high} karakter",
    "access.limit_actor_total": "nama kunci API + actor terlalu panjang (maksimal {limit} karakter)",
    "access.limit_invalid": "nilai tidak valid",
    "access.pydantic_missing": "wajib diisi",
    "access.pydantic_extra_forbidden": "kolom tidak dikenal",
    "access.pydantic_string_type": "harus berupa teks",
    "access.pydantic_string_unicode": "mengandung karakter Unicode yang tidak sah (surrogate tunggal)",
    "access.pydantic_dict_type": "harus berupa objek JSON",
    "access.pydantic_model_type": "harus berupa objek JSON",
    "access.pydantic_int_type": "harus bilangan bulat",
    "access.pydantic_int_parsing": "harus bilangan bulat",
    "access.pydantic_int_from_float": "harus bilangan bulat, bukan pecahan",
    "access.pydantic_greater_than_equal": "harus paling sedikit {ge}",
    "access.pydantic_less_than_equal": "harus paling banyak {le}",
    "access.pydantic_string_too_long": "terlalu panjang (maksimal {max_length} karakter)",
    "access.pydantic_string_too_short": "terlalu pendek (minimal {min_length} karakter)",
    "access.pydantic_too_long": "terlalu banyak isian (maksimal {max_length})",
    "access.pydantic_too_short": "tidak boleh kosong",
    "access.pydantic_string_pattern_mismatch": "format tidak valid",
    "access.pydantic_bool_type": "harus true atau false",
    "access.pydantic_bool_parsing": "harus true atau false",
    "access.pydantic_enum": "pilihan tidak dikenal",
    "access.pydantic_literal_error": "pilihan tidak dikenal",
    "access.pydantic_list_type": "harus berupa daftar JSON",
    "access.pydantic_model_attributes_type": "harus berupa objek JSON",
    "access.pydantic_json_invalid": "bukan JSON yang valid",
    "access.pydantic_float_parsing": "harus bilangan",
    "access.pydantic_missing_argument": "wajib diisi",
    # sessions and logins
    "access.login_wrong": "Nama pengguna atau kata sandi salah.",
    "access.login_locked": "Terlalu banyak percobaan gagal; login dari perangkat ini untuk akun "
    "ini dikunci sementara (15 menit).",
    "access.account_disabled": "akun admin lokal {username!r} dinonaktifkan dan semua sesinya diakhiri",
    "access.account_unknown": "tidak ada akun admin lokal {username!r}",
    # the login and home pages (service/web.py, templates masuk*.html)
    "access.login_title": "Masuk",
    "access.login_myasn_button": "Masuk dengan ASN Digital (MyASN)",
    "access.login_myasn_off": "Login ASN Digital belum dikonfigurasi.",
    "access.login_local_heading": "Akun admin lokal",
    "access.login_username": "Nama pengguna",
    "access.login_password": "Kata sandi",
    "access.login_submit": "Masuk",
    "access.myasn_not_configured": "Login ASN Digital belum dikonfigurasi (EKINERJA_MYASN__CLIENT_ID).",
    "access.myasn_unreachable": "ASN Digital tidak dapat dihubungi; coba lagi nanti atau masuk dengan "
    "akun admin lokal.",
    "access.myasn_refused": "ASN Digital menolak login: {detail}.",
    "access.myasn_failed": "Login ASN Digital gagal: {detail}",
    "access.login_foreign_state": "Login ini tidak dimulai dari peramban ini atau sudah kedaluwarsa; "
    "silakan ulangi.",
    "access.login_expired": "Login sudah kedaluwarsa; silakan ulangi.",
    "access.home_title": "Beranda",
    "access.home_welcome": "Selamat datang",
    "access.home_name": "Nama",
    "access.home_account": "Akun",
    "access.home_via": "Masuk melalui",
    "access.home_via_myasn": "ASN Digital",
    "access.home_via_local": "akun admin lokal",
    "access.home_level": "Hak akses",
    "access.home_area": "Wilayah kerja",
    "access.home_profile": "Profil saya",
    "access.level_all": "admin (semua unit)",
    "access.level_operator": "operator unit",
    "access.level_self": "pegawai (profil sendiri)",
    "access.area_units": "{units} dan unit di bawahnya",
    "access.area_none": "tidak tercatat pada unit mana pun di data lokal",
}
