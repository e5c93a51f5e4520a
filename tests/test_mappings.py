"""Pure mappings: ranks, NIP, positions, predikat, unit tree, supervisors, three-way merge."""

from __future__ import annotations

from datetime import date

import pytest

from mappings.nip import NipError, check_nip, decode_nip, format_nip, normalize_nip
from mappings.positions import may_claim_unit, split_fungsional
from mappings.predikat import KUADRAN, kuadran, parse_rating
from mappings.ranks import RankError, parse_golongan
from mappings.supervisors import derive_supervisor
from mappings.units import UnitRecord, UnitTree
from sync.merge import Decision, merge_field


@pytest.mark.parametrize("text", ["III/c", "III c", "3c", "IIIc", "iii-c", "33", 33, " III / c "])
def test_golongan_variants(text: str | int) -> None:
    """Every spelling of III/c reads as id 33, Penata."""
    rank = parse_golongan(text)
    assert (rank.kode, rank.id, rank.pangkat) == ("III/c", 33, "Penata")


def test_golongan_table_edges_and_pppk() -> None:
    """I/a and IV/e exist; IV/e is Pembina Utama; PPPK grades are Roman I..XVII."""
    assert parse_golongan("1a").pangkat == "Juru Muda"
    assert parse_golongan("IV/e").pangkat == "Pembina Utama"
    pppk = parse_golongan("IX")
    assert pppk.pppk and pppk.id is None
    for bad in ("III/f", "5a", "XVIII", "", "46"):
        with pytest.raises(RankError):
            parse_golongan(bad)


def test_nip_normalize_decode_and_format() -> None:
    """Spaces are tolerated; the fields decode; display groups 8-6-1-3."""
    nip = normalize_nip("19860926 201505 1 001")
    info = decode_nip(nip)
    assert (info.tanggal_lahir, info.tahun_pengangkatan, info.bulan_pengangkatan) == (
        date(1986, 9, 26),
        2015,
        5,
    )
    assert info.jenis_kelamin == "L" and info.urutan == 1
    assert format_nip(nip) == "19860926 201505 1 001"
    with pytest.raises(NipError, match="18 digit"):
        normalize_nip("1986092620150510")


def test_nip_checked_against_record() -> None:
    """Birth date, gender and TMT CPNS mismatches are each warned about."""
    nip = "198609262015051001"
    assert check_nip(nip, tanggal_lahir=date(1986, 9, 26), jenis_kelamin="L", tmt_cpns=date(2015, 5, 1)) == []
    codes = {
        n.code
        for n in check_nip(nip, tanggal_lahir=date(1986, 9, 27), jenis_kelamin="P", tmt_cpns=date(2016, 1, 1))
    }
    assert codes == {
        "nip_tidak_cocok_tanggal_lahir",
        "nip_tidak_cocok_jenis_kelamin",
        "nip_tidak_cocok_tmt_cpns",
    }


def test_ni_pppk_code_is_not_a_month() -> None:
    """NI PPPK digits 13-14 are a code (24), not a month: no TMT warning, no month decoded."""
    nip = "199009132025242014"
    assert decode_nip(nip, pppk=True).bulan_pengangkatan is None
    assert check_nip(nip, tanggal_lahir=date(1990, 9, 13), jenis_kelamin="P", tmt_cpns=None, pppk=True) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Guru Ahli Muda", ("Guru", "Ahli Muda")),
        ("Analis Kebijakan Ahli Madya", ("Analis Kebijakan", "Ahli Madya")),
        ("Perawat Terampil", ("Perawat", "Terampil")),
        ("Pengadministrasi Perkantoran", ("Pengadministrasi Perkantoran", None)),
    ],
)
def test_split_fungsional(name: str, expected: tuple[str, str | None]) -> None:
    """Fungsional names split into jabatan and jenjang."""
    assert split_fungsional(name) == expected


def test_only_eselon_ii_to_iv_structurals_may_claim() -> None:
    """Klaim Pimpinan Unit Kerja: structural eselon II-IV only."""
    assert may_claim_unit(1, 21) and may_claim_unit(1, 42)
    assert not may_claim_unit(1, 11) and not may_claim_unit(4, None) and not may_claim_unit(2, 41)


