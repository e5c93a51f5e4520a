"""Catalogue table of assignment and decisions, Bahasa Indonesia: who a conflict can be given to,
the decision form's choice, bulk decisions (how many, which were refused and why) and who the
command line names as the person deciding.
"""

from __future__ import annotations

ID: dict[str, str] = {
    # the people a conflict can be assigned to
    "penugasan.local_label": "{username} (akun lokal)",
    "penugasan.asn_label": "{name} ({nip})",
    "penugasan.unknown_user": (
        "penerima tugas tidak dikenal: pilih akun lokal, operator yang punya hak unit, atau admin/"
        "operator yang pernah login lewat MyASN (daftarnya: ekinerja-sync konflik penerima)"
    ),
    "penugasan.none": "— tanpa penerima (kembali terbuka) —",
    "penugasan.pick": "Pilih penerima",
    "penugasan.source_local": "akun lokal",
    "penugasan.source_myasn": "ASN (MyASN / hak operator)",
    "penugasan.col_key": "Kunci",
    "penugasan.col_name": "Nama",
    "penugasan.col_source": "Sumber",
    "penugasan.cli_none": "belum ada orang yang dikenal sistem untuk ditugasi",
    "cli.konflik_penerima": (
        "Daftar orang yang dapat ditugasi konflik: akun lokal, operator yang punya hak unit, dan "
        "admin/operator yang pernah login lewat MyASN."
    ),
    "cli.konflik_penerima.contoh": "ekinerja-sync konflik penerima siti",
    "cli.arg.konflik_penerima_cari": "bagian nama, NIP atau akun (kosong: semua)",
    # the decision form: no choice is made for the admin
    "keputusan.pick": "— pilih keputusan —",
    "keputusan.missing": (
        "Pilih salah satu keputusan (ambil nilai SIASN, pertahankan nilai lokal, atau tetapkan "
        "nilai); belum ada yang disimpan."
    ),
    # bulk decisions
    "keputusan.bulk_refused": (
        "Tidak ada yang diputuskan: {refused} dari {total} konflik ditolak (keputusan massal "
        "berlaku semua atau tidak sama sekali). Yang ditolak: {details}"
    ),
    "keputusan.bulk_refused_line": "#{id}: {reason}",
    "keputusan.bulk_done": "{count} konflik diputuskan dan tercatat di log audit; tidak ada yang ditolak.",
    # who the command line names
    "keputusan.cli_no_person": (
        "sebutkan siapa yang memutuskan: --oleh NAMA atau variabel lingkungan EKINERJA_OPERATOR "
        "(akun root tidak menyebut seseorang)"
    ),
}
