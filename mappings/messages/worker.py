"""Messages of the workers (``ekinerja-sync worker``) and of a run handed to them."""

from __future__ import annotations

ID: dict[str, str] = {
    "cli.worker": (
        "Jalankan worker yang mengerjakan run rekonsiliasi yang diantrikan (reconcile --queue); "
        "antreannya disimpan di basis data PostgreSQL yang sama. Jalankan satu di tiap mesin. "
        "Berhenti dengan Ctrl-C atau SIGTERM setelah pekerjaan yang sedang berjalan selesai."
    ),
    "cli.worker.contoh": "ekinerja-sync worker --concurrency 16",
    "cli.opt.worker_concurrency": (
        "permintaan SIASN yang berjalan bersamaan di worker ini (bawaan: EKINERJA_WORKER__CONCURRENCY)"
    ),
    "cli.opt.worker_once": "berhenti begitu antrean kosong (untuk mengejar ketertinggalan sekali jalan)",
    "cli.opt.queue": (
        "serahkan run ke worker (ekinerja-sync worker) lalu ikuti sampai selesai; "
        "hanya dengan basis data PostgreSQL"
    ),
    "worker.needs_postgres": (
        "worker dan reconcile --queue memerlukan basis data PostgreSQL (antrean disimpan di "
        "sana); EKINERJA_DATABASE_URL sekarang {backend}. Tanpa --queue, reconcile berjalan "
        "dalam satu proses"
    ),
    "worker.queue_missing": (
        "tabel antrean belum ada di basis data ini; jalankan dulu: ekinerja-sync db upgrade"
    ),
    "worker.queue_unreachable": "antrean di PostgreSQL tidak dapat dihubungi: {error}",
    "worker.queue_conflicts_dry_run": "--queue tidak dapat dipakai bersama --dry-run",
    "worker.no_live_workers": (
        "Belum ada worker yang aktif untuk run {run_id}; jalankan 'ekinerja-sync worker' "
        "(run menunggu di antrean)."
    ),
    "worker.interrupted": (
        "Berhenti mengikuti run {run_id}; run tetap dikerjakan worker. "
        "Lihat hasilnya dengan: ekinerja-sync runs show {run_id}"
    ),
    "worker.queue_incomplete": (
        "tabel antrean di basis data ini tidak lengkap (yang ada: {tables}); hapus tabel "
        "procrastinate_* yang tersisa, lalu jalankan: ekinerja-sync db upgrade"
    ),
    "worker.following_again": "Mengikuti lagi run {run_id} yang sudah diantrikan.",
    "worker.job_failed": "pekerjaan {task} gagal berulang kali: {error}",
    "worker.started": (
        "Worker berjalan (antrean {queue}, {concurrency} permintaan bersamaan). Ctrl-C untuk berhenti."
    ),
    "worker.stopped": "Worker berhenti.",
}
