"""Pydantic wire models of SIASN responses, named and typed as the web service sends them."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from connectors.siasn.types import (
    Id64,
    LooseInt,
    SiasnDate,
    Text,
    Text8,
    Text32,
    Text40,
    Text60,
    Text64,
    Text100,
    Text120,
    Text200,
    Text300,
    WireModel,
)


class DataUtama(WireModel):
    """``GET /pns/data-utama/{nip}`` → ``data`` (the main profile)."""

    id: Id64 = Field(alias="id")
    nip_baru: str = Field(alias="nipBaru")
    nip_lama: Text = Field(None, alias="nipLama")
    nama: Text200 = Field(None, alias="nama")
    gelar_depan: Text60 = Field(None, alias="gelarDepan")
    gelar_belakang: Text100 = Field(None, alias="gelarBelakang")
    tempat_lahir: Text100 = Field(None, alias="tempatLahir")
    tgl_lahir: SiasnDate = Field(None, alias="tglLahir")
    jenis_kelamin: Text = Field(None, alias="jenisKelamin")
    email: Text200 = Field(None, alias="email")
    email_gov: Text200 = Field(None, alias="emailGov")
    no_hp: Text40 = Field(None, alias="noHp")
    jenis_pegawai_id: Text = Field(None, alias="jenisPegawaiId")
    jenis_pegawai_nama: Text120 = Field(None, alias="jenisPegawaiNama")
    kedudukan_pns_id: Text = Field(None, alias="kedudukanPnsId")
    kedudukan_pns_nama: Text120 = Field(None, alias="kedudukanPnsNama")
    status_pegawai: Text = Field(None, alias="statusPegawai")
    tmt_cpns: SiasnDate = Field(None, alias="tmtCpns")
    tmt_pns: SiasnDate = Field(None, alias="tmtPns")
    instansi_induk_id: Text = Field(None, alias="instansiIndukId")
    instansi_induk_nama: Text = Field(None, alias="instansiIndukNama")
    instansi_kerja_id: Text64 = Field(None, alias="instansiKerjaId")
    instansi_kerja_nama: Text200 = Field(None, alias="instansiKerjaNama")
    satuan_kerja_kerja_id: Text = Field(None, alias="satuanKerjaKerjaId")
    unor_id: Text64 = Field(None, alias="unorId")
    unor_nama: Text300 = Field(None, alias="unorNama")
    unor_induk_id: Text = Field(None, alias="unorIndukId")
    jenis_jabatan_id: LooseInt = Field(None, alias="jenisJabatanId")
    jenis_jabatan: Text = Field(None, alias="jenisJabatan")
    jabatan_nama: Text300 = Field(None, alias="jabatanNama")
    jabatan_struktural_id: Text = Field(None, alias="jabatanStrukturalId")
    jabatan_fungsional_id: Text = Field(None, alias="jabatanFungsionalId")
    jabatan_fungsional_nama: Text300 = Field(None, alias="jabatanFungsionalNama")
    jabatan_fungsional_umum_id: Text = Field(None, alias="jabatanFungsionalUmumId")
    jabatan_fungsional_umum_nama: Text300 = Field(None, alias="jabatanFungsionalUmumNama")
    tmt_jabatan: SiasnDate = Field(None, alias="tmtJabatan")
    eselon: Text = Field(None, alias="eselon")
    eselon_id: LooseInt = Field(None, alias="eselonId")
    gol_ruang_akhir_id: LooseInt = Field(None, alias="golRuangAkhirId")
    gol_ruang_akhir: Text = Field(None, alias="golRuangAkhir")
    pangkat_akhir: Text = Field(None, alias="pangkatAkhir")
    tmt_gol_akhir: SiasnDate = Field(None, alias="tmtGolAkhir")
    tgl_meninggal: SiasnDate = Field(None, alias="tglMeninggal")
    tmt_pensiun: SiasnDate = Field(None, alias="tmtPensiun")
    tanggal_taspen: SiasnDate = Field(None, alias="tanggal_taspen")
    kelas_jabatan: LooseInt = Field(None, alias="kelas_jabatan")
    mk_tahun: LooseInt = Field(None, alias="mkTahun")
    gaji_pokok: LooseInt = Field(None, alias="gajiPokok")


class RwJabatan(WireModel):
    """One row of ``GET /pns/rw-jabatan/{nip}``."""

    id: str = Field(alias="id")
    id_pns: Text = Field(None, alias="idPns")
    jenis_jabatan: LooseInt = Field(None, alias="jenisJabatan")
    unor_id: Text = Field(None, alias="unorId")
    unor_nama: Text = Field(None, validation_alias=AliasChoices("unorNama", "namaUnor"))
    eselon_id: LooseInt = Field(None, alias="eselonId")
    eselon: Text = Field(None, alias="eselon")
    jabatan_fungsional_nama: Text = Field(None, alias="jabatanFungsionalNama")
    jabatan_fungsional_umum_nama: Text = Field(None, alias="jabatanFungsionalUmumNama")
    nama_jabatan: Text = Field(None, alias="namaJabatan")
    tmt_jabatan: SiasnDate = Field(None, alias="tmtJabatan")
    nomor_sk: Text100 = Field(None, alias="nomorSk")
    tanggal_sk: SiasnDate = Field(None, alias="tanggalSk")
    tmt_pelantikan: SiasnDate = Field(None, alias="tmtPelantikan")


class RwGolongan(WireModel):
    """One row of ``GET /pns/rw-golongan/{nip}``."""

    id: str = Field(alias="id")
    id_pns: Text = Field(None, alias="idPns")
    golongan_id: LooseInt = Field(None, alias="golonganId")
    golongan: Text = Field(None, alias="golongan")
    pangkat: Text = Field(None, alias="pangkat")
    sk_nomor: Text100 = Field(None, alias="skNomor")
    sk_tanggal: SiasnDate = Field(None, alias="skTanggal")
    tmt_golongan: SiasnDate = Field(None, alias="tmtGolongan")
    jenis_kp_id: LooseInt = Field(None, alias="jenisKPId")
    jenis_kp_nama: Text = Field(None, alias="jenisKPNama")
    masa_kerja_golongan_tahun: LooseInt = Field(None, alias="masaKerjaGolonganTahun")
    masa_kerja_golongan_bulan: LooseInt = Field(None, alias="masaKerjaGolonganBulan")


class RwSkp22(WireModel):
    """One row of ``GET /pns/rw-skp22/{nip}`` (note the capitalised ``KuadranKinerjaNilai``)."""

    id: Id64 = Field(alias="id")
    tahun: LooseInt = Field(None, alias="tahun")
    hasil_kinerja_nilai: LooseInt = Field(None, alias="hasilKinerjaNilai")
    perilaku_kerja_nilai: LooseInt = Field(None, alias="PerilakuKerjaNilai")
    kuadran_kinerja_nilai: LooseInt = Field(None, alias="KuadranKinerjaNilai")
    nama_penilai: Text200 = Field(None, alias="namaPenilai")
    nip_nrp_penilai: Text = Field(None, alias="nipNrpPenilai")
    penilai_golongan_id: LooseInt = Field(None, alias="penilaiGolonganId")
    penilai_jabatan_nm: Text300 = Field(None, alias="penilaiJabatanNm")
    penilai_unor_nm: Text300 = Field(None, alias="penilaiUnorNm")
    pns_dinilai_id: Text = Field(None, alias="pnsDinilaiId")
    status_penilai: Text = Field(None, alias="statusPenilai")


class RwKinerjaPeriodik(WireModel):
    """One row of ``GET /pns/rw-kinerjaperiodik/{nip}`` (``koefisenId`` is SIASN's spelling)."""

    id: Id64 = Field(alias="id")
    tahun: LooseInt = Field(None, alias="tahun")
    hasil_kinerja_nilai: LooseInt = Field(None, alias="hasilKinerjaNilai")
    perilaku_kerja_nilai: LooseInt = Field(None, alias="perilakuKerjaNilai")
    kuadran_kinerja_nilai: LooseInt = Field(None, alias="kuadranKinerjaNilai")
    koefisien_id: Text8 = Field(None, validation_alias=AliasChoices("koefisenId", "koefisienId"))
    periodik_id: LooseInt = Field(None, alias="periodikId")
    periodik_nama: Text = Field(None, alias="periodikNama")
    bulan_mulai_penilaian: LooseInt = Field(None, alias="bulanMulaiPenilaian")
    bulan_selesai_penilaian: LooseInt = Field(None, alias="bulanSelesaiPenilaian")
    penilai_nip_nrp: Text = Field(None, alias="penilaiNipNrp")
    nama_penilai: Text200 = Field(None, alias="namaPenilai")
    penilai_golongan_id: LooseInt = Field(None, alias="penilaiGolonganId")
    penilai_jabatan_nama: Text300 = Field(None, alias="penilaiJabatanNama")
    penilai_unor_nm: Text300 = Field(None, alias="penilaiUnorNm")
    pns_dinilai_id: Text = Field(None, alias="pnsDinilaiId")
    status_penilai: Text = Field(None, alias="statusPenilai")


class RefUnor(WireModel):
    """One row of ``GET /referensi/ref-unor`` (PascalCase keys; empty ``DiatasanId`` at root)."""

    id: Id64 = Field(alias="Id")
    instansi_id: Text64 = Field(None, alias="InstansiId")
    diatasan_id: Text64 = Field(None, alias="DiatasanId")
    eselon_id: LooseInt = Field(None, alias="EselonId")
    nama_unor: Text300 = Field(None, alias="NamaUnor")
    nama_jabatan: Text300 = Field(None, alias="NamaJabatan")
    cepat_kode: Text64 = Field(None, alias="CepatKode")
    induk_unor_id: Text = Field(None, alias="IndukUnorId")
    pemimpin_pns_id: Text64 = Field(None, alias="PemimpinPnsId")
    jenis_unor_id: Text32 = Field(None, alias="JenisUnorId")


class SaveModel(BaseModel):
    """Base of SIASN write bodies: field names as SIASN spells them on writes (``by_alias``)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="forbid")

    def body(self) -> dict[str, Any]:
        """The JSON body to POST (write-side names, e.g. ``penilaiNama``, not ``namaPenilai``)."""
        return self.model_dump(by_alias=True, mode="json")


class Skp22Save(SaveModel):
    """``POST /skp22/save``: an annual result (2022+); note the write names differ from reads."""

    id: str | None = Field(None, alias="id")
    tahun: int = Field(alias="tahun", ge=2022, le=2100)
    hasil_kinerja_nilai: int = Field(alias="hasilKinerjaNilai", ge=1, le=3)
    perilaku_kerja_nilai: int = Field(alias="perilakuKerjaNilai", ge=1, le=3)
    kuadran_kinerja_nilai: int = Field(alias="kuadranKinerjaNilai", ge=1, le=5)
    pns_dinilai_orang: str = Field(alias="pnsDinilaiOrang", min_length=1, max_length=64)
    penilai_nip_nrp: str | None = Field(None, alias="penilaiNipNrp", max_length=18)
    penilai_nama: str | None = Field(None, alias="penilaiNama", max_length=200)
    penilai_jabatan: str | None = Field(None, alias="penilaiJabatan", max_length=300)
    penilai_golongan: str | None = Field(None, alias="penilaiGolongan", max_length=8)
    penilai_unor_nama: str | None = Field(None, alias="penilaiUnorNama", max_length=300)
    status_penilai: str = Field("ASN", alias="statusPenilai", pattern=r"^(ASN|NON ASN)$")
    path: list[dict[str, Any]] = Field(default_factory=list, alias="path")


class KinerjaPeriodikSave(SaveModel):
    """``POST /kinerjaperiodik/save``: a periodic (monthly / quarterly) rating."""

    id: str | None = Field(None, alias="id")
    pns_dinilai_id: str = Field(alias="pnsDinilaiId", min_length=1, max_length=64)
    tahun: int = Field(alias="tahun", ge=2022, le=2100)
    tahun_mulai_penilaian: int = Field(alias="tahunMulaiPenilaian", ge=2022, le=2100)
    tahun_selesai_penilaian: int = Field(alias="tahunSelesaiPenilaian", ge=2022, le=2100)
    bulan_mulai_penilaian: int = Field(alias="bulanMulaiPenilaian", ge=1, le=12)
    bulan_selesai_penilaian: int = Field(alias="bulanSelesaiPenilaian", ge=1, le=12)
    periodik_id: str = Field(alias="periodikId", pattern=r"^[12]$")  # 1 bulanan, 2 triwulan
    koefisien_id: str | None = Field(None, alias="koefisienId", max_length=8)
    hasil_kinerja_nilai: int = Field(alias="hasilKinerjaNilai", ge=1, le=3)
    perilaku_kerja_nilai: int = Field(alias="perilakuKerjaNilai", ge=1, le=3)
    kuadran_kinerja_nilai: int = Field(alias="kuadranKinerjaNilai", ge=1, le=5)
    penilai_nip_nrp: str | None = Field(None, alias="penilaiNipNrp", max_length=18)
    penilai_nama: str | None = Field(None, alias="penilaiNama", max_length=200)
    penilai_jabatan_nama: str | None = Field(None, alias="penilaiJabatanNama", max_length=300)
    penilai_golongan: str | None = Field(None, alias="penilaiGolongan", max_length=8)
    penilai_unor_nama: str | None = Field(None, alias="penilaiUnorNama", max_length=300)
    status_penilai: str = Field("ASN", alias="statusPenilai", pattern=r"^(ASN|NON ASN)$")
    path: list[dict[str, Any]] = Field(default_factory=list, alias="path")
