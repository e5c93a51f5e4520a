"""Catalogue table of the ``pmm`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    # who must fix a finding
    "pmm.who.guru": "guru",
    "pmm.who.kepala_sekolah": "kepala sekolah",
    "pmm.who.operator_sekolah": "operator sekolah (Dapodik)",
    "pmm.who.admin_instansi": "admin instansi (BKD / dinas pendidikan)",
    # data-quality rules: why a teacher's results do not flow, and the fix
    "pmm.rule.nip_beda_siasn.reason":
        "NIP di Dapodik/PMM ({nip}) berbeda dengan NIP di SIASN ({nip_siasn})",
    "pmm.rule.nip_beda_siasn.fix":
        "Operator sekolah memperbaiki NIP di Dapodik (Verval PTK) agar sama dengan SIASN, lalu "
        "sinkronkan ulang",
    "pmm.rule.rencana_belum_disepakati.reason":
        "Rencana kinerja berstatus {status}, belum disepakati kepala sekolah",
    "pmm.rule.rencana_belum_disepakati.fix":
        "Guru mengajukan rencana kinerja dan kepala sekolah menyepakatinya di Ruang GTK",
    "pmm.rule.kepsek_tanpa_skp.reason":
        "Kepala sekolah (penilai, NIP {penilai_nip}) belum memiliki SKP di e-Kinerja",
    "pmm.rule.kepsek_tanpa_skp.fix":
        "Kepala sekolah menyusun dan menetapkan SKP-nya di e-Kinerja lebih dulu, lalu "
        "sinkronkan ulang",
    "pmm.rule.unor_belum_padan.reason":
        "Unor di PMM belum padan: sekolah {npsn} ({sekolah}) belum dipadankan dengan unor SIASN",
    "pmm.rule.unor_belum_padan.fix":
        "Admin instansi memadankan unor sekolah di SIASN dengan data Dapodik",
    "pmm.rule.periode_tidak_standar.reason":
        "Periode {periode} tidak standar: {detail}",
    "pmm.rule.periode_tidak_standar.fix":
        "Admin instansi mengatur periode di Manajemen Periode e-Kinerja sebagai tahunan, "
        "semester, triwulan atau bulanan",
    "pmm.rule.tipe_periodik_campur.reason":
        "Tipe Periodik tahun {tahun} bercampur ({detail})",
    "pmm.rule.tipe_periodik_campur.fix":
        "Admin instansi memakai satu Tipe Periodik untuk seluruh instansi di Manajemen Periode",
    "pmm.rule.angka_periodik_ganda.reason":
        "Angka Periodik {detail} tahun {tahun} muncul lebih dari sekali",
    "pmm.rule.angka_periodik_ganda.fix":
        "Admin instansi menghapus periode ganda di Manajemen Periode e-Kinerja",
    "pmm.rule.atasan_salah.reason":
        "Penilai di PMM (NIP {penilai_nip}) bukan atasan yang tercatat (NIP {atasan_nip})",
    "pmm.rule.atasan_salah.fix":
        "Admin instansi memperbaiki unor, jabatan dan golongan di SIASN, lalu menjalankan "
        "Sinkronisasi ASN",
    "pmm.rule.predikat_tidak_sesuai.reason":
        "Predikat {given_label} tidak sesuai matriks: hasil kerja {hasil_label} dan perilaku "
        "kerja {perilaku_label} menghasilkan {expected_label}",
    "pmm.rule.predikat_tidak_sesuai.fix":
        "Kepala sekolah memeriksa penilaian di Ruang GTK; predikat tidak diperbaiki otomatis",
    "pmm.rule.penilaian_tidak_lengkap.reason":
        "Penilaian belum lengkap: rating hasil kerja, rating perilaku kerja dan predikat harus "
        "terisi semua",
    "pmm.rule.penilaian_tidak_lengkap.fix":
        "Kepala sekolah melengkapi penilaian di Ruang GTK",
    "pmm.rule.pegawai_tidak_dikenal.reason":
        "NIP {nip} tidak ada di data pegawai lokal",
    "pmm.rule.pegawai_tidak_dikenal.fix":
        "Admin instansi menjalankan rekonsiliasi SIASN atau memeriksa NIP guru",
    "pmm.rule.nip_rusak.reason":
        "NIP {value} rusak oleh Excel (notasi ilmiah atau digit akhir dibulatkan menjadi 000)",
    "pmm.rule.nip_rusak.fix":
        "Unduh ulang berkas rekap dan buka kolom NIP sebagai teks, bukan angka",
    "pmm.rule.baris_ganda.reason":
        "Baris ganda: hasil yang sama sudah ada di baris {first_row}",
    "pmm.rule.baris_ganda.fix":
        "Hapus baris ganda dari berkas rekap",
    # recap file rows: the outcome of each row
    "pmm.row.ok": "diterima",
    "pmm.row.nip_rusak": "NIP {value} rusak oleh Excel (notasi ilmiah atau digit akhir 000)",
    "pmm.row.nip_tidak_valid": "NIP {value!r} bukan 18 digit",
    "pmm.row.baris_ganda": "baris ganda dari baris {first_row}",
    "pmm.row.kolom_tidak_valid": "kolom {column}: {detail}",
    "pmm.row.kolom_kosong": "kolom {column} wajib diisi",
    # evaluations SIASN cannot take as they are (mappings.skp_siasn.NotPushable codes)
    "pmm.push.belum_dinilai": "evaluasi belum memiliki rating hasil kerja dan perilaku kerja",
    "pmm.push.predikat_tidak_sesuai":
        "predikat yang tercatat tidak sesuai matriks rating hasil kerja dan perilaku kerja",
    "pmm.push.periode_tidak_didukung":
        "SIASN hanya menerima periode bulanan atau triwulan dan tahunan, bukan {jenis}",
    # whole recap files refused
    "pmm.file.unreadable": "berkas {path} tidak dapat dibaca: {detail}",
    "pmm.file.bad_format": "berkas {path} bukan CSV atau XLSX rekap PMM: {detail}",
    "pmm.file.missing_columns": "berkas {path} tidak memiliki kolom wajib: {columns}",
    "pmm.file.no_header": "berkas {path} tidak memiliki baris judul kolom rekap PMM",
}
