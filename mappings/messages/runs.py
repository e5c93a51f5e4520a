"""Catalogue table of the ``runs`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
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
}
