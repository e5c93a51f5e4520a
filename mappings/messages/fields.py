"""Catalogue table of employee field labels, Bahasa Indonesia (key ``field.<name>`` -> label).

One label per field of ``sync.fields.FIELDS``, used in explanations, the CLI and every console
page; ``tests/test_fields_table.py`` fails when a field has none.
"""

from __future__ import annotations

ID: dict[str, str] = {
    "field.nip": "NIP",
    "field.pns_id": "ID PNS (SIASN)",
    "field.nama": "nama",
    "field.gelar_depan": "gelar depan",
    "field.gelar_belakang": "gelar belakang",
    "field.tempat_lahir": "tempat lahir",
    "field.tanggal_lahir": "tanggal lahir",
    "field.jenis_kelamin": "jenis kelamin",
    "field.jenis_pegawai": "jenis pegawai",
    "field.kedudukan_hukum": "kedudukan hukum",
    "field.kedudukan_hukum_id": "kode kedudukan hukum",
    "field.instansi_kerja_id": "kode instansi kerja",
    "field.instansi_kerja_nama": "instansi kerja",
    "field.tmt_cpns": "TMT CPNS",
    "field.tgl_meninggal": "tanggal meninggal",
    "field.tmt_pensiun": "TMT pensiun",
    "field.unor_id": "unit kerja",
    "field.unor_nama": "nama unit (tersimpan)",
    "field.jenis_jabatan_id": "jenis jabatan",
    "field.jabatan": "jabatan",
    "field.eselon_id": "eselon",
    "field.tmt_jabatan": "TMT jabatan",
    "field.golongan": "golongan",
    "field.tmt_golongan": "TMT golongan",
    "field.email": "email",
    "field.no_hp": "nomor HP",
    "field.catatan": "catatan",
}
