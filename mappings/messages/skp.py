"""Catalogue table of the ``skp`` area, Bahasa Indonesia (key -> ``str.format`` template).

The feed's data-quality rules take their words from the ``pmm`` area (``mappings.skp_rules``);
this area holds the feed and push reports, the push's own refusals and the SKP API's errors.
"""

from __future__ import annotations

ID: dict[str, str] = {
    # push: SIASN already holds a different rating for the period
    "skp.rule.siasn_berbeda.reason": (
        "SIASN sudah punya penilaian {periode} dengan nilai berbeda (hasil {hasil}, perilaku "
        "{perilaku}); tidak dikirim agar tidak ganda"
    ),
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
    "skp.count.konflik": "konflik (SIASN punya nilai lain; menunggu admin)",
    "skp.problems.header": "Masalah per guru",
    "skp.problems.more": "... dan {count} masalah lain (lihat: ekinerja-sync pmm status)",
    "skp.problem.line": "{nip} {nama} ({sekolah}): {reason}",
    "skp.problem.fix": "    perbaikan: {fix} — oleh: {who}",
    "skp.row.line": "baris {baris} (NIP {nip}): {hasil} — {keterangan}",
    "skp.status.header": "Sumber umpan PMM",
    "skp.status.line": "{source} {scope}: dibaca sampai {high_water}",
    "skp.status.open": "{count} masalah terbuka",
    "skp.error.pmm_not_configured": (
        "sumber HTTP PMM belum diatur: setel EKINERJA_PMM__BASE_URL, EKINERJA_PMM__TOKEN_URL, "
        "EKINERJA_PMM__CLIENT_ID dan EKINERJA_PMM__CLIENT_SECRET"
    ),
    "skp.error.credentials": "kredensial {source} ditolak: {detail}",
    "skp.no_school": "(tanpa sekolah)",
    "skp.error.source": "--source tidak dikenal (pilih: {choices})",
    "skp.error.busy": "proses {kind} lain sedang berjalan: {detail}",
    "skp.error.upstream": "{source} tidak dapat dihubungi: {detail}",
    "skp.error.interrupted": (
        "pengiriman terhenti oleh galat, sisanya dikirim pada proses berikutnya: {detail}"
    ),
    "skp.push.held": "SIASN sudah memuat penilaian ini sebagai baris {siasn_id} (dari SIASN)",
    "skp.push.konflik": "SIASN sudah punya penilaian periode ini dengan nilai lain; konflik {id} "
    "menunggu keputusan admin (tidak dikirim agar tidak ganda)",
    "skp.push.claimed": "sedang dikirim oleh proses lain; dilewati agar tidak ganda",
    "skp.push.open_problem": "ditahan karena masalah umpan PMM: {alasan}",
    "skp.push.no_pns_id": (
        "pegawai {nip} belum punya id PNS SIASN (data-utama `id`); jalankan Sinkron SIASN dulu"
    ),
    # HTTP API --------------------------------------------------------------------------------
    "skp.api.not_found_pegawai": "tidak ada pegawai lokal dengan NIP {nip}",
    "skp.api.field": "kolom {field}: {reason}",
    "skp.api.body": "(badan permintaan)",
    "skp.api.not_json": "badan permintaan bukan JSON yang sah",
    "skp.api.rating": "rating tidak dikenal (1/di atas, 2/sesuai, 3/di bawah ekspektasi)",
    "skp.api.predikat_value": "predikat tidak dikenal (Sangat Baik, Baik, Butuh Perbaikan, Kurang, "
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
    "skp.api.err.other": "nilai tidak sah",
    "skp.api.from_siasn": (
        "SKP {nip} periode {periode} berasal dari {source}; hanya SKP milik instansi (lokal) yang "
        "boleh diubah lewat API"
    ),
    "skp.api.sent": "penilaian {nip} periode {periode} sudah dikirim ke SIASN (id {siasn_id}); tidak "
    "dapat diubah",
    "skp.api.predikat": (
        "predikat {predikat} tidak sesuai matriks: hasil kerja {hasil} dan perilaku {perilaku} "
        "menghasilkan {seharusnya}"
    ),
    # CLI: `pmm` and `skp` command help (help_text: KEY and KEY.contoh) -----------------------
    "skp.help.pmm": "Hasil kinerja guru dari PMM / Ruang GTK ke SKP.",
    "skp.help.pmm_sync": "Alirkan hasil kinerja guru ke SKP dari SIASN (sumber utama) dan kontrak HTTP PMM; "
    "guru yang hasilnya tidak mengalir dicetak beserta perbaikan dan siapa yang "
    "memperbaikinya.\n\nKode keluar: 0 selesai, 1 ada yang gagal atau ditolak (atau "
    "proses berhenti), 2 masukan salah, 4 umpan PMM lain sedang berjalan.",
    "skp.help.pmm_sync.contoh": "ekinerja-sync pmm sync --source siasn --json",
    "skp.help.pmm_import": (
        "Impor berkas rekap (CSV PMM atau XLSX e-Kinerja): setiap baris diterima atau ditolak "
        "beserta alasannya; berkas yang rusak tidak menulis apa pun.\n\nKode keluar: 0 semua baris "
        "diterima, 1 ada baris ditolak, 2 berkas ditolak, 4 umpan PMM lain sedang berjalan."
    ),
    "skp.help.pmm_import.contoh": "ekinerja-sync pmm import rekap-pmm-2024-2.csv --json",
    "skp.help.pmm_status": (
        "Tampilkan sampai mana setiap sumber umpan PMM sudah dibaca, dan masalah yang masih terbuka "
        "per sekolah.\n\nKode keluar: 0 ditampilkan, 2 konfigurasi atau basis data salah."
    ),
    "skp.help.pmm_status.contoh": "ekinerja-sync pmm status --json",
    "skp.help.skp": "Hasil SKP yang dikirim ke SIASN.",
    "skp.help.skp_push": "Kirim hasil SKP instansi yang sudah dinilai ke SIASN, masing-masing sekali (SIASN "
    "dibaca dulu sebelum mengirim).\n\nKode keluar: 0 selesai, 1 ada yang gagal atau "
    "tidak pasti (atau proses berhenti), 2 masukan salah, 4 pengiriman lain sedang "
    "berjalan.",
    "skp.help.skp_push.contoh": "ekinerja-sync skp push --dry-run --json",
    "skp.opt.source": "sumber umpan: siasn, http atau all (semua)",
    "skp.opt.json": "cetak sebagai JSON",
    "skp.opt.json_report": "cetak laporannya sebagai JSON",
    "skp.opt.dry_run": "rencana saja: baca SIASN, tidak mengirim apa pun",
    "skp.arg.recap_file": "berkas rekap (CSV PMM atau XLSX e-Kinerja)",
    # CLI: `pmm` and `skp` output -----------------------------------------------------------
    "skp.run_status.completed": "selesai",
    "skp.run_status.failed": "gagal",
    "skp.run_status.stopped": "berhenti",
    "skp.run_status.dry_run": "rencana (tidak ada yang dikirim)",
    "skp.run_status.running": "berjalan",
    "skp.feed.reason": "alasan: {reason}",
    "skp.feed.error": "galat di {where}: {error}",
    "skp.row.refused": "ditolak ({code})",
    "skp.push.item": "{nip} {nama} {periode}: {hasil}: {keterangan}",
    "skp.status.school": "{npsn} {sekolah}: {jumlah} guru",
    "skp.status.none": "belum ada sumber yang dibaca (jalankan: ekinerja-sync pmm sync)",
    "skp.col.source": "sumber",
    "skp.col.scope": "cakupan",
    "skp.col.high_water": "dibaca sampai",
}
