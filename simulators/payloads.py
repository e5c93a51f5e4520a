"""SIASN wire payloads for the simulated world, with the real service's quirks.

Dates as dd-mm-yyyy (``tanggal_taspen`` as ``Y-m-d H:i:s``), numbers as strings, empty strings
for missing values, a key or two in drifting case, unknown extra keys, PascalCase ``ref-unor``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from simulators.dataset import SimPegawai, SimUnit, World
from simulators.ranks import rank


def _d(value: date | None) -> str:
    return f"{value:%d-%m-%Y}" if value else ""


def data_utama(world: World, p: SimPegawai) -> dict[str, Any]:
    """The ``data`` object of ``GET /pns/data-utama/{nip}``."""
    body: dict[str, Any] = {
        **_identity(p),
        **_status(world, p),
        **_placement(world, p),
        **_jabatan(p),
        **_rank(world, p),
        "tkPendidikanTerakhir": p.pendidikan,
        "genEmailAsn": "",
        "path": {},
        "kode_jenjang_jabatan": "",
    }
    if p.quirky_keys:  # casing drifts inside one object in the real service
        body["JenisKelamin"] = body.pop("jenisKelamin")
        body["jenisidDokumenId"] = ""
    return body


def _identity(p: SimPegawai) -> dict[str, Any]:
    """Name, birth and contact fields of ``data-utama``."""
    return {
        "id": p.pns_id,
        "nipBaru": p.nip,
        "nipLama": "",
        "nama": p.nama,
        "gelarDepan": p.gelar_depan,
        "gelarBelakang": p.gelar_belakang,
        "tempatLahir": p.tempat_lahir,
        "tempatLahirId": "",
        "tglLahir": _d(p.tgl_lahir),
        "jenisKelamin": p.jenis_kelamin,
        "agama": "Islam",
        "agamaId": "1",
        "email": f"{p.nama.split()[0].lower()}{p.nip[-3:]}@gmail.com",
        "emailGov": "",
        "noHp": f"08{p.nip[2:12]}",
        "nik": f"12{p.nip[:14]}",
        "validNik": "true",
    }


def _status(world: World, p: SimPegawai) -> dict[str, Any]:
    """Employment type, kedudukan, CPNS/PNS dates and the instansi of ``data-utama``."""
    return {
        "jenisPegawaiId": "71" if p.pppk else "4",
        "jenisPegawaiNama": "PPPK" if p.pppk else "PNS Daerah Provinsi",
        "kedudukanPnsId": p.kedudukan_id,
        "kedudukanPnsNama": p.kedudukan_nama,
        "statusPegawai": "PPPK" if p.pppk else "PNS",
        "tmtCpns": _d(p.tmt_cpns),
        "tmtPns": _d(_plus_year(p.tmt_cpns)),
        "instansiIndukId": world.instansi_id,
        "instansiIndukNama": world.instansi_nama,
        "instansiKerjaId": world.instansi_id,
        "instansiKerjaNama": world.instansi_nama,
        "instansiKerjaKodeCepat": "",
    }


def _placement(world: World, p: SimPegawai) -> dict[str, Any]:
    """The unit and its OPD (satuan kerja, unor induk) of ``data-utama``."""
    unit = world.units.get(p.unor_id)
    opd = _opd(world, unit)
    return {
        "satuanKerjaKerjaId": opd.id if opd else "",
        "satuanKerjaKerjaNama": opd.nama if opd else "",
        "unorId": p.unor_id,
        "unorNama": unit.nama if unit else "",
        "unorIndukId": opd.id if opd else "",
        "unorIndukNama": opd.nama if opd else "",
    }


def _jabatan(p: SimPegawai) -> dict[str, Any]:
    """The position fields of ``data-utama``."""
    return {
        "jenisJabatanId": p.jenis_jabatan_id,
        "jenisJabatan": {
            1: "Jabatan Struktural",
            2: "Jabatan Fungsional Tertentu",
            4: "Jabatan Fungsional Umum",
        }[p.jenis_jabatan_id],
        "jabatanNama": p.jabatan_nama,
        "jabatanStrukturalId": "" if p.jenis_jabatan_id != 1 else p.unor_id[:8],
        "jabatanFungsionalId": "",
        "jabatanFungsionalNama": p.jabatan_nama if p.jenis_jabatan_id == 2 else "",
        "jabatanFungsionalUmumId": "",
        "jabatanFungsionalUmumNama": p.jabatan_nama if p.jenis_jabatan_id == 4 else "",
        "tmtJabatan": _d(p.tmt_jabatan),
        "eselon": _eselon_name(p.eselon_id),
        "eselonId": str(p.eselon_id or ""),
        "eselonLevel": str((p.eselon_id or 0) // 10 or ""),
    }


def _rank(world: World, p: SimPegawai) -> dict[str, Any]:
    """Golongan (or PPPK grade), service years, pay and taspen fields of ``data-utama``."""
    found = rank(p.golongan_id) if p.golongan_id else None
    return {
        "golRuangAkhirId": str(p.golongan_id or ""),
        "golRuangAkhir": found.kode if found else (p.pppk_grade or ""),
        "pangkatAkhir": found.pangkat if found else "",
        "tmtGolAkhir": _d(p.tmt_golongan),
        "mkTahun": str(world.today.year - p.tmt_golongan.year),
        "mkBulan": "0",
        "gajiPokok": "-" if p.nip.endswith("7") else "3585000",
        "tglMeninggal": _d(p.tgl_meninggal),
        "tmtPensiun": "",
        "tanggal_taspen": f"{p.tmt_golongan:%Y-%m-%d} 00:00:00",
        "kelas_jabatan": "7",
    }


def ref_unor(world: World, unit: SimUnit) -> dict[str, Any]:
    """One row of ``GET /referensi/ref-unor``."""
    opd = _opd(world, unit)
    return {
        "Id": unit.id,
        "InstansiId": world.instansi_id,
        "DiatasanId": unit.parent_id or "",
        "EselonId": str(unit.eselon_id or ""),
        "NamaUnor": unit.nama,
        "NamaJabatan": unit.nama_jabatan or "",
        "CepatKode": unit.cepat_kode,
        "IndukUnorId": opd.id if opd else "",
        "PemimpinPnsId": unit.pemimpin_pns_id or "",
        "JenisUnorId": unit.jenis_unor_id,
    }


def skp22_rows(p: SimPegawai) -> list[dict[str, Any]]:
    """``rw-skp22`` rows: one annual result per year since 2022 (capitalised keys as SIASN)."""
    rows: list[dict[str, Any]] = []
    for year in range(2022, 2026):
        if p.tmt_golongan.year > year and p.tmt_cpns and p.tmt_cpns.year > year:
            continue
        hasil, perilaku = (2, 2) if (int(p.nip[-1]) + year) % 5 else (1, 1)
        rows.append(
            {
                "id": f"{p.pns_id[:20]}{year}",
                "tahun": str(year),
                "hasilKinerja": "",
                "hasilKinerjaNilai": str(hasil),
                "kuadranKinerja": "",
                "KuadranKinerjaNilai": "1" if hasil == perilaku == 1 else "2",
                "perilakuKerja": "",
                "PerilakuKerjaNilai": str(perilaku),
                "namaPenilai": "",
                "nipNrpPenilai": "",
                "penilaiGolonganId": "",
                "penilaiJabatanNm": "",
                "penilaiUnorNm": "",
                "pnsDinilaiId": p.pns_id,
                "statusPenilai": "ASN",
                "path": {},
            }
        )
    return rows


def _plus_year(value: date | None) -> date | None:
    return value.replace(year=value.year + 1) if value else None


def _eselon_name(eselon_id: int | None) -> str:
    names = {21: "II.a", 22: "II.b", 31: "III.a", 32: "III.b", 41: "IV.a", 42: "IV.b"}
    return names.get(eselon_id or 0, "")


def _opd(world: World, unit: SimUnit | None) -> SimUnit | None:
    while unit is not None and unit.parent_id is not None:
        parent = world.units.get(unit.parent_id)
        if parent is None or parent.parent_id is None:
            return unit
        unit = parent
    return None
