"""A generated province, deterministic for a seed: units, employees with valid NIPs, riwayat.

Golongan is consistent with age, education and years of service (no TMT in the future); unit
heads hold the eselon of their unit; schools sit under Cabang Dinas of the Dinas Pendidikan, each
led by a kepala sekolah; some posts are vacant and some PPPK employees carry NI PPPK numbers and
grades I..XVII. Nobody is past the retirement age (BUP) of their post; a few reach it within the
coming quarter, as in any province. Schools and birthplaces are the province's own places.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from simulators import names, places
from simulators.ranks import rank, usia_bup
from simulators.world import SimPegawai, SimUnit, World, bup_date, hex_id, years_after

__all__ = [
    "EDU_ENTRY",
    "HEAD_MIN",
    "SimPegawai",
    "SimUnit",
    "World",
    "bup_date",
    "generate_world",
    "golongan_cap",
    "golongan_row",
    "hex_id",
    "jabatan_row",
    "promote",
    "years_after",
]

EDU_ENTRY = {"SMA": 21, "D3": 23, "S1": 31, "S2": 32}
EDU_CAP = {"SMA": 32, "D3": 33, "S1": 34, "S2": 41}
HEAD_MIN = {21: 43, 22: 42, 31: 34, 32: 33, 41: 32, 42: 31}
HEAD_CAP = {21: 45, 22: 45, 31: 43, 32: 43, 41: 42, 42: 41}
PPPK_GRADE = {"SMA": "V", "D3": "VII", "S1": "IX", "S2": "X"}
START_AGE = {"SMA": (19, 27), "D3": (21, 29), "S1": (23, 32), "S2": (26, 35)}
TMT_MONTHS = (1, 3, 4, 7, 10, 12)
RETIRING_SHARE = 0.03  # of staff whose BUP falls within the next RETIRING_DAYS days
RETIRING_DAYS = 90
PENDING_KP = 0.25  # of promotions due in the last year whose SK SIASN has not recorded yet


def golongan_cap(pendidikan: str, eselon_id: int | None, jabatan: str = "") -> int:
    """The highest golongan a career reaches with this education and post (structural: by
    eselon, IV/b for eselon IV.a up to IV/e for eselon II; fungsional Ahli Madya: IV/c)."""
    if eselon_id is not None:
        return HEAD_CAP.get(eselon_id, 45)
    if "Ahli Utama" in jabatan:
        return 45
    return max(EDU_CAP[pendidikan], 43) if "Ahli Madya" in jabatan else EDU_CAP[pendidikan]


def promote(golongan_id: int) -> int:
    """The next golongan (III/d -> IV/a, IV/e stays)."""
    group, ruang = divmod(golongan_id, 10)
    top = 5 if group == 4 else 4
    if ruang < top:
        return golongan_id + 1
    return golongan_id if group == 4 else (group + 1) * 10 + 1


def generate_world(seed: int, employees: int, today: date = date(2026, 1, 5)) -> World:
    """Generate a province of about ``employees`` employees, the same for the same seed."""
    rng = Random(seed)
    province = rng.choice(names.PROVINCES)
    world = World(seed, hex_id(rng), f"Pemerintah Provinsi {province}", today, province)
    builder = _Builder(rng, world, employees)
    builder.build()
    return world


class _Builder:
    def __init__(self, rng: Random, world: World, employees: int) -> None:
        self.rng = rng
        self.world = world
        self.target = max(employees, 1)
        self.sequence: dict[str, int] = {}
        self.schools: list[SimUnit] = []
        self.leaves: list[SimUnit] = []
        self.inner: list[SimUnit] = []

    def build(self) -> None:
        root = self._unit(
            f"Pemerintah Provinsi {self.world.instansi_nama.split()[-1]}", None, None, "Gubernur"
        )
        root.nama = self.world.instansi_nama
        n_opd = min(len(names.OPD), 2 + self.target // 300)
        for nama in names.OPD[:n_opd]:
            self._opd(nama, root)
        self._heads()
        while len(self.world.pegawai) < self.target:
            self._staff()

    # units -------------------------------------------------------------------------------
    def _unit(
        self, nama: str, parent: SimUnit | None, eselon: int | None, jabatan: str | None, jenis: str = "1"
    ) -> SimUnit:
        unit = SimUnit(
            hex_id(self.rng),
            nama,
            parent.id if parent else None,
            eselon,
            jabatan,
            jenis_unor_id=jenis,
            cepat_kode=f"{len(self.world.units):05d}",
        )
        self.world.units[unit.id] = unit
        return unit

    def _opd(self, nama: str, root: SimUnit) -> None:
        opd = self._unit(nama, root, 21, f"Kepala {nama}")
        sekretariat = self._unit(f"Sekretariat {nama}", opd, 31, "Sekretaris")
        for sub in names.SUBBAG:
            self.leaves.append(self._unit(f"Subbagian {sub}", sekretariat, 41, f"Kepala Subbagian {sub}"))
        self.inner += [opd, sekretariat]
        for bidang_nama in self.rng.sample(names.BIDANG, 3):
            bidang = self._unit(f"Bidang {bidang_nama}", opd, 31, f"Kepala Bidang {bidang_nama}")
            self.inner.append(bidang)
            for seksi in self.rng.sample(names.SEKSI, self.rng.randint(2, 3)):
                self.leaves.append(
                    self._unit(f"Seksi {seksi} {bidang_nama}", bidang, 41, f"Kepala Seksi {seksi}")
                )
        if nama == "Dinas Pendidikan":
            self._schools(opd)
        if nama == "Dinas Kesehatan":
            uptd = self._unit("UPTD Laboratorium Kesehatan Daerah", opd, 41, "Kepala UPTD")
            self.inner.append(uptd)
            self.leaves.append(
                self._unit("Subbagian Tata Usaha UPTD Labkesda", uptd, 42, "Kepala Subbagian Tata Usaha")
            )

    def _schools(self, dinas: SimUnit) -> None:
        n_schools = max(2, int(self.target * 0.5) // 25)
        n_cabang = max(1, n_schools // 8)
        cabang = [
            self._unit(f"Cabang Dinas Pendidikan Wilayah {i + 1}", dinas, 32, "Kepala Cabang Dinas")
            for i in range(n_cabang)
        ]
        self.inner += cabang
        kinds = ("SMA Negeri", "SMA Negeri", "SMK Negeri", "SLB Negeri")
        for i in range(n_schools):
            kind = kinds[i % len(kinds)]
            city = self.rng.choice(places.cities(self.world.provinsi))
            school = self._unit(
                f"{kind} {i // len(kinds) + 1} {city}",
                cabang[i % n_cabang],
                None,
                "Kepala Sekolah",
                jenis="2",
            )
            self.schools.append(school)

    # people ------------------------------------------------------------------------------
    def _heads(self) -> None:
        for unit in list(self.world.units.values()):
            if unit.parent_id is None or len(self.world.pegawai) >= self.target:
                continue
            if self.rng.random() < 0.05:
                continue  # a vacant post
            if unit.eselon_id is not None:
                head = self._person(
                    unit,
                    edu=self.rng.choice(("S1", "S2")) if unit.eselon_id > 22 else "S2",
                    kind="struktural",
                )
            else:
                head = self._person(
                    unit, edu="S2" if self.rng.random() < 0.3 else "S1", kind="guru", kepala_sekolah=True
                )
            unit.pemimpin_pns_id = head.pns_id

    def _staff(self) -> None:
        roll = self.rng.random()
        if self.schools and roll < 0.5:
            self._person(self.rng.choice(self.schools), edu="S1", kind="guru")
        elif roll < 0.53 and self.inner:
            self._person(self.rng.choice(self.inner), edu="S1", kind="pelaksana")
        elif roll < 0.68:
            self._person(self.rng.choice(self.leaves), edu=self.rng.choice(("S1", "S2")), kind="fungsional")
        else:
            edu = self.rng.choices(("SMA", "D3", "S1"), (3, 2, 5))[0]
            self._person(self.rng.choice(self.leaves), edu=edu, kind="pelaksana")

    def _person(self, unit: SimUnit, *, edu: str, kind: str, kepala_sekolah: bool = False) -> SimPegawai:
        rng = self.rng
        pppk = kind in ("guru", "pelaksana") and not kepala_sekolah and rng.random() < 0.12
        gender = rng.choice("MF")
        structural = kind == "struktural"
        retiring = (
            not structural and not kepala_sekolah and not pppk and rng.random() < RETIRING_SHARE
        )  # reaches BUP within the coming quarter
        born, tmt_cpns = self._dates(
            edu,
            senior=structural or kepala_sekolah,
            pppk=pppk,
            retiring_at=(60 if kind == "guru" else 58) if retiring else None,
        )
        golongan_id, tmt_gol, rw_gol = self._rank(
            edu, tmt_cpns, unit.eselon_id if structural else None, kepala_sekolah
        )
        jenis, jabatan = self._jabatan(unit, kind, golongan_id, kepala_sekolah, pppk)
        bup = usia_bup(eselon_id=unit.eselon_id if structural else None, jabatan=jabatan, guru=kind == "guru")
        nip = self._nip(born, tmt_cpns, gender, pppk)
        first = rng.choice(names.MALE if gender == "M" else names.FEMALE)
        family = rng.choice(places.families(self.world.provinsi))
        person = SimPegawai(
            pns_id=hex_id(rng),
            nip=nip,
            nama=f"{first} {family}".upper(),
            gelar_depan="Dr." if edu == "S2" and rng.random() < 0.1 else "",
            gelar_belakang=self._gelar(edu, kind),
            tempat_lahir=rng.choice(places.cities(self.world.provinsi)),
            tgl_lahir=born,
            jenis_kelamin=gender,
            pendidikan=edu,
            pppk=pppk,
            tmt_cpns=None if pppk else tmt_cpns,
            unor_id=unit.id,
            jenis_jabatan_id=jenis,
            jabatan_nama=jabatan,
            eselon_id=unit.eselon_id if structural else None,
            tmt_jabatan=max(tmt_gol, date(self.world.today.year - rng.randint(0, 6), 1, 2)),
            golongan_id=None if pppk else golongan_id,
            pppk_grade=PPPK_GRADE[edu] if pppk else None,
            tmt_golongan=tmt_cpns if pppk else tmt_gol,
            nuptk="".join(str(rng.randint(0, 9)) for _ in range(16)) if kind == "guru" else None,
            quirky_keys=rng.random() < 0.1,
            usia_bup=bup,
        )
        person.rw_golongan = [] if pppk else [self._rw_gol_row(person, g, t) for g, t in rw_gol]
        person.rw_jabatan = [self._rw_jab_row(person)]
        self.world.pegawai[nip] = person
        return person

    def _dates(self, edu: str, *, senior: bool, pppk: bool, retiring_at: int | None) -> tuple[date, date]:
        rng = self.rng
        today = self.world.today
        if retiring_at is not None:
            born = years_after(today + timedelta(days=rng.randint(1, RETIRING_DAYS)), -retiring_at)
            entry = born.year + rng.randint(*START_AGE[edu])
            return born, date(entry, rng.choice(TMT_MONTHS), 1)
        service = rng.randint(12, 30) if senior else rng.randint(0, 30)
        if pppk:
            service = rng.randint(1, 4)
        age_at_entry = rng.randint(*START_AGE[edu])
        age_at_entry = min(age_at_entry, 56 - service)
        entry_year = today.year - service
        born = date(entry_year - age_at_entry, rng.randint(1, 12), rng.randint(1, 28))
        month = rng.choice(TMT_MONTHS)
        tmt = date(entry_year, month if entry_year < today.year else 1, 1)  # never ahead
        return born, tmt

    def _rank(
        self, edu: str, tmt_cpns: date, eselon: int | None, kepala_sekolah: bool
    ) -> tuple[int, date, list[tuple[int, date]]]:
        golongan = EDU_ENTRY[edu]
        history = [(golongan, tmt_cpns)]
        cap = golongan_cap(edu, eselon)
        if kepala_sekolah:
            cap = max(cap, 42)
        year = tmt_cpns.year + 4
        today = self.world.today
        while golongan < cap:
            tmt = date(year, self.rng.choice((4, 10)), 1)
            if tmt > today or ((today - tmt).days < 365 and self.rng.random() < PENDING_KP):
                break  # not due yet, or due but not yet recorded in SIASN (a pending SK)
            golongan = promote(golongan)
            history.append((golongan, tmt))
            year += 4
        floor = HEAD_MIN.get(eselon or 0, 0)
        while golongan < floor:  # a head's rank, by pilihan promotions since the last one
            golongan = promote(golongan)
            last = history[-1][1]
            history.append((golongan, min(today.replace(day=1), date(last.year + 1, 4, 1))))
        return golongan, history[-1][1], history

    def _jabatan(
        self, unit: SimUnit, kind: str, golongan_id: int, kepala_sekolah: bool, pppk: bool
    ) -> tuple[int, str]:
        if kind == "struktural":
            return 1, unit.nama_jabatan or f"Kepala {unit.nama}"
        if kind == "guru":
            jenjang = (
                "Ahli Pertama"
                if pppk or golongan_id < 33
                else ("Ahli Muda" if golongan_id < 41 else "Ahli Madya")
            )
            return 2, f"Guru {jenjang}"
        if kind == "fungsional":
            jenjang = (
                "Ahli Pertama" if golongan_id < 33 else ("Ahli Muda" if golongan_id < 41 else "Ahli Madya")
            )
            return 2, f"{self.rng.choice(names.FUNGSIONAL)} {jenjang}"
        return 4, self.rng.choice(names.PELAKSANA)

    def _nip(self, born: date, tmt: date, gender: str, pppk: bool) -> str:
        middle = f"{tmt.year}{self.rng.choice(('21', '22', '24'))}" if pppk else f"{tmt:%Y%m}"
        prefix = f"{born:%Y%m%d}{middle}{'1' if gender == 'M' else '2'}"
        self.sequence[prefix] = self.sequence.get(prefix, 0) + 1
        return f"{prefix}{self.sequence[prefix]:03d}"

    def _gelar(self, edu: str, kind: str) -> str:
        if edu == "S2":
            return "M.Pd." if kind == "guru" else self.rng.choice(names.GELAR_S2)
        if edu == "S1":
            return "S.Pd." if kind == "guru" else self.rng.choice(names.GELAR_S1)
        return "A.Md." if edu == "D3" else ""

    def _rw_gol_row(self, person: SimPegawai, golongan_id: int, tmt: date) -> dict[str, str]:
        return golongan_row(person, golongan_id, tmt, self.rng)

    def _rw_jab_row(self, person: SimPegawai) -> dict[str, object]:
        unit = self.world.units[person.unor_id]
        return jabatan_row(person, unit, self.rng)


def golongan_row(person: SimPegawai, golongan_id: int, tmt: date, rng: Random) -> dict[str, str]:
    """An ``rw-golongan`` row: ``golongan_id`` from ``tmt``."""
    found = rank(golongan_id)
    return {
        "id": hex_id(rng),
        "idPns": person.pns_id,
        "nipBaru": person.nip,
        "golonganId": str(golongan_id),
        "golongan": found.kode,
        "pangkat": found.pangkat,
        "skNomor": f"823.3/{rng.randint(100, 9999)}/BKD/{tmt.year}",
        "skTanggal": f"{tmt.replace(day=1):%d-%m-%Y}",
        "tmtGolongan": f"{tmt:%d-%m-%Y}",
        "jenisKPId": rng.choice(("101", "201", "-")),
        "jenisKPNama": "Reguler",
        "masaKerjaGolonganTahun": str(max(0, tmt.year - (person.tmt_cpns or tmt).year)),
        "masaKerjaGolonganBulan": "0",
    }


def jabatan_row(person: SimPegawai, unit: SimUnit, rng: Random) -> dict[str, object]:
    """An ``rw-jabatan`` row for the employee's current position."""
    fungsional = person.jabatan_nama if person.jenis_jabatan_id == 2 else ""
    umum = person.jabatan_nama if person.jenis_jabatan_id == 4 else ""
    return {
        "id": hex_id(rng),
        "idPns": person.pns_id,
        "nipBaru": person.nip,
        "jenisJabatan": str(person.jenis_jabatan_id),
        "unorId": unit.id,
        "unorNama": unit.nama,
        "eselonId": str(person.eselon_id or ""),
        "namaJabatan": person.jabatan_nama,
        "jabatanFungsionalNama": fungsional,
        "jabatanFungsionalUmumNama": umum,
        "tmtJabatan": f"{person.tmt_jabatan:%d-%m-%Y}",
        "nomorSk": f"821.2/{rng.randint(100, 9999)}/BKD/{person.tmt_jabatan.year}",
        "tanggalSk": f"{person.tmt_jabatan:%d-%m-%Y}",
        "tmtPelantikan": "",
    }
