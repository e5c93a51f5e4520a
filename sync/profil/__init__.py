"""One employee's profile: the Sinkron SIASN job (``sinkron``), what SIASN holds for a person
(``remote``: data-utama and the riwayat, fetched and mapped), and the local Edit Profil
(``edit``), each applied through the shared merge and fence of ``sync``."""
