"""Catalogue table of the ``guards`` area, Bahasa Indonesia (key -> ``str.format`` template).

Refusals of bad configuration, bad options and bad roster files, and what a guard or a failed
phase of a run reports.
"""

from __future__ import annotations

ID: dict[str, str] = {
    # configuration ---------------------------------------------------------------------------
    "guards.setting_invalid": "{variable}: {problem}",
    "guards.setting_number": "harus berupa angka",
    "guards.setting_finite": "harus berupa angka biasa, bukan inf atau nan",
    "guards.setting_integer": "harus berupa bilangan bulat",
    "guards.setting_bool": "harus true atau false",
    "guards.setting_min": "harus {limit} atau lebih",
    "guards.setting_more_than": "harus lebih dari {limit}",
    "guards.setting_max": "harus {limit} atau kurang",
    "guards.setting_less_than": "harus kurang dari {limit}",
    "guards.setting_choice": "harus salah satu dari {choices}",
    "guards.setting_value": "nilainya tidak dapat dipakai; lihat README untuk bentuk yang benar",
    "guards.setting_timezone": "bukan nama zona waktu IANA yang dikenal; contoh: Asia/Jakarta, "
    "Asia/Makassar, Asia/Jayapura",
    "guards.setting_url": "harus URL lengkap yang diawali http:// atau https:// dengan nama host; "
    "contoh: https://contoh.go.id",
    "guards.setting_json_list": 'harus daftar JSON berisi teks; contoh: ["role:a", "role:b"]',
    "guards.setting_unreadable": (
        "nilai variabel {variable}__* (atau {variable}) tidak dapat dibaca; daftar ditulis sebagai "
        'JSON, contoh: ["role:a", "role:b"]'
    ),
    "guards.setting_text": "harus berupa teks",
    "guards.setting_worker_stall": (
        "EKINERJA_WORKER__STALLED_S ({stalled}) harus paling sedikit dua kali "
        "EKINERJA_WORKER__HEARTBEAT_S ({heartbeat}), supaya worker yang sehat tidak dianggap mati"
    ),
    "guards.setting_cron": "bukan jadwal cron 5 kolom (menit jam tanggal bulan hari); contoh: 0 1 * * *",
    "guards.schedule_unreadable": (
        "jadwal tidak terbaca: {variable} atau EKINERJA_SCHEDULE__TIMEZONE; tulis 5 kolom cron, "
        "contoh: 0 1 * * *"
    ),
    "guards.database_url_unreadable": "bukan URL basis data; contoh: sqlite:///ekinerja.db atau "
    "postgresql+psycopg://user@host/db",
    "guards.database_url_unsupported": "basis data '{backend}' tidak didukung; gunakan "
    "sqlite:///FILE atau postgresql+psycopg://user@host/db",
    "guards.database_not_sqlite": (
        "EKINERJA_DATABASE_URL menunjuk {path}, yang bukan basis data SQLite ekinerja-sync; periksa jalurnya"
    ),
    "guards.database_is_folder": (
        "EKINERJA_DATABASE_URL menunjuk {path}, yang adalah folder; tulis jalur berkas, contoh: "
        "sqlite:///data/ekinerja.db"
    ),
    "guards.database_unreadable_file": (
        "EKINERJA_DATABASE_URL: berkas basis data tidak dapat dibaca sebagai SQLite (rusak atau bukan "
        "basis data); periksa jalurnya atau pulihkan cadangan"
    ),
    "guards.database_driver_missing": "driver '{driver}' tidak terpasang; gunakan "
    "postgresql+psycopg://user@host/db",
    # local edits (Edit Profil, tetapkan nilai) -----------------------------------------------
    "guards.edit_actor": "siapa yang mengubah (oleh/actor) wajib diisi",
    "guards.edit_reason": "alasan perubahan (alasan/reason) wajib diisi",
    "guards.edit_nothing": "tidak ada kolom yang diubah",
    "guards.edit_unknown_field": "kolom tidak dikenal; kolom yang dapat diubah: {fields}",
    "guards.edit_siasn_field": (
        "kolom {field} milik SIASN dan tidak dapat diubah di sini; ajukan perbaikan data ke BKN"
    ),
    "guards.edit_not_empty": "kolom {field} tidak boleh dikosongkan",
    "guards.edit_too_long": "kolom {field} lebih dari {limit} karakter",
    "guards.edit_date": (
        "kolom {field}: bukan tanggal yang dapat dipakai (dd-mm-yyyy atau yyyy-mm-dd, sampai 2100)"
    ),
    "guards.edit_golongan": (
        "kolom {field}: bukan golongan yang dikenal (contoh: III/c, 3c, IIIc, 33, atau PPPK IX)"
    ),
    "guards.edit_unit": "kolom {field}: bukan unit aktif instansi ini",
    "guards.edit_choice": "kolom {field}: harus salah satu dari {choices}",
    "guards.edit_email": "kolom {field}: bukan alamat email",
    "guards.grant_unit_unknown": (
        "unit itu bukan unit aktif instansi ini (sudah menjalankan `ekinerja-sync unor refresh`?)"
    ),
    "guards.grant_missing": "operator {nip} tidak memiliki izin untuk unit itu",
    "guards.nip_format": "NIP harus 18 digit 0-9 (spasi boleh)",
    "guards.golongan_unknown": "bukan golongan yang dikenal (contoh: III/c, 3c, IIIc, 33, atau PPPK IX)",
    "guards.golongan_id_unknown": "id golongan tidak dikenal (yang ada: 11..14, 21..24, 31..34, 41..45)",
    # command options -------------------------------------------------------------------------
    "guards.option_min": "{option} harus {limit} atau lebih",
    "guards.option_number": "{option} harus berupa angka",
    # roster files ----------------------------------------------------------------------------
    "guards.roster_not_regular": "bukan berkas biasa (perangkat, FIFO atau folder); simpan "
    "ekspor SIASN sebagai berkas CSV, lalu impor berkas itu",
    "guards.roster_empty": "berkas kosong atau baris pertamanya (judul kolom) kosong",
    "guards.roster_no_nip_column": "tidak ada kolom NIP pada judul kolom; yang diharapkan salah "
    "satu dari: NIP, NIP BARU, nip_baru, nipBaru",
    "guards.roster_not_text": "baris {line}, kolom {column}: byte {byte} bukan teks UTF-8 maupun "
    "Windows-1252; berkas ini bukan CSV teks (simpan ulang sebagai "
    '"CSV UTF-8"); tidak ada yang diimpor',
    "guards.roster_line_too_long": "baris lebih dari {limit} KiB (sel terlalu besar); baris dilewati",
    "guards.roster_open_quote": 'tanda kutip (") dibuka tetapi tidak ditutup; baris dilewati, '
    "baris berikutnya tetap dibaca",
    "guards.roster_nip_digits": "NIP harus 18 digit",
    "guards.roster_excel_rounded": "NIP berakhiran 000 (nomor urut 000 tidak ada): tampaknya "
    "dibulatkan Excel; format kolom NIP sebagai Teks lalu ekspor "
    "ulang",
    "guards.roster_excel_scientific": "NIP ditulis Excel dalam notasi ilmiah (mis. 1,97E+17); "
    "format kolom NIP sebagai Teks lalu ekspor ulang",
    "guards.roster_duplicate": "duplikat dari baris {line}",
    "guards.roster_duplicate_earlier": "duplikat dari baris sebelumnya di berkas ini",
    "guards.roster_rejected": "{bad} baris bermasalah; tidak ada yang diimpor (--strict)",
    # runs ------------------------------------------------------------------------------------
    "guards.unit_phase_failed": "ref-unor gagal ({error}); pegawai dicocokkan dengan unit yang "
    "tersimpan, tidak ada unit yang diubah atau dinonaktifkan",
    "guards.unit_phase_empty": "sumber kosong: ref-unor tidak mengembalikan unit; tidak ada yang diubah",
    "guards.unit_phase_unconfirmed": "ref-unor gagal ({error}); belum ada unit tersimpan: "
    "pegawai disimpan dengan unit kerja dari data-utama (id "
    "dan nama, belum dikonfirmasi ref-unor) dan atasan belum "
    "dapat ditentukan; pohon unit dilengkapi oleh rekonsiliasi "
    "berikutnya saat ref-unor berhasil",
    "guards.unit_phase_report": "fase unit gagal: {reason}",
    "guards.all_failed": "sumber kosong/gagal: semua {total} panggilan data-utama gagal; tidak ada "
    "yang diubah",
    "guards.too_many_failed": "{failed} dari {total} pegawai gagal diambil (> {limit}); tidak ada "
    "yang diubah",
    "guards.too_many_unknown": "SIASN tidak mengenal {missing} dari {total} NIP (> {limit}); "
    "sumber tampak kosong, tidak ada yang diubah",
    "guards.hold_unit_changes": (
        "{changes} dari {total} pegawai akan pindah unit (lebih dari {limit}); "
        "perlu persetujuan admin sebelum diterapkan"
    ),
    "guards.hold_deactivations": (
        "{deactivations} dari {total} pegawai akan dinonaktifkan (lebih dari {limit}); "
        "perlu persetujuan admin sebelum diterapkan"
    ),
    "guards.sample_failed": "{failed} dari {fetched} pegawai pertama gagal diambil (> {limit}); "
    "pengambilan dihentikan lebih awal, tidak ada yang diubah",
    "guards.sample_unknown": "SIASN tidak mengenal {unknown} dari {fetched} NIP pertama "
    "(> {limit}); sumber tampak kosong atau roster salah, pengambilan "
    "dihentikan lebih awal, tidak ada yang diubah",
}