def test_predikat_matrix_matches_permenpanrb() -> None:
    """The 9 cells of the reviewed matrix (domain §2.8), including hasil di atas + perilaku
    di bawah = Kurang (4), which a public client gets wrong as 3."""
    assert KUADRAN == {
        (1, 1): 1,
        (1, 2): 2,
        (1, 3): 4,
        (2, 1): 2,
        (2, 2): 2,
        (2, 3): 4,
        (3, 1): 3,
        (3, 2): 3,
        (3, 3): 5,
    }
    assert kuadran(1, 3) == 4
    assert parse_rating("DIATAS ESPEKTASI") == 1 and parse_rating("Sesuai Ekspetasi") == 2
    assert parse_rating("Di bawah ekspektasi") == 3
    with pytest.raises(ValueError):
        kuadran(0, 1)


def _tree() -> UnitTree:
    return UnitTree(
        [
            UnitRecord("ROOT", "Pemerintah Provinsi", None),
            UnitRecord("DINAS", "Dinas Pendidikan", "ROOT", 21, pemimpin_pns_id="KADIS"),
            UnitRecord("BIDANG", "Bidang Pembinaan", "DINAS", 31, pemimpin_pns_id=None),
            UnitRecord("SEKSI", "Seksi Kurikulum", "BIDANG", 41, pemimpin_pns_id="KASI"),
            UnitRecord("CABANG", "Cabang Dinas Wilayah 1", "DINAS", 32, pemimpin_pns_id="KACAB"),
            UnitRecord("SMA1", "SMA Negeri 1 Medan", "CABANG", None, pemimpin_pns_id="KEPSEK"),
            UnitRecord("ORPHAN", "Unit Yatim", "GONE", 41),
        ]
    )


@pytest.mark.parametrize(
    ("pns_id", "unit", "atasan", "reason"),
    [
        ("STAFF", "SEKSI", "KASI", "kepala_unor"),
        ("KASI", "SEKSI", "KADIS", "kepala_unor_atas"),  # Kabid vacant: skip to Kadis
        ("STAFF", "BIDANG", "KADIS", "kepala_unor_atas"),  # vacant post
        ("GURU", "SMA1", "KEPSEK", "kepala_unor"),  # teacher -> principal
        ("KEPSEK", "SMA1", "KADIS", "kepala_sekolah_ke_kepala_dinas"),
        ("KADIS", "DINAS", None, "atasan_kepala_daerah"),
        ("STAFF", "NOWHERE", None, "unor_tidak_dikenal"),
        ("STAFF", "ORPHAN", None, "atasan_tidak_ditemukan"),
    ],
)
def test_supervisor_rules(pns_id: str, unit: str, atasan: str | None, reason: str) -> None:
    """Head of one's unit, else the nearest ancestor head; principal -> Kepala Dinas."""
    tree = _tree()
    heads = {u.id: u.pemimpin_pns_id for u in tree.units.values() if u.pemimpin_pns_id}
    result = derive_supervisor(pns_id, unit, tree, heads)
    assert (result.atasan_pns_id, result.reason) == (atasan, reason)
    assert (result.notice is None) == (atasan is not None)


def test_unit_tree_queries() -> None:
    """Smallest-unit check, OPD lookup, orphans and cycle detection."""
    tree = _tree()
    assert tree.is_smallest("SEKSI") and not tree.is_smallest("BIDANG")
    opd = tree.opd_of("SMA1")
    assert opd is not None and opd.id == "DINAS"
    assert [u.id for u in tree.orphans()] == ["ORPHAN"]
    cyclic = UnitTree([UnitRecord("A", "A", "B"), UnitRecord("B", "B", "A")])
    assert sorted(cyclic.cycles()) == ["A", "B"]
    assert next(iter(cyclic.ancestors("A"))).id == "B"


@pytest.mark.parametrize(
    ("field", "base", "local", "remote", "has_base", "decision"),
    [
        ("golongan", "III/a", "III/a", "III/a", True, Decision.UNCHANGED),
        ("golongan", "III/a", "III/a", "III/b", True, Decision.APPLY_REMOTE),
        ("golongan", "III/a", "III/b", "III/a", True, Decision.KEEP_LOCAL),
        ("golongan", "III/a", "III/b", "III/b", True, Decision.CONVERGED),
        ("golongan", "III/a", "III/b", "III/c", True, Decision.CONFLICT),
        ("nama", "ANI", "ANNI", "ANI S", True, Decision.APPLY_REMOTE),  # SIASN-owned: no conflict
        ("golongan", None, None, "III/a", False, Decision.APPLY_REMOTE),  # first receipt
        ("golongan", None, "III/b", "III/a", False, Decision.CONFLICT),  # never synced, differs
    ],
)
def test_three_way_merge_table(
    field: str, base: str | None, local: str | None, remote: str | None, has_base: bool, decision: Decision
) -> None:
    """Each case of DESIGN §6, per field and authority."""
    assert merge_field(field, base, local, remote, has_base=has_base).decision is decision
