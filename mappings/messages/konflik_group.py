"""Messages of related fields decided together (``sync.konflik.group``) and of their screens."""

from __future__ import annotations

ID: dict[str, str] = {
    "konflik.group_unseen": (
        "konflik {id} diputuskan bersama konflik {members} yang belum ditampilkan kepada Anda; "
        "buka lagi konfliknya dan putuskan kelompoknya sekaligus"
    ),
    "konflik.group_value_missing": "konflik {id}: isi nilai baru untuk {field}",
    "konflik.group_needs_values": (
        "konflik {id} diputuskan bersama field lain ({fields}); isi nilai baru untuk setiap field"
    ),
    "konflik.group_value_stray": "ada nilai untuk field yang tidak termasuk konflik yang diputuskan",
    "konflik.cli_decided_field": "  konflik {id}: {field} = {value}",
    "konflik.decided_together": "; bersama konflik {members}",
    "konflik.cli_group": "diputuskan bersama (satu keputusan untuk semua): {members}",
    "konflik.cli_bad_nilai": (
        "--nilai untuk kelompok field ditulis FIELD=NILAI (misalnya --nilai golongan=III/b "
        "--nilai tmt_golongan=01-04-2026), atau satu nilai saja untuk satu field"
    ),
    "cli.opt.nilai_group": (
        "nilai untuk tetapkan_nilai; untuk kelompok field ulangi sebagai FIELD=NILAI "
        "(misalnya --nilai golongan=III/b --nilai tmt_golongan=01-04-2026)"
    ),
    "console.group_title": "Diputuskan bersama",
    "console.group_note": (
        "Field-field ini saling terkait dan diputuskan sekaligus: satu keputusan berlaku untuk semuanya."
    ),
    "console.group_with": "bersama",
    "console.col_new_value": "nilai baru",
    "console.unit_pick_needed": (
        "unit kerja baru belum terpilih: teks yang diketik cocok dengan beberapa unit atau tidak "
        "ada; pilih satu unit dari daftar"
    ),
}
