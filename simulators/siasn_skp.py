"""SIASN's SKP riwayat in the simulator: ``rw-skp22`` / ``rw-kinerjaperiodik`` and their saves.

Teachers' periodic ratings of 2025 are already in SIASN (they came from Ruang GTK through BKN's
e-Kinerja), rated by their principal; ``skp22/save`` and ``kinerjaperiodik/save`` append rows
and answer ``mapData`` with the new id, read back with the read-side field names (which differ
from the write names, reference §1.5). A save carrying the ``id`` of a row the person already has
updates that row in place (same id); an unknown ``id`` is refused. ``drop_after_save`` makes the
next saves commit and then drop the connection before answering, so a client cannot know whether
its POST landed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from simulators.dataset import SimPegawai, World
from simulators.payloads import skp22_rows

KUADRAN = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 4,
    (2, 1): 2,
    (2, 2): 2,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 3,
    (3, 3): 5,
}  # PermenPANRB 6/2022, simulator's own copy
RATING_NAMES = {1: "DIATAS ESPEKTASI", 2: "SESUAI ESPEKTASI", 3: "DIBAWAH ESPEKTASI"}
KUADRAN_NAMES = {1: "SANGAT BAIK", 2: "BAIK", 3: "BUTUH PERBAIKAN", 4: "KURANG", 5: "SANGAT KURANG"}
PERIODIK_NAMES = {"1": "Bulanan", "2": "Triwulan"}
REQUIRED = {
    "skp22": ("tahun", "hasilKinerjaNilai", "perilakuKerjaNilai", "kuadranKinerjaNilai", "pnsDinilaiOrang"),
    "kinerjaperiodik": (
        "tahun",
        "bulanMulaiPenilaian",
        "bulanSelesaiPenilaian",
        "periodikId",
        "hasilKinerjaNilai",
        "perilakuKerjaNilai",
        "kuadranKinerjaNilai",
        "pnsDinilaiId",
    ),
}


class SkpRiwayat:
    """The SKP rows SIASN holds per PNS id, generated ones first, then saved ones."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.saved_skp22: dict[str, list[dict[str, Any]]] = {}
        self.saved_periodik: dict[str, list[dict[str, Any]]] = {}
        self.replaced: dict[str, dict[str, Any]] = {}  # generated rows updated by a save
        self.drop_after_save = 0
        self.saves = 0

    def kinerjaperiodik_rows(self, person: SimPegawai) -> list[dict[str, Any]]:
        """``rw-kinerjaperiodik``: a teacher's 2025 quarters (from Ruang GTK) and saved rows."""
        rows = _teacher_quarters(self.world, person) if person.nuptk else []
        rows = [self.replaced.get(row["id"], row) for row in rows]
        return rows + self.saved_periodik.get(person.pns_id, [])

    def skp22_saved(self, person: SimPegawai) -> list[dict[str, Any]]:
        """``rw-skp22`` rows created through ``skp22/save``."""
        return self.saved_skp22.get(person.pns_id, [])

    def skp22_rows(self, person: SimPegawai) -> list[dict[str, Any]]:
        """``rw-skp22``: the generated annual results (as updated by saves), then saved rows."""
        rows = [self.replaced.get(row["id"], row) for row in skp22_rows(person)]
        return rows + self.skp22_saved(person)

    def save(self, kind: str, body: Any) -> tuple[int, dict[str, Any]]:
        """Validate and store one save; (HTTP status, JSON answer)."""
        problem = _problem(kind, body)
        pns_key = "pnsDinilaiOrang" if kind == "skp22" else "pnsDinilaiId"
        person = self.world.by_pns_id(str(body.get(pns_key))) if problem is None else None
        if problem is None and person is None:
            problem = f"PNS dengan id {body.get(pns_key)} tidak ditemukan"
        if problem is not None or person is None:
            return 400, {"success": False, "Error": "true", "Message": problem or "PNS tidak ada"}
        self.saves += 1
        if body.get("id"):
            return self._update(kind, person, body)
        row_id = hashlib.sha256(f"{kind}:{self.saves}:{person.pns_id}".encode()).hexdigest()[:32]
        if kind == "skp22":
            self.saved_skp22.setdefault(person.pns_id, []).append(_skp22_row(row_id, body))
            return 200, {"success": True, "message": "Data berhasil disimpan", "mapData": {"rwSkpId": row_id}}
        self.saved_periodik.setdefault(person.pns_id, []).append(periodik_row(row_id, person, body))
        return 200, {
            "success": True,
            "message": "Data berhasil disimpan",
            "mapData": {"rwKinerjaPeriodikId": row_id},
        }

    def _update(self, kind: str, person: SimPegawai, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Overwrite the person's row ``body["id"]`` (answering with the same id)."""
        row_id = str(body["id"])
        saved = (self.saved_skp22 if kind == "skp22" else self.saved_periodik).get(person.pns_id, [])
        new = _skp22_row(row_id, body) if kind == "skp22" else periodik_row(row_id, person, body)
        key = "rwSkpId" if kind == "skp22" else "rwKinerjaPeriodikId"
        for index, row in enumerate(saved):
            if row["id"] == row_id:
                saved[index] = new
                return 200, {"success": True, "message": "Data berhasil diubah", "mapData": {key: row_id}}
        generated = skp22_rows(person) if kind == "skp22" else _teacher_quarters(self.world, person)
        if any(row["id"] == row_id for row in generated):
            self.replaced[row_id] = new
            return 200, {"success": True, "message": "Data berhasil diubah", "mapData": {key: row_id}}
        return 400, {"success": False, "Error": "true", "Message": f"data dengan id {row_id} tidak ditemukan"}


def _problem(kind: str, body: Any) -> str | None:
    if not isinstance(body, dict):
        return "body harus objek JSON"
    missing = [k for k in REQUIRED[kind] if body.get(k) in (None, "")]
    if missing:
        return f"field wajib kosong: {', '.join(missing)}"
    try:
        hasil, perilaku = int(body["hasilKinerjaNilai"]), int(body["perilakuKerjaNilai"])
        kuadran, tahun = int(body["kuadranKinerjaNilai"]), int(body["tahun"])
        months = [
            int(body[k])
            for k in ("bulanMulaiPenilaian", "bulanSelesaiPenilaian")
            if kind == "kinerjaperiodik"
        ]
    except (TypeError, ValueError):
        return "tahun, bulan dan nilai kinerja harus angka"
    if not 2000 <= tahun <= 2100 or any(not 1 <= m <= 12 for m in months):
        return "tahun atau bulan penilaian di luar rentang"
    if hasil not in (1, 2, 3) or perilaku not in (1, 2, 3) or kuadran not in KUADRAN_NAMES:
        return "nilai kinerja di luar referensi"
    if kind == "kinerjaperiodik" and str(body["periodikId"]) not in PERIODIK_NAMES:
        return "periodikId tidak dikenal"
    return None


def _skp22_row(row_id: str, body: dict[str, Any]) -> dict[str, Any]:
    hasil, perilaku = int(body["hasilKinerjaNilai"]), int(body["perilakuKerjaNilai"])
    kuadran = int(body["kuadranKinerjaNilai"])
    return {  # read-side names: namaPenilai, nipNrpPenilai, penilaiJabatanNm, ...
        "id": row_id,
        "tahun": str(body["tahun"]),
        "hasilKinerja": RATING_NAMES[hasil],
        "hasilKinerjaNilai": str(hasil),
        "kuadranKinerja": KUADRAN_NAMES[kuadran],
        "KuadranKinerjaNilai": str(kuadran),
        "perilakuKerja": RATING_NAMES[perilaku],
        "PerilakuKerjaNilai": str(perilaku),
        "namaPenilai": body.get("penilaiNama") or "",
        "nipNrpPenilai": body.get("penilaiNipNrp") or "",
        "penilaiGolonganId": str(body.get("penilaiGolongan") or ""),
        "penilaiJabatanNm": body.get("penilaiJabatan") or "",
        "penilaiUnorNm": body.get("penilaiUnorNama") or "",
        "pnsDinilaiId": body["pnsDinilaiOrang"],
        "statusPenilai": body.get("statusPenilai") or "",
        "path": {},
    }


def periodik_row(row_id: str, person: SimPegawai, body: dict[str, Any]) -> dict[str, Any]:
    """The ``rw-kinerjaperiodik`` row SIASN shows for a saved evaluation ``body``."""
    hasil, perilaku = int(body["hasilKinerjaNilai"]), int(body["perilakuKerjaNilai"])
    kuadran = int(body["kuadranKinerjaNilai"])
    periodik = str(body["periodikId"])
    return {
        "id": row_id,
        "tahun": str(body["tahun"]),
        "nip": person.nip,
        "nama": person.nama,
        "hasilKinerja": RATING_NAMES[hasil],
        "hasilKinerjaNilai": str(hasil),
        "perilakuKerja": RATING_NAMES[perilaku],
        "perilakuKerjaNilai": str(perilaku),
        "kuadranKinerjaNilai": str(kuadran),
        "kuadranNilai": KUADRAN_NAMES[kuadran],
        "koefisenId": str(body.get("koefisienId") or ""),
        "periodikId": periodik,
        "periodikNama": PERIODIK_NAMES[periodik],
        "bulanMulaiPenilaian": str(body["bulanMulaiPenilaian"]),
        "bulanSelesaiPenilaian": str(body["bulanSelesaiPenilaian"]),
        "namaPenilai": body.get("penilaiNama") or "",
        "penilaiGolonganId": str(body.get("penilaiGolongan") or ""),
        "penilaiJabatanNama": body.get("penilaiJabatanNama") or "",
        "penilaiNipNrp": body.get("penilaiNipNrp") or "",
        "penilaiPnsId": "",
        "penilaiUnorNm": body.get("penilaiUnorNama") or "",
        "pnsDinilaiId": person.pns_id,
        "statusPenilai": body.get("statusPenilai") or "",
        "unorId": person.unor_id,
        "path": {},
    }


def _teacher_quarters(world: World, person: SimPegawai) -> list[dict[str, Any]]:
    unit = world.units.get(person.unor_id)
    head = world.by_pns_id(unit.pemimpin_pns_id) if unit and unit.pemimpin_pns_id else None
    if head is None or head.pns_id == person.pns_id:
        return []  # principals are rated by the Kepala Dinas in their own flow
    rows = []
    for quarter in range(1, 5):
        digest = int(hashlib.sha256(f"{person.nip}:2025:{quarter}".encode()).hexdigest(), 16)
        hasil, perilaku = (2, 2) if digest % 6 else (1, 2)
        rows.append(
            periodik_row(
                f"{person.pns_id[:24]}TW{quarter}2025",
                person,
                {
                    "tahun": 2025,
                    "bulanMulaiPenilaian": quarter * 3 - 2,
                    "bulanSelesaiPenilaian": quarter * 3,
                    "periodikId": "2",
                    "hasilKinerjaNilai": hasil,
                    "perilakuKerjaNilai": perilaku,
                    "kuadranKinerjaNilai": KUADRAN[(hasil, perilaku)],
                    "penilaiNama": head.nama,
                    "penilaiNipNrp": head.nip,
                    "penilaiJabatanNama": head.jabatan_nama,
                    "penilaiGolongan": head.golongan_id or "",
                    "penilaiUnorNama": unit.nama if unit else "",
                    "statusPenilai": "ASN",
                },
            )
        )
    return rows
