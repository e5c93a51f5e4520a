"""Catalogue table of the ``runs`` area, Bahasa Indonesia (key -> ``str.format`` template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "runs.situation.confirmed": "sesuai (tidak berubah)",
    "runs.situation.updated": "diperbarui",
    "runs.situation.conflict": "konflik",
    "runs.situation.absent": "baru (dibuat dari SIASN)",
    "runs.situation.missing": "tidak ditemukan di SIASN",
    "runs.situation.left": "keluar (dinonaktifkan)",
    "runs.situation.ambiguous": "ganda/ambigu",
    "runs.situation.failed": "gagal diambil",
    "runs.phase.fetch": "ambil data SIASN",
    "runs.phase.apply": "terapkan",
    "runs.file_error": "{path}: {error}",
    "runs.roster_report": ("{rows} baris: {imported} NIP baru, {known} sudah dikenal, "
                           "{bad} bermasalah"),
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
    "runs.summary": ("panggilan SIASN {calls}, gagal {failed}, konflik baru {conflicts}, "
                     "durasi {duration} s"),
    "runs.units": "unit: {changes}",
    "runs.integrity": "integritas atasan: {kind} {count} (mis. {examples})",
    "runs.guard": "pengaman",
}
