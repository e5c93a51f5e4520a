"""Places of each province the simulator can generate: a province's schools, offices and most
of its people's birthplaces are in that province (kota and ibu kota kabupaten), and family names
follow the region."""

from __future__ import annotations

CITIES: dict[str, tuple[str, ...]] = {
    "Sumatera Utara": (
        "Medan",
        "Pematangsiantar",
        "Binjai",
        "Tebing Tinggi",
        "Sibolga",
        "Padangsidimpuan",
        "Kisaran",
        "Rantauprapat",
        "Tanjungbalai",
        "Gunungsitoli",
    ),
    "Jawa Tengah": (
        "Semarang",
        "Surakarta",
        "Magelang",
        "Salatiga",
        "Pekalongan",
        "Tegal",
        "Purwokerto",
        "Kudus",
        "Cilacap",
        "Klaten",
    ),
    "Kalimantan Timur": (
        "Samarinda",
        "Balikpapan",
        "Bontang",
        "Tenggarong",
        "Sangatta",
        "Tanah Grogot",
        "Penajam",
        "Sendawar",
    ),
    "Sulawesi Selatan": (
        "Makassar",
        "Parepare",
        "Palopo",
        "Maros",
        "Watampone",
        "Sungguminasa",
        "Bulukumba",
        "Pinrang",
    ),
    "Bali": ("Denpasar", "Singaraja", "Tabanan", "Gianyar", "Negara", "Amlapura", "Semarapura", "Bangli"),
    "Riau": (
        "Pekanbaru",
        "Dumai",
        "Bengkalis",
        "Rengat",
        "Bangkinang",
        "Siak Sri Indrapura",
        "Tembilahan",
        "Pangkalan Kerinci",
    ),
}
FAMILY: dict[str, tuple[str, ...]] = {
    "Sumatera Utara": (
        "Lubis",
        "Siregar",
        "Simanjuntak",
        "Hutapea",
        "Harahap",
        "Nasution",
        "Pane",
        "Sembiring",
        "Tarigan",
        "Ginting",
        "Manurung",
        "Purba",
        "Sitompul",
        "Saragih",
        "Hasibuan",
        "Pardede",
    ),
    "Bali": (
        "Wirawan",
        "Suartana",
        "Adnyana",
        "Mahendra",
        "Sudarsana",
        "Wiguna",
        "Astawa",
        "Suardana",
        "Widiasih",
        "Dewi",
        "Pradnyana",
        "Arsana",
    ),
}
FAMILY_DEFAULT = (
    "Santoso",
    "Wibowo",
    "Saputra",
    "Hidayat",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Wijaya",
    "Kusuma",
    "Rahayu",
    "Susanti",
    "Hakim",
    "Ramadhan",
    "Syahputra",
    "Permana",
    "Lestari",
)


def cities(province: str) -> tuple[str, ...]:
    """The kota and ibu kota kabupaten of ``province``."""
    return CITIES[province]


def families(province: str) -> tuple[str, ...]:
    """Family names common in ``province``."""
    return FAMILY.get(province, FAMILY_DEFAULT)
