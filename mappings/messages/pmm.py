"""Catalogue table of the ``pmm`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    # who must fix a finding
    "pmm.who.guru": "guru",
    "pmm.who.kepala_sekolah": "kepala sekolah",
    "pmm.who.operator_sekolah": "operator sekolah (Dapodik)",
    "pmm.who.admin_instansi": "admin instansi (BKD / dinas pendidikan)",
    # data-quality rules: why a teacher's results do not flow, and the fix
    "pmm.rule.nip_beda_siasn.reason": "NIP di Dapodik/PMM ({nip}) berbeda dengan NIP di SIASN ({nip_siasn})",
    "pmm.rule.nip_beda_siasn.fix": (
        "Operator sekolah memperbaiki NIP di Dapodik (Verval PTK) agar sama dengan SIASN, lalu "
        "sinkronkan ulang"
    ),
    "pmm.rule.rencana_belum_disepakati.reason": (
        "Rencana kinerja berstatus {status}, belum disepakati kepala sekolah"
    ),
    "pmm.rule.rencana_belum_disepakati.fix": (
        "Guru mengajukan rencana kinerja dan kepala sekolah menyepakatinya di Ruang GTK"
    ),
    "pmm.rule.kepsek_tanpa_skp.reason": (
        "Kepala sekolah (penilai, NIP {penilai_nip}) belum memiliki SKP di e-Kinerja"
    ),
    "pmm.rule.kepsek_tanpa_skp.fix": (
        "Kepala sekolah menyusun dan menetapkan SKP-nya di e-Kinerja lebih dulu, lalu sinkronkan ulang"
    ),
    "pmm.rule.unor_belum_padan.reason": (
        "Unor di PMM belum padan: sekolah {npsn} ({sekolah}) belum dipadankan dengan unor SIASN"
    ),
    "pmm.rule.unor_belum_padan.fix": "Admin instansi memadankan unor sekolah di SIASN dengan data Dapodik",
    "pmm.rule.periode_tidak_standar.reason": "Periode {periode} tidak standar: {detail}",
    "pmm.rule.periode_tidak_standar.fix": (
        "Admin instansi mengatur periode di Manajemen Periode e-Kinerja sebagai tahunan, semester, "
        "triwulan atau bulanan"
    ),
    "pmm.rule.tipe_periodik_campur.reason": "Tipe Periodik tahun {tahun} bercampur ({detail})",
    "pmm.rule.tipe_periodik_campur.fix": (
        "Admin instansi memakai satu Tipe Periodik untuk seluruh instansi di Manajemen Periode"
    ),
    "pmm.rule.angka_periodik_ganda.reason": "Angka Periodik {detail} tahun {tahun} muncul lebih dari sekali",
    "pmm.rule.angka_periodik_ganda.fix": (
        "Admin instansi menghapus periode ganda di Manajemen Periode e-Kinerja"
    ),
    "pmm.rule.atasan_salah.reason": (
        "Penilai di PMM (NIP {penilai_nip}) bukan atasan yang tercatat (NIP {atasan_nip})"
    ),
    "pmm.rule.atasan_salah.fix": (
        "Admin instansi memperbaiki unor, jabatan dan golongan di SIASN, lalu menjalankan Sinkronisasi ASN"
    ),
    "pmm.rule.predikat_tidak_sesuai.reason": (
        "Predikat {given_label} tidak sesuai matriks: hasil kerja {hasil_label} dan perilaku kerja "
        "{perilaku_label} menghasilkan {expected_label}"
    ),
    "pmm.rule.predikat_tidak_sesuai.fix": (
        "Kepala sekolah memeriksa penilaian di Ruang GTK; predikat tidak diperbaiki otomatis"
    ),
    "pmm.rule.penilaian_tidak_lengkap.reason": (
        "Penilaian belum lengkap: rating hasil kerja, rating perilaku kerja dan predikat harus terisi semua"
    ),
    "pmm.rule.penilaian_tidak_lengkap.fix": "Kepala sekolah melengkapi penilaian di Ruang GTK",
    "pmm.rule.pegawai_tidak_dikenal.reason": "NIP {nip} tidak ada di data pegawai lokal",
    "pmm.rule.pegawai_tidak_dikenal.fix": (
        "Admin instansi menjalankan rekonsiliasi SIASN atau memeriksa NIP guru"
    ),
    "pmm.rule.nip_rusak.reason": (
        "NIP {value} rusak oleh Excel (notasi ilmiah atau digit akhir dibulatkan menjadi 000)"
    ),
    "pmm.rule.nip_rusak.fix": "Unduh ulang berkas rekap dan buka kolom NIP sebagai teks, bukan angka",
    "pmm.rule.baris_ganda.reason": "Baris ganda: hasil yang sama sudah ada di baris {first_row}",
    "pmm.rule.baris_ganda.fix": "Hapus baris ganda dari berkas rekap",
    # recap file rows: the outcome of each row, with the fix and who makes it
    "pmm.row.ok": "diterima",
    "pmm.row.ok_with_problems": "diterima; perlu tindak lanjut: {problems}",
    "pmm.row.finding": "{reason}. Perbaikan oleh {who}: {fix}",
    "pmm.row.nip_rusak": (
        "NIP rusak oleh Excel (notasi ilmiah atau digit akhir dibulatkan menjadi 000). Perbaikan "
        "oleh operator sekolah (Dapodik): unduh ulang rekap dan buka kolom NIP sebagai teks, bukan "
        "angka"
    ),
    "pmm.row.baris_ganda": (
        "baris ganda: hasil yang sama sudah ada di baris {first_row}. Perbaikan oleh operator "
        "sekolah (Dapodik): hapus baris ganda dari berkas rekap"
    ),
    "pmm.row.rencana_belum_disepakati": (
        "rencana kinerja berstatus {status}, belum disepakati kepala sekolah, dan belum dinilai. "
        "Perbaikan oleh kepala sekolah: guru mengajukan rencana kinerja dan kepala sekolah "
        "menyepakatinya lalu menilainya di Ruang GTK"
    ),
    "pmm.row.nip_tidak_valid": (
        "NIP bukan 18 digit angka. Perbaikan oleh operator sekolah (Dapodik): periksa NIP guru di "
        "Dapodik (Verval PTK), lalu unduh ulang rekap"
    ),
    "pmm.row.kolom_kosong": (
        "kolom {column} kosong. Perbaikan oleh operator sekolah: unduh ulang rekap yang lengkap dari "
        "PMM/e-Kinerja"
    ),
    "pmm.row.kolom_kosong_penilaian": (
        "kolom {column} kosong: penilaian belum lengkap. Perbaikan oleh kepala sekolah: melengkapi "
        "penilaian di Ruang GTK, lalu unduh ulang rekap"
    ),
    "pmm.row.kolom_tidak_valid": (
        "kolom {column} tidak valid: {hint}. Perbaikan oleh operator sekolah: perbaiki isi kolom itu "
        "atau unduh ulang rekap"
    ),
    "pmm.row.belum_dinilai": (
        "belum dinilai: rencana kinerja sudah disepakati, penilaian belum diberikan. Perbaikan oleh "
        "kepala sekolah: memberi penilaian di Ruang GTK, lalu unduh ulang rekap"
    ),
    "pmm.row.failed": "tidak dapat disimpan (galat basis data). Perbaikan oleh admin instansi: periksa log, "
    "lalu impor ulang berkas",
    "pmm.row.duplicate": "sudah dibaca sebelumnya (hasil dan waktu perubahan yang sama)",
    "pmm.row.rejected": "ditolak",
    # what a column must hold (recap rows refused as kolom_tidak_valid)
    "pmm.hint.rating": "harus Di Atas Ekspektasi, Sesuai Ekspektasi atau Di Bawah Ekspektasi",
    "pmm.hint.predikat": "harus Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang",
    "pmm.hint.status": "harus Draft, Diajukan, Disepakati, Dikembalikan atau Dinilai",
    "pmm.hint.tanggal": "harus tanggal dd/mm/yyyy",
    "pmm.hint.npsn": "NPSN harus 8 karakter angka atau huruf besar",
    "pmm.hint.nuptk": "NUPTK harus 16 digit angka",
    "pmm.hint.nip": "NIP harus 18 digit angka",
    "pmm.hint.text": "isinya terlalu panjang",
    "pmm.hint.other": "isinya tidak dapat dibaca",
    # evaluations SIASN cannot take as they are (mappings.skp_siasn.NotPushable codes)
    "pmm.push.belum_dinilai": "evaluasi belum memiliki rating hasil kerja dan perilaku kerja",
    "pmm.push.predikat_tidak_sesuai": (
        "predikat yang tercatat tidak sesuai matriks rating hasil kerja dan perilaku kerja"
    ),
    "pmm.push.periode_tidak_didukung": (
        "SIASN hanya menerima periode bulanan atau triwulan dan tahunan, bukan {jenis}"
    ),
    # why a period label is not a standard period (mappings.periode.PeriodeError)
    "pmm.periode.jenis": "jenis periode {jenis} bukan salah satu dari {choices}",
    "pmm.periode.angka": "nomor {jenis} harus 1..{count}, bukan {angka}",
    "pmm.periode.tahun": "tahun {tahun} di luar rentang 2000..2100",
    "pmm.periode.one_year": "periode {mulai}-{selesai} harus berada dalam satu tahun",
    "pmm.periode.not_standard": (
        "periode {mulai}-{selesai} bukan tahun, semester, triwulan atau bulan yang standar"
    ),
    "pmm.periode.month_edges": (
        "periode {mulai}-{selesai} tidak dimulai pada tanggal pertama atau tidak berakhir pada "
        "tanggal terakhir bulan"
    ),
    "pmm.periode.bad_date": "tanggal periode tidak ada di kalender",
    "pmm.periode.one_year_label": "periode harus menyebut tepat satu tahun",
    "pmm.periode.kind": "periode bukan tahun, semester, triwulan atau bulan",
    "pmm.progress": "impor rekap (baris)",
    "pmm.progress_siasn": "SIASN (guru)",
    "pmm.progress_http": "kontrak PMM (periode)",
    "pmm.opt.rate": "permintaan per detik ke SIASN dan kontrak PMM (0 = tanpa batas)",
    "pmm.count.unread": "tidak terbaca (guru/halaman; diulang pada run berikutnya)",
    "pmm.count.sum": "dibaca {read} = {parts}",
    "pmm.count.part": "{label} {count}",
    "pmm.count.off": "perhatian: {count} hasil yang dibaca tidak masuk hitungan mana pun",
    # whole recap files refused (nothing is written)
    "pmm.file.unreadable": "berkas {path} tidak dapat dibaca: {reason}",
    "pmm.file.os.enoent": "berkas tidak ditemukan",
    "pmm.file.os.eacces": "tidak ada izin membaca berkas",
    "pmm.file.os.other": "galat sistem berkas",
    "pmm.file.not_regular": (
        "berkas {path} bukan berkas biasa (perangkat, FIFO atau folder); simpan rekap sebagai berkas "
        "CSV atau XLSX, lalu impor berkas itu"
    ),
    "pmm.file.too_large": (
        "berkas {path} lebih besar dari batas {limit} MB; bagi rekap menjadi beberapa berkas"
    ),
    "pmm.file.too_many_rows": (
        "berkas {path} memuat lebih dari {limit} baris (batas satu impor); bagi rekap menjadi beberapa berkas"
    ),
    "pmm.file.old_xls": "berkas {path} berformat .xls lama; simpan ulang sebagai .xlsx atau CSV",
    "pmm.file.binary": "berkas {path} bukan CSV atau XLSX rekap PMM (berisi data biner)",
    "pmm.file.not_text": (
        "berkas {path} bukan teks UTF-8 atau Windows-1252 (byte ke-{byte} tidak dikenal); simpan "
        "ulang sebagai CSV UTF-8"
    ),
    "pmm.file.csv_rusak": (
        "berkas {path} tidak dapat dibaca sebagai CSV mulai baris {line} (sel terlalu panjang)"
    ),
    "pmm.file.line_too_long": "berkas {path}: baris {line} lebih panjang dari {limit} KB",
    "pmm.file.bad_zip": (
        "berkas {path} bukan XLSX yang utuh (arsip zip rusak atau terpotong); unduh ulang rekap"
    ),
    "pmm.file.zip_too_large": "berkas {path}: arsip XLSX memuat lebih dari {limit} bagian; berkas ditolak",
    "pmm.file.zip_bomb": (
        "berkas {path}: bagian {member} arsip XLSX melebihi batas setelah diekstrak ({limit} MB per "
        "bagian, rasio kompresi {ratio}:1); berkas ditolak"
    ),
    "pmm.file.xml_too_complex": (
        "berkas {path}: bagian {part} memuat terlalu banyak sel atau elemen di sekitar baris {row}; "
        "berkas ditolak"
    ),
    "pmm.file.xml_dtd": (
        "berkas {path}: bagian {part} memuat DTD atau entitas XML (tidak dipakai XLSX); berkas ditolak"
    ),
    "pmm.file.xml_rusak": (
        "berkas {path}: XML bagian {part} rusak setelah baris {row} lembar kerja (XML baris {line}, "
        "kolom {column}); unduh ulang rekap"
    ),
    "pmm.file.not_workbook": (
        "berkas {path} bukan buku kerja Excel (arsip zip tanpa lembar kerja XLSX); simpan ulang rekap "
        "dari Excel sebagai .xlsx atau CSV"
    ),
    "pmm.file.bad_sheet": (
        "berkas {path}: lembar kerja {sheet} tidak dapat dibaca di baris {row}; unduh ulang rekap"
    ),
    "pmm.file.missing_columns": "berkas {path} tidak memiliki kolom wajib: {columns}",
    "pmm.file.no_header": "berkas {path} tidak memiliki baris judul kolom rekap PMM",
}
