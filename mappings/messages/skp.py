"""Catalogue table of the ``skp`` area, Bahasa Indonesia (key -> ``str.format`` template).

The feed's data-quality rules take their words from the ``pmm`` area (``mappings.skp_rules``);
this area holds the feed and push reports, the push's own refusals and the SKP API's errors.
"""

from __future__ import annotations

ID: dict[str, str] = {
    # push: SIASN already holds a different rating for the period
    "skp.rule.siasn_berbeda.reason":
        "SIASN sudah punya penilaian {periode} dengan nilai berbeda (hasil {hasil}, perilaku "
        "{perilaku}); tidak dikirim agar tidak ganda",
    # feed and push reports --------------------------------------------------------------------
    "skp.feed.title": "Umpan PMM {run_id}: {status}",
    "skp.push.title": "Kirim SKP ke SIASN {run_id}: {status}",
    "skp.count.header": "hasil",
    "skp.count.amount": "jumlah",
    "skp.count.read": "dibaca",
    "skp.count.created": "baru",
    "skp.count.updated": "diperbarui",
    "skp.count.unchanged": "tidak berubah",
    "skp.count.duplicate": "ganda (sudah dibaca)",
    "skp.count.problem": "bermasalah",
    "skp.count.rejected": "ditolak",
    "skp.count.failed": "gagal",
    "skp.count.candidates": "calon kiriman",
    "skp.count.sent": "terkirim",
    "skp.count.adopted": "sudah ada di SIASN (diambil id-nya)",
    "skp.count.skipped": "dilewati",
    "skp.count.planned": "akan dikirim",
    "skp.count.uncertain": "tidak pasti (diperiksa ulang nanti)",
    "skp.problems.header": "Masalah per guru",
    "skp.problem.line": "{nip} {nama} ({sekolah}): {reason}",
    "skp.problem.fix": "    perbaikan: {fix} — oleh: {who}",
    "skp.row.line": "baris {baris} (NIP {nip}): {hasil} — {keterangan}",
    "skp.status.header": "Sumber umpan PMM",
    "skp.status.line": "{source} {scope}: dibaca sampai {high_water}",
    "skp.status.open": "{count} masalah terbuka",
    "skp.error.pmm_not_configured":
        "sumber HTTP PMM belum diatur: setel EKINERJA_PMM__BASE_URL, EKINERJA_PMM__TOKEN_URL, "
        "EKINERJA_PMM__CLIENT_ID dan EKINERJA_PMM__CLIENT_SECRET",
    "skp.error.credentials": "kredensial {source} ditolak: {detail}",
    "skp.no_school": "(tanpa sekolah)",
    "skp.error.source": "sumber {source} tidak dikenal (pilih: {choices})",
    "skp.error.busy": "proses {kind} lain sedang berjalan: {detail}",
    "skp.error.upstream": "{source} tidak dapat dihubungi: {detail}",
    "skp.push.held": "SIASN sudah memuat penilaian ini sebagai baris {siasn_id} (dari SIASN)",
    "skp.push.claimed": "sedang dikirim oleh proses lain; dilewati agar tidak ganda",
    "skp.push.open_problem": "ditahan karena masalah umpan PMM: {alasan}",
    "skp.push.no_pns_id":
        "pegawai {nip} belum punya id PNS SIASN (data-utama `id`); jalankan Sinkron SIASN dulu",
    # HTTP API --------------------------------------------------------------------------------
    "skp.api.not_found_pegawai": "tidak ada pegawai lokal dengan NIP {nip}",
    "skp.api.field": "kolom {field}: {reason}",
    "skp.api.body": "(badan permintaan)",
    "skp.api.not_json": "badan permintaan bukan JSON yang sah",
    "skp.api.rating":
        "rating {value!r} tidak dikenal (1/di atas, 2/sesuai, 3/di bawah ekspektasi)",
    "skp.api.predikat_value":
        "predikat {value!r} tidak dikenal (Sangat Baik, Baik, Butuh Perbaikan, Kurang, "
        "Sangat Kurang)",
    "skp.api.err.missing": "wajib diisi",
    "skp.api.err.extra_forbidden": "kolom tidak dikenal",
    "skp.api.err.string_too_long": "terlalu panjang (paling banyak {max_length} karakter)",
    "skp.api.err.string_too_short": "terlalu pendek (paling sedikit {min_length} karakter)",
    "skp.api.err.string_pattern_mismatch": "format tidak sesuai (pola {pattern})",
    "skp.api.err.literal_error": "harus salah satu dari {expected}",
    "skp.api.err.int_parsing": "harus bilangan bulat",
    "skp.api.err.int_type": "harus bilangan bulat",
    "skp.api.err.greater_than_equal": "paling kecil {ge}",
    "skp.api.err.less_than_equal": "paling besar {le}",
    "skp.api.err.date_from_datetime_parsing": "tanggal tidak sah (format YYYY-MM-DD)",
    "skp.api.err.date_parsing": "tanggal tidak sah (format YYYY-MM-DD)",
    "skp.api.err.too_long": "terlalu banyak butir (paling banyak {max_length})",
    "skp.api.err.list_type": "harus berupa daftar",
    "skp.api.err.model_type": "harus berupa objek",
    "skp.api.err.dict_type": "harus berupa objek",
    "skp.api.err.string_type": "harus berupa teks",
    "skp.api.err.other": "nilai tidak sah ({detail})",
    "skp.api.from_siasn":
        "SKP {nip} periode {periode} berasal dari {source}; hanya SKP milik instansi (lokal) "
        "yang boleh diubah lewat API",
    "skp.api.sent":
        "penilaian {nip} periode {periode} sudah dikirim ke SIASN (id {siasn_id}); tidak "
        "dapat diubah",
    "skp.api.predikat":
        "predikat {predikat} tidak sesuai matriks: hasil kerja {hasil} dan perilaku {perilaku} "
        "menghasilkan {seharusnya}",
}
