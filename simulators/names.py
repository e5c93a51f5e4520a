"""Name and place lists for the generated province."""

MALE = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Kurniawan", "Lukman",
    "Muhammad", "Nanang", "Rahmat", "Slamet", "Teguh", "Wahyu", "Yusuf", "Zainal", "Arif",
    "Bambang", "Dimas", "Gilang", "Hadi", "Imam", "Rizki", "Sigit", "Taufik", "Yoga",
)
FEMALE = (
    "Ani", "Bunga", "Citra", "Dewi", "Endang", "Fitri", "Gita", "Hesti", "Indah", "Lestari",
    "Maya", "Nur", "Putri", "Rina", "Sari", "Tri", "Wulan", "Yuliana", "Ayu", "Dian", "Eka",
    "Kartika", "Mega", "Novita", "Ratna", "Siti", "Utami", "Winda",
)
PROVINCES = ("Sumatera Utara", "Jawa Tengah", "Kalimantan Timur", "Sulawesi Selatan", "Bali", "Riau")
GELAR_S1 = ("S.E.", "S.H.", "S.Kom.", "S.T.", "S.Sos.", "S.AP.", "S.Kep.", "S.Si.")
GELAR_S2 = ("M.Si.", "M.M.", "M.T.", "M.AP.", "M.H.")
OPD = (
    "Dinas Pendidikan", "Dinas Kesehatan", "Badan Kepegawaian Daerah", "Badan Perencanaan "
    "Pembangunan Daerah", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial",
    "Dinas Perhubungan", "Inspektorat", "Dinas Komunikasi dan Informatika",
    "Badan Pengelolaan Keuangan dan Aset Daerah", "Dinas Pertanian", "Dinas Lingkungan Hidup",
    "Dinas Pariwisata", "Dinas Perindustrian dan Perdagangan", "Satuan Polisi Pamong Praja",
    "Dinas Kelautan dan Perikanan", "Dinas Tenaga Kerja", "Dinas Kependudukan",
)
BIDANG = ("Program dan Pelaporan", "Pelayanan", "Pembinaan", "Pengembangan", "Pengendalian",
          "Data dan Informasi", "Sarana dan Prasarana", "Pengawasan")
SEKSI = ("Perencanaan", "Evaluasi", "Pelaksanaan", "Monitoring", "Kerja Sama", "Standardisasi")
SUBBAG = ("Umum dan Kepegawaian", "Keuangan", "Program")
PELAKSANA = (
    "Pengadministrasi Perkantoran", "Penata Layanan Operasional", "Operator Layanan Operasional",
    "Pengolah Data dan Informasi", "Penelaah Teknis Kebijakan", "Pengelola Layanan Operasional",
)
FUNGSIONAL = ("Analis Kebijakan", "Perencana", "Auditor", "Pranata Komputer",
              "Analis Sumber Daya Manusia Aparatur", "Arsiparis")
