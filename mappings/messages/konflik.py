"""Catalogue table of the ``konflik`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "konflik.side_base": "nilai dasar",
    "konflik.side_local": "nilai lokal",
    "konflik.side_siasn": "nilai SIASN",
    "konflik.empty": "(kosong)",
    "konflik.changed_value": "{side} berubah dari {old} menjadi {new}",
    "konflik.changed_nothing": "tidak ada nilai yang berubah",
    "konflik.event_superseded": "digantikan oleh konflik {new_id}: {changed}",
    "konflik.event_opened_from": "menggantikan konflik {old_id}: {changed}",
    "konflik.event_assigned": "ditugaskan kepada {assignee}",
    "konflik.event_unassigned": "penugasan dicabut; konflik kembali terbuka",
    "konflik.decided_ambil_siasn": "diputuskan: ambil nilai SIASN ({reason})",
    "konflik.decided_pertahankan_lokal": (
        "diputuskan: pertahankan nilai lokal dan usulkan perbaikan ke SIASN ({reason})"
    ),
    "konflik.decided_tetapkan_nilai": "diputuskan: tetapkan nilai baru ({reason})",
    "konflik.change_line": "{detail} (oleh {actor})",
    "konflik.not_found": "konflik {id} tidak ada atau di luar wilayah kerja Anda",
    "konflik.read_only": "akun ini hanya boleh melihat konfliknya sendiri, tidak memutuskan",
    "konflik.reason_required": "alasan keputusan wajib diisi",
    "konflik.reason_too_long": "alasan terlalu panjang (paling banyak {maximum} karakter)",
    "konflik.bad_ids": "pilih paling sedikit satu dan paling banyak {maximum} konflik",
    "konflik.bad_assignee": "nama penerima tugas terlalu panjang (paling banyak 120 karakter)",
    "konflik.bad_comment": "komentar tidak boleh kosong dan paling banyak 2000 karakter",
    "konflik.bad_status": "status tidak dikenal; pilih dari {allowed}",
    "konflik.bad_kind": "situasi konflik tidak dikenal; pilih dari {allowed}",
    "konflik.bad_age": "umur minimal (hari) harus 0 sampai 36500",
    "konflik.bad_text": "teks pencarian terlalu panjang (paling banyak 200 karakter)",
    "konflik.bad_sort": "urutan tidak dikenal; pilih dari {allowed} (awali - untuk menurun)",
    "konflik.bad_page": "halaman mulai dari 1 dan per halaman 1 sampai {maximum}",
    "konflik.bad_value": "konflik {id}: nilai tidak diterima: {error}",
    "konflik.refused_superseded": (
        "konflik {id} sudah digantikan oleh konflik {new_id} karena nilainya berubah lagi; putuskan "
        "konflik {new_id} setelah melihat nilai barunya"
    ),
    "konflik.refused_resolved": (
        "konflik {id} sudah diputuskan ({resolution}) oleh {by}; tidak dapat diputuskan lagi"
    ),
    "konflik.refused_stale": (
        "konflik {id} berubah sejak ditampilkan: {changes}. Muat ulang dan periksa lagi sebelum memutuskan"
    ),
    "konflik.removed_unit_needs_value": (
        "konflik {id}: unit kerja lama sudah dihapus di SIASN; putuskan dengan menetapkan unit kerja "
        "aktif (tetapkan_nilai)"
    ),
    "konflik.claim_no_value": (
        "konflik {id}: klaim pimpinan diputuskan dengan ambil_siasn atau pertahankan_lokal"
    ),
    "konflik.recommend_merge": (
        "Ambil nilai SIASN bila SK-nya sudah terbit; bila nilai lokal yang benar, pertahankan nilai "
        "lokal dan ajukan usulan perbaikan data ke BKN."
    ),
    "konflik.recommend_unor_dihapus": (
        "Tetapkan unit kerja aktif yang benar untuk pegawai ini (unit lama sudah dihapus di SIASN)."
    ),
    "konflik.recommend_klaim": (
        "Bila SK pimpinan sudah ada, pertahankan klaim lokal dan ajukan perbaikan PemimpinPnsId ke "
        "BKN; bila tidak, ambil nilai SIASN (klaim dihapus)."
    ),
    "konflik.recommend_skp_nilai": (
        "Periksa penilaian dengan pejabat penilai: bila nilai di SIASN yang benar, ambil nilai "
        "SIASN; bila nilai lokal yang benar, pertahankan nilai lokal dan kiriman SKP berikutnya "
        "menimpa baris SIASN tersebut."
    ),
    "konflik.skp_explanation": (
        "Penilaian SKP periode {periode} di e-Kinerja ({lokal}) berbeda dengan yang sudah tercatat "
        "di SIASN ({siasn}); tidak dikirim agar tidak ganda sampai admin memilih."
    ),
    "konflik.skp_ratings": "hasil kerja {hasil}, perilaku kerja {perilaku}, predikat {predikat}",
    "konflik.skp_rating_1": "di atas ekspektasi",
    "konflik.skp_rating_2": "sesuai ekspektasi",
    "konflik.skp_rating_3": "di bawah ekspektasi",
    "konflik.skp_predikat_1": "Sangat Baik",
    "konflik.skp_predikat_2": "Baik",
    "konflik.skp_predikat_3": "Butuh Perbaikan",
    "konflik.skp_predikat_4": "Kurang",
    "konflik.skp_predikat_5": "Sangat Kurang",
    "konflik.skp_no_value": (
        "konflik {id}: penilaian SKP diputuskan dengan ambil_siasn atau pertahankan_lokal (nilai "
        "ditetapkan oleh pejabat penilai, bukan admin)"
    ),
    "konflik.run_bad_id": "id run tidak sah (hanya huruf, angka dan tanda -)",
    "konflik.run_unknown": "tidak ada run dengan id atau awalan itu; lihat `ekinerja-sync runs list`",
    "konflik.run_ambiguous": (
        "awalan itu cocok dengan lebih dari satu run ({candidates}); tulis lebih panjang"
    ),
    "konflik.run_bad_limit": "jumlah run yang ditampilkan harus 1 sampai 1000",
    "konflik.run_forbidden": "akun ini tidak boleh melihat riwayat sinkron",
    "konflik.run_approve_admin_only": "hanya admin yang boleh menyetujui run yang ditahan",
    "konflik.run_not_held": (
        "run {id} tidak sedang ditahan (status {status}); hanya run ditahan terbaru yang dapat disetujui"
    ),
    "konflik.invalid_input": "masukan tidak sah: {problems}",
    "konflik.invalid_field": "{where}: {what}",
    "konflik.invalid.missing": "wajib diisi",
    "konflik.invalid.string_too_short": "tidak boleh kosong",
    "konflik.invalid.string_too_long": "terlalu panjang",
    "konflik.invalid.too_long": "terlalu banyak isian",
    "konflik.invalid.too_short": "terlalu sedikit isian",
    "konflik.invalid.int_parsing": "harus bilangan bulat",
    "konflik.invalid.int_type": "harus bilangan bulat",
    "konflik.invalid.bool_parsing": "harus true atau false",
    "konflik.invalid.enum": "pilihan tidak dikenal",
    "konflik.invalid.literal_error": "pilihan tidak dikenal",
    "konflik.invalid.extra_forbidden": "isian tidak dikenal",
    "konflik.invalid.greater_than_equal": "terlalu kecil",
    "konflik.invalid.less_than_equal": "terlalu besar",
    "konflik.invalid.json_invalid": "JSON tidak sah",
    "konflik.invalid.model_attributes_type": "harus objek JSON",
    "konflik.invalid.dict_type": "harus objek JSON",
    "konflik.invalid.list_type": "harus daftar",
    "konflik.invalid.string_type": "harus teks",
    "konflik.invalid.other": "nilai tidak sah",
    "konflik.cli_id": "id",
    "konflik.cli_pegawai": "pegawai",
    "konflik.cli_field": "field",
    "konflik.cli_status": "status",
    "konflik.cli_due": "tenggat",
    "konflik.cli_overdue": "(lewat tenggat)",
    "konflik.cli_total": "{total} konflik, halaman {page} dari {pages}",
    "konflik.cli_head": "Konflik {id} · status {status} · versi {version}",
    "konflik.cli_unit_path": "unit: {path}",
    "konflik.cli_recommended": "Saran: {text}",
    "konflik.cli_due_line": "tenggat {due} {overdue} · ditugaskan kepada {assignee}",
    "konflik.cli_assigned": "konflik {id} ditugaskan kepada {assignee} (versi {version})",
    "konflik.cli_ids_or_all": (
        "sebutkan id konflik atau --semua (dengan filter): tepat salah satu, tidak keduanya"
    ),
    "konflik.cli_decided": "{count} konflik diputuskan ({decision}): {ids}",
    "konflik.cli_bad_version": "--versi harus berbentuk ID=VERSI",
    "konflik.cli_bad_format": "format tidak dikenal; pilih csv atau json",
    "konflik.cli_written": "ditulis ke {path}",
    "konflik.cli_run_error": "galat: {error}",
    "konflik.cli_run_left": "keluar: {reason}",
    "konflik.cli_run_change": "{action} {field}: {old} -> {new}",
    "konflik.cli_commented": "komentar ditambahkan pada konflik {id}",
    "konflik.cli_cannot_write": "tidak dapat menulis {path}: {error}",
}
