"""The simulator's own copy of SIASN's reference ``kedudukan-hukum`` table (id -> name).

Kept apart from the product's ``mappings`` on purpose (DESIGN §2): a simulator that shared our
table could not catch a mistake in it. Source: BKN's ``ref kedudukan hukum`` as SIMPEG seeders and
the SIASN web-service SDKs ship it (reference/domain.md).
"""

from __future__ import annotations

KEDUDUKAN_HUKUM: dict[str, str] = {
    "01": "Aktif",
    "02": "CLTN",
    "03": "Tugas Belajar",
    "04": "Pemberhentian Sementara",
    "05": "Penerima Uang Tunggu",
    "06": "Prajurit Wajib",
    "07": "Pejabat Negara",
    "08": "Kepala Desa",
    "09": "Sedang dlm Proses Banding BAPEK",
    "11": "Pegawai Titipan",
    "12": "Pengungsi",
    "13": "Perpanjangan CLTN",
    "14": "PNS yang dinyatakan hilang",
    "15": "PNS kena hukuman disiplin",
    "16": "Pemindahan dalam rangka penurunan Jabatan",
    "20": "Masa Persiapan Pensiun",
    "51": "CPNS yang belum menerima SK CPNS",
    "52": "Tidak Aktif",
    "66": "Diberhentikan",
    "67": "Punah",
    "68": "Eks PNS Timor Timur",
    "69": "TMS Dari Pengadaan",
    "70": "Pembatalan NIP",
    "77": "Pemberhentian tanpa hak pensiun",
    "88": "Pemberhentian dengan hak pensiun",
    "89": "Tidak aktif tetapi diusulkan Pensiun",
    "90": "Tidak Ikut PUPNS 2015",
    "91": "Tindak Pidana/ Tindak Pidana Jabatan",
    "92": "Pemblokiran Data PNS",
    "98": "Mencapai BUP",
    "99": "Pensiun",
}
AKTIF, MPP, PENSIUN = "01", "20", "99"
