"""The SIASN "Export Data ASN" CSV an operator downloads: semicolons, a BOM, NIP BARU column."""

from __future__ import annotations

import csv
import io

from simulators.dataset import World


def export_data_asn(world: World) -> bytes:
    """The CSV of every employee of the simulated instansi."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["NIP BARU", "NIP LAMA", "NAMA", "GOL AKHIR", "JABATAN NAMA", "UNOR NAMA"])
    for person in world.pegawai.values():
        unit = world.units.get(person.unor_id)
        writer.writerow(
            [
                f"'{person.nip}",
                "",
                person.nama,
                person.pppk_grade or "",
                person.jabatan_nama,
                unit.nama if unit else "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
