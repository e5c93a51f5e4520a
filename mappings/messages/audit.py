"""Catalogue table of the ``audit`` area (the verifiable audit log, backups, TLS warnings),
Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

_BROKEN = "log audit RUSAK: "
_BEFORE = " ({count} entri sebelumnya utuh)"

ID: dict[str, str] = {
    # audit verify ------------------------------------------------------------------------------
    "audit.cli": "Log audit: periksa bahwa tidak ada entri yang diubah, dihapus atau ditukar.",
    "audit.cli_verify": (
        "Periksa rantai hash log audit dari entri pertama sampai terakhir; "
        "laporkan entri pertama yang diubah, dihapus atau berpindah urutan "
        "(keluar 1), atau utuh dengan jumlah entrinya (keluar 0). Hasilnya "
        "dicatat dan tampil di beranda konsol."
    ),
    "audit.cli_verify.contoh": "ekinerja-sync audit verify --json",
    "audit.verify.ok": (
        "log audit utuh: {count} entri diperiksa, rantai sampai seq {seq}, hash terakhir {hash}"
    ),
    "audit.verify.diubah": (
        _BROKEN + "entri id {id} (seq {seq}) diubah: isinya tidak cocok dengan hash yang tercatat" + _BEFORE
    ),
    "audit.verify.dihapus": (
        _BROKEN + "entri seq {first} sampai {last} hilang (dihapus) sebelum entri id {id}" + _BEFORE
    ),
    "audit.verify.dihapus_akhir": (
        _BROKEN + "entri seq {first} sampai {last} hilang (dihapus) "
        "di akhir log, sesudah entri id {id}" + _BEFORE
    ),
    "audit.verify.urutan": (
        _BROKEN + "entri id {id} (seq {seq}) tidak pada urutannya: hash "
        "entri sebelumnya tidak cocok (entri ditukar atau disisipkan)" + _BEFORE
    ),
    "audit.verify.tanpa_hash": (
        _BROKEN + "entri id {id} tidak punya hash: ditulis di luar jalur pencatatan" + _BEFORE
    ),
    "audit.verify.fix": (
        "Log audit tidak boleh diubah. Cari tahu siapa yang mengubah basis "
        "data, lalu pulihkan dari cadangan (ekinerja-sync db restore) atau "
        "simpan bukti ini untuk pemeriksa."
    ),
    "audit.last_check": "Verifikasi log audit terakhir",
    "audit.never_checked": ("Log audit belum pernah diverifikasi (jalankan: ekinerja-sync audit verify)."),
    "audit.check_ok": "utuh",
    "audit.check_broken": "RUSAK",
}

ID.update(
    {
        # db backup / restore -----------------------------------------------------------------------
        "cli.db_backup": (
            "Cadangkan basis data SQLite ke berkas baru dengan API backup daring "
            "SQLite (aman selagi layanan berjalan). PostgreSQL: pakai pg_dump."
        ),
        "cli.db_backup.contoh": "ekinerja-sync db backup cadangan/ekinerja-2026-12-06.db",
        "cli.db_restore": (
            "Pulihkan basis data SQLite dari berkas cadangan yang dibuat `db backup` "
            "(hentikan `serve` dulu). PostgreSQL: pakai pg_restore."
        ),
        "cli.db_restore.contoh": "ekinerja-sync db restore cadangan/ekinerja-2026-12-06.db",
        "cli.opt.backup_path": "berkas cadangan (tidak pernah ditimpa)",
        "cli.opt.restore_path": "berkas cadangan yang dipulihkan",
        "db.backup.done": (
            "cadangan dibuat: {path} (skema {revision}, {tables} tabel, {rows} baris, "
            "{size} byte); pulihkan dengan: ekinerja-sync db restore {path}"
        ),
        "db.restore.done": (
            "dipulihkan dari {path}: skema {revision}, {tables} tabel, {rows} baris; "
            "periksa dengan: ekinerja-sync audit verify"
        ),
        "db.backup.exists": "{path} sudah ada; pilih nama berkas lain (cadangan tidak menimpa berkas)",
        "db.restore.not_found": "berkas {path} tidak ada",
        "db.restore.not_sqlite": "{path} bukan basis data SQLite ekinerja-sync yang utuh ({reason})",
        "db.restore.newer": (
            "cadangan {path} berskema {revision} yang tidak dikenal versi "
            "ekinerja-sync ini (lebih baru?); pulihkan dengan versi yang membuatnya"
        ),
        "db.backup.postgres": (
            "basis data PostgreSQL dicadangkan dengan pg_dump, bukan dengan "
            "perintah ini: pg_dump --format=custom --file={path} "
            "postgresql://USER@HOST/DB (lihat README, bagian Cadangan)"
        ),
        "db.restore.postgres": (
            "basis data PostgreSQL dipulihkan dengan pg_restore, bukan dengan "
            "perintah ini: pg_restore --clean --if-exists "
            "--dbname=postgresql://USER@HOST/DB {path} (lihat README, bagian "
            "Cadangan)"
        ),
    }
)

ID.update(
    {
        "tls.verification_off": (
            "PERINGATAN: verifikasi TLS DIMATIKAN ({variable}=false). Sambungan itu tidak memeriksa "
            "sertifikat server: token, kata sandi dan data pegawai dapat disadap atau dipalsukan di "
            "jaringan. Hidupkan lagi ({variable}=true); untuk CA milik instansi pakai "
            "EKINERJA_SIASN__CA_BUNDLE."
        ),
        "tls.fix": "setel {variable}=true (atau hapus variabel itu)",
    }
)
