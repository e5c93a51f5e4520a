"""Catalogue table of the ``runs`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "runs.approve_siasn_unavailable": "run yang ditahan tidak dapat disetujui: SIASN belum "
    "dikonfigurasi di server ini ({reason})",
    "runs.busy": "run {kind} lain ({run_id}) sedang berjalan, dipegang {owner} selama {left} "
    "detik lagi; tunggu sampai selesai (ekinerja-sync runs list)",
    "runs.busy_same_moment": "run {kind} lain dimulai pada saat yang sama; coba lagi nanti",
    "runs.lease_lost": "lease run {kind} diambil alih run lain (proses ini sempat terhenti "
    "melewati masa lease); run ini berhenti tanpa menulis apa pun lagi",
    "runs.db_unavailable": "basis data tidak dapat dipakai setelah beberapa percobaan ulang "
    "({error}); run berhenti dengan aman dan dilanjutkan oleh "
    "`ekinerja-sync reconcile` berikutnya",
    "runs.stale_snapshot": "dilewati: data SIASN yang tersimpan lebih baru daripada data yang "
    "diambil run ini ({fetched} < {stored})",
    "runs.sinkron_stale": "Data SIASN pegawai ini terus diperbarui oleh sinkron lain yang "
    "berjalan bersamaan; data lokal tidak diubah, coba lagi sebentar lagi.",
    "runs.situation.confirmed": "sesuai (tidak berubah)",
    "runs.situation.updated": "diperbarui",
    "runs.situation.conflict": "konflik",
    "runs.situation.absent": "baru (dibuat dari SIASN)",
    "runs.situation.missing": "tidak ditemukan di SIASN",
    "runs.situation.left": "keluar (dinonaktifkan)",
    "runs.situation.ambiguous": "ganda/ambigu",
    "runs.situation.failed": "gagal diambil",
    "runs.situation.stale": "dilewati (data SIASN tersimpan lebih baru)",
    "runs.phase.fetch": "ambil data SIASN",
    "runs.phase.apply": "terapkan",
    "runs.file_error": "{path}: {error}",
    "runs.roster_report": ("{rows} baris: {imported} NIP baru, {known} sudah dikenal, {bad} bermasalah"),
    "runs.roster_problem": "  baris {line}: {value}: {reason}",
    "runs.roster_more": "  ... dan {count} baris bermasalah lainnya",
    "runs.stopped": "dihentikan: {reason}",
    "runs.refused": "{status}: {reason}",
    "runs.refused_bare": "{status}",
    "runs.col.run_id": "run_id",
    "runs.col.status": "status",
    "runs.col.started": "mulai",
    "runs.col.duration": "durasi",
    "runs.col.failed": "gagal",
    "runs.col.conflicts": "konflik",
    "runs.col.situation": "situasi",
    "runs.col.count": "jumlah",
    "runs.seconds": "{value} s",
    "runs.report_title": "Rekonsiliasi {run_id}: {status}",
    "runs.summary": ("panggilan SIASN {calls}, gagal {failed}, konflik baru {conflicts}, durasi {duration}"),
    "runs.units": "unit: {changes}",
    "runs.integrity": "integritas atasan: {kind} {count} (mis. {examples})",
    "runs.guard": "pengaman",
}
