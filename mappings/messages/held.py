"""Catalogue table of held runs and the profile's actions, Bahasa Indonesia (key -> template)."""

from __future__ import annotations

ID: dict[str, str] = {
    "held.banner_title": "Sinkron ini ditahan pengaman",
    "held.banner_admin": (
        "Belum ada yang diterapkan. Periksa rencana perubahan per unit dan per pegawai di bawah; "
        "bila benar, tulis alasannya lalu tekan «Setujui dan terapkan» di halaman ini."
    ),
    "held.banner_operator": (
        "Belum ada yang diterapkan. Admin BKD memeriksa rencana ini dan menyetujuinya di halaman ini."
    ),
    "console.action_run_digantikan": "sinkron yang ditahan digantikan sinkron baru",
    "held.approve_as": "Dicatat sebagai persetujuan {who}.",
    "held.beranda_open": "Buka rencananya dan setujui di halamannya",
    "held.replaced_title": "Sinkron ini digantikan",
    "held.replaced_banner": (
        "Rencana sinkron ini tidak akan diterapkan: sinkron yang lebih baru menggantikannya. "
        "Hanya sinkron ditahan terbaru yang dapat disetujui."
    ),
    "held.replaced_by": "Digantikan oleh",
    "held.approved_by": "Disetujui oleh",
    "held.approved_at": "Disetujui pada",
    "held.approval_reason": "Alasan persetujuan",
    "held.cli_held": "DITAHAN PENGAMAN: {reason}",
    "held.cli_next": (
        "Belum ada yang diterapkan. Periksa rencananya di konsol (Riwayat sinkron › {run_id}) dan "
        "tekan «Setujui dan terapkan» di sana, atau: "
        'ekinerja-sync runs setujui {run_id} --alasan "..."'
    ),
    "held.cli_next_url": "Halaman persetujuan: {url}",
    "held.cli_rerun": (
        "Menjalankan reconcile lagi tanpa persetujuan menggantikan run ini (hanya satu run "
        "ditahan yang menunggu)."
    ),
    "held.cli_status": "ditahan pengaman; lihat alasannya di atas",
    "held.cli_approved": "disetujui oleh {oleh} pada {pada}: {alasan}",
    "held.cli_replaced": "digantikan oleh run {id}",
    "held.cli_confirm_needs_reason": (
        "--confirm perlu --alasan: tulis mengapa perubahan besar ini benar (dicatat di log audit)"
    ),
    "held.cli_setujui": (
        "Setujui run yang ditahan pengaman setelah memeriksa rencananya (di konsol, atau --items): "
        "perubahannya diterapkan, dan siapa yang menyetujui serta alasannya dicatat."
    ),
    "held.cli_setujui.contoh": 'ekinerja-sync runs setujui 3f2a --alasan "pensiun massal sesuai SK"',
    "held.opt_alasan": "mengapa run yang ditahan ini benar (wajib; dicatat di log audit)",
    "held.opt_alasan_confirm": "alasan persetujuan, wajib bersama --confirm (dicatat di log audit)",
    "held.opt_oleh": "nama Anda yang menyetujui, untuk log audit",
    "profil.actions": "Tindakan",
    "profil.sinkron": "Sinkron SIASN",
    "profil.sinkron_hint": "Ambil data terbaru pegawai ini dari SIASN sekarang (sekitar satu detik).",
    "profil.sinkron_unavailable_button": "Sinkron SIASN tidak tersedia di server ini",
    "profil.sinkron_forbidden": "Sinkron SIASN tidak diizinkan untuk pegawai ini: {reason}",
    "profil.sinkron_result": "Hasil Sinkron SIASN",
    "profil.sinkron_status": "Hasil",
    "profil.sinkron_applied": "Diterapkan dari SIASN",
    "profil.sinkron_converged": "Sudah sama dengan SIASN",
    "profil.sinkron_conflicts": "Konflik (tidak diterapkan sampai diputuskan)",
    "profil.sinkron_warnings": "Peringatan",
    "profil.sinkron_atasan": "Atasan (diturunkan)",
    "profil.sinkron_nothing": "Tidak ada yang berubah: data lokal sudah sesuai SIASN.",
    "profil.edit": "Edit Profil",
    "profil.edit_hint": "Ubah data lokal dengan alasan; setiap perubahan dicatat di log audit.",
    "profil.edit_title": "Edit Profil {nama}",
    "profil.edit_intro": (
        "Hanya kolom yang Anda ubah yang disimpan. Data milik SIASN (nama, tanggal lahir, NIP, "
        "status hukum) tidak dapat diubah di sini: ajukan perbaikan ke BKN."
    ),
    "profil.edit_save": "Simpan perubahan",
    "profil.edit_cancel": "Batal",
    "profil.edit_forbidden": "Edit Profil tidak diizinkan: {reason}",
    "profil.reason_required": "alasan perubahan wajib diisi",
    "profil.nothing_changed": "tidak ada kolom yang diubah",
    "profil.too_long": "isian {field} lebih dari {limit} karakter",
    "profil.flash_edited": "Perubahan profil disimpan dan dicatat di log audit.",
    "profil.choice_none": "(kosong)",
}
