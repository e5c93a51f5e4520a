"""Hostile input by property (issue 17.3): every SIASN and PMM wire model, served by a fake
upstream as generated bodies (plausible, malformed, or junk), either parses or raises one of our
upstream error types; every mapping fed with what parsed raises only its own typed errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretStr, ValidationError

from connectors.errors import UpstreamError
from connectors.factory import HttpOptions, RetryPolicy, build_async_client
from connectors.myasn.sso import SuppliedSsoToken
from connectors.pmm.auth import PmmToken
from connectors.pmm.client import PmmClient
from connectors.pmm.models import Periode, PmmResult
from connectors.siasn.auth import ApimToken
from connectors.siasn.client import SiasnClient
from connectors.siasn.models import DataUtama, RefUnor, RwGolongan, RwJabatan, RwKinerjaPeriodik, RwSkp22
from mappings import periode as periods
from mappings.limits import LimitError, PegawaiChanges, check_changes
from mappings.nip import NipError, normalize_nip
from mappings.pegawai import map_data_utama
from mappings.periode import PeriodeError
from mappings.positions import eselon_of, is_structural, jenis_jabatan_nama, split_fungsional
from mappings.predikat import parse_predikat, parse_rating
from mappings.ranks import RankError, parse_golongan
from mappings.skp import map_pmm_result, map_rw_kinerjaperiodik, map_rw_skp22
from mappings.skp_siasn import find_remote
from mappings.supervisors import derive_supervisor
from mappings.units import UnitTree, unit_from_ref
from store.models import Base
from tests.hostile import HOSTILE_SCALARS, JUNK, payload

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
API = "https://siasn.test/apisiasn/1.0"
PMM = "https://pmm.test"
NIP = "199009132025242014"
SSO = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln"  # exp in 2100
NO_RETRY = RetryPolicy(attempts=1, base_delay=0.0, max_delay=0.0)
ENDPOINTS: dict[str, tuple[type[BaseModel], Callable[[SiasnClient], Awaitable[Any]]]] = {
    "data-utama": (DataUtama, lambda c: c.data_utama(NIP)),
    "rw-jabatan": (RwJabatan, lambda c: c.rw_jabatan(NIP)),
    "rw-golongan": (RwGolongan, lambda c: c.rw_golongan(NIP)),
    "rw-skp22": (RwSkp22, lambda c: c.rw_skp22(NIP)),
    "rw-kinerjaperiodik": (RwKinerjaPeriodik, lambda c: c.rw_kinerjaperiodik(NIP)),
    "ref-unor": (RefUnor, lambda c: c.ref_unor()),
}


@st.composite
def siasn_body(draw: st.DrawFn, model: type[BaseModel], single: bool) -> tuple[int, bytes]:
    """(status, body) of a SIASN answer: an envelope of generated rows, or something else."""
    rows = payload(model)
    data = draw(rows if single else st.one_of(st.lists(rows, max_size=3), JUNK))
    envelope = {"code": draw(st.sampled_from([1, 1, 1, "1", 0, None, "x"])), "data": data}
    body = draw(st.one_of(st.just(envelope), st.just(envelope), JUNK))
    status = draw(st.sampled_from([200, 200, 200, 400, 401, 404, 429, 500, 503]))
    raw = json.dumps(body).encode()
    if draw(st.integers(0, 7)) == 0:  # cut short, or not JSON at all
        raw = draw(st.sampled_from([raw[: len(raw) // 2], b"<html>502 Bad Gateway</html>", b"\xff\xfe"]))
    return status, raw


def serve(status: int, raw: bytes) -> httpx.MockTransport:
    """A transport answering every token request with a token and every other one with ``raw``."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
        return httpx.Response(status, content=raw, headers={"content-type": "application/json"})

    return httpx.MockTransport(handle)


def with_siasn(transport: httpx.MockTransport, action: Callable[[SiasnClient], Awaitable[T]]) -> T:
    """Run ``action`` with a SIASN client on ``transport`` (one page of up to 500 units)."""

    async def go() -> T:
        http = build_async_client(HttpOptions(), base_url=API, transport=transport)
        apim = ApimToken(
            http,
            token_url="https://siasn.test/oauth2/token",
            consumer_key="key",
            consumer_secret=SecretStr("secret"),
            retry=NO_RETRY,
        )
        client = SiasnClient(http, apim=apim, sso=SuppliedSsoToken(SecretStr(SSO)), retry=NO_RETRY)
        try:
            return await action(client)
        finally:
            await http.aclose()

    return asyncio.run(go())


def outcome(action: Callable[[], T]) -> T | UpstreamError:
    """What ``action`` returned, or the upstream error it raised (anything else propagates)."""
    try:
        return action()
    except UpstreamError as exc:
        return exc


@given(name=st.sampled_from(sorted(ENDPOINTS)), data=st.data())
@example(name="rw-skp22", data=None).via("a numeric string too long for a float (found by this test)")
def test_siasn_endpoints_raise_only_upstream_errors(name: str, data: st.DataObject | None) -> None:
    """Every SIASN read returns its models or raises an ``UpstreamError``, whatever the body."""
    model, call = ENDPOINTS[name]
    if data is None:  # the regression: "tahun": "111...1" (400 digits) raised OverflowError
        status, raw = 200, json.dumps({"code": 1, "data": [{"id": "1", "tahun": "1" * 400}]}).encode()
    else:
        status, raw = data.draw(siasn_body(model, single=name == "data-utama"), label="answer")
    result = outcome(lambda: with_siasn(serve(status, raw), call))
    if not isinstance(result, UpstreamError):
        rows = result if isinstance(result, list) else [result]
        assert all(row is None or isinstance(row, model) for row in rows)


def parsed(model: type[M], raw: Any) -> M | None:
    """``raw`` as ``model`` when it validates (what the client would hand on), else None."""
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


@given(raw=payload(DataUtama))
@example(raw={"id": "1", "nipBaru": "12"}).via("a short NIP made decode_nip raise ValueError")
def test_data_utama_mapping_never_raises(raw: Any) -> None:
    """Whatever data-utama validated maps to a record with notices; nothing is raised."""
    data = parsed(DataUtama, raw)
    if data is not None:
        record, notices = map_data_utama(data)
        assert record.pns_id == data.id and all(n.code and n.text for n in notices)
        json.dumps(record.values())


@given(
    raws=st.lists(payload(RefUnor), max_size=8),
    heads=st.dictionaries(st.text(max_size=4), st.text(max_size=4)),
)
def test_unit_tree_mapping_never_raises(raws: list[Any], heads: dict[str, str]) -> None:
    """Any ref-unor rows build a tree whose walks end (orphans, cycles) and derive supervisors."""
    units = [unit_from_ref(row) for row in (parsed(RefUnor, raw) for raw in raws) if row is not None]
    tree = UnitTree(units)
    tree.cycles(), tree.orphans()
    for unit in units:
        list(tree.ancestors(unit.id))
        tree.opd_of(unit.id)
        derive_supervisor("pns", unit.id, tree, {**heads, unit.id: unit.pemimpin_pns_id or "x"})


@given(
    skp=st.lists(payload(RwSkp22), max_size=3),
    periodik=st.lists(payload(RwKinerjaPeriodik), max_size=3),
)
def test_skp_rows_map_or_raise_a_periode_error(skp: list[Any], periodik: list[Any]) -> None:
    """rw-skp22 and rw-kinerjaperiodik rows map to SKP records or raise ``PeriodeError`` only."""
    rows: list[RwSkp22 | RwKinerjaPeriodik] = [r for r in (parsed(RwSkp22, x) for x in skp) if r]
    rows += [r for r in (parsed(RwKinerjaPeriodik, x) for x in periodik) if r is not None]
    for row in rows:
        try:
            record = map_rw_skp22(row, NIP) if isinstance(row, RwSkp22) else map_rw_kinerjaperiodik(row, NIP)
        except PeriodeError:
            continue
        evaluasi = record.evaluasi[0]
        assert evaluasi.siasn_id == row.id
        find_remote(evaluasi, rows)


@given(golongan=st.lists(payload(RwGolongan), max_size=3), jabatan=st.lists(payload(RwJabatan), max_size=3))
def test_riwayat_rows_map_or_raise_their_own_errors(golongan: list[Any], jabatan: list[Any]) -> None:
    """Riwayat values read as ranks and positions raise only ``RankError``; positions never."""
    for row in (parsed(RwGolongan, x) for x in golongan):
        for value in (row.golongan_id, row.golongan) if row is not None else ():
            if value is not None:
                with contextlib.suppress(RankError):
                    parse_golongan(value)
    for item in (parsed(RwJabatan, x) for x in jabatan):
        if item is not None:
            eselon_of(item.eselon_id), jenis_jabatan_nama(item.jenis_jabatan)
            split_fungsional(item.nama_jabatan or item.jabatan_fungsional_nama or "")
            is_structural(item.jenis_jabatan, item.eselon_id)


@given(text=st.one_of(HOSTILE_SCALARS, st.text(max_size=40)))
@example(text="²").via("a superscript digit: isdigit() but not int() (parse_golongan raised ValueError)")
@example(text="9" * 5000).via("more digits than int() converts")
def test_text_parsers_raise_only_their_typed_errors(text: Any) -> None:
    """NIP, rank, period label, rating and predikat parsers raise only their own errors."""
    value = text if isinstance(text, str) else str(text)
    for parse, errors in (
        (normalize_nip, (NipError,)),
        (parse_golongan, (RankError,)),
        (periods.parse_label, (PeriodeError,)),
        (parse_rating, (ValueError,)),  # documented: a plain ValueError names the bad rating
        (parse_predikat, (ValueError,)),
    ):
        with contextlib.suppress(*errors):
            parse(value)


@given(changes=st.dictionaries(st.sampled_from(list(PegawaiChanges.model_fields)), JUNK, max_size=4))
def test_edit_limits_refuse_with_limit_error_only(changes: dict[str, Any]) -> None:
    """An edit of junk values is accepted or refused as ``LimitError`` (no value echoed)."""
    try:
        check_changes(changes)
    except LimitError as exc:
        assert all(p.message for p in exc.problems)


@st.composite
def pmm_body(draw: st.DrawFn, model: type[BaseModel]) -> tuple[int, bytes]:
    """(status, body) of a PMM page: ``data`` of generated rows and a cursor, or something else."""
    page = {
        "data": draw(st.one_of(st.lists(payload(model), max_size=3), JUNK)),
        "next_cursor": draw(st.one_of(st.none(), st.text(max_size=8), JUNK)),
    }
    body = draw(st.one_of(st.just(page), st.just(page), JUNK))
    status = draw(st.sampled_from([200, 200, 200, 400, 401, 404, 429, 500]))
    return status, json.dumps(body).encode()


def with_pmm(transport: httpx.MockTransport, action: Callable[[PmmClient], Awaitable[T]]) -> T:
    """Run ``action`` with a PMM client on ``transport``."""

    async def go() -> T:
        http = build_async_client(HttpOptions(), base_url=PMM, transport=transport)
        token = PmmToken(
            http, token_url=f"{PMM}/token", client_id="c", client_secret=SecretStr("s"), retry=NO_RETRY
        )
        try:
            return await action(PmmClient(http, token=token, retry=NO_RETRY))
        finally:
            await http.aclose()

    return asyncio.run(go())


@given(answer=pmm_body(Periode))
def test_pmm_periode_raises_only_upstream_errors(answer: tuple[int, bytes]) -> None:
    """The PMM period list parses or raises an ``UpstreamError``, whatever the body."""
    result = outcome(lambda: with_pmm(serve(*answer), lambda c: c.periode()))
    assert isinstance(result, UpstreamError) or all(isinstance(p, Periode) for p in result)


@given(answer=pmm_body(PmmResult))
def test_pmm_result_pages_raise_only_upstream_errors(answer: tuple[int, bytes]) -> None:
    """A PMM result page parses (bad rows set aside as rejected) or raises an ``UpstreamError``."""
    result = outcome(lambda: with_pmm(serve(*answer), lambda c: c.hasil_page("2025")))
    if not isinstance(result, UpstreamError):
        assert all(isinstance(r, PmmResult) for r in result.results)


@given(raw=payload(PmmResult), label=st.one_of(st.sampled_from(["2025", "Semester 1 2025"]), st.text()))
def test_pmm_results_map_or_raise_a_periode_error(raw: Any, label: str) -> None:
    """A PMM result that validated maps to an SKP record with findings; a bad label is a
    ``PeriodeError``; nothing else is raised."""
    result = parsed(PmmResult, raw)
    if result is None:
        return
    try:
        periode = periods.parse_label(label)
    except PeriodeError:
        return
    record, findings = map_pmm_result(result, periode, "pmm_http")
    assert record.nip == result.pegawai.nip and all(f.rule for f in findings)


WIRE_COLUMNS: dict[
    tuple[type[BaseModel], str], str
] = {  # wire field -> the store column it reaches (through the mapping)
    (DataUtama, "nama"): "pegawai.nama",
    (DataUtama, "gelar_depan"): "pegawai.gelar_depan",
    (DataUtama, "gelar_belakang"): "pegawai.gelar_belakang",
    (DataUtama, "tempat_lahir"): "pegawai.tempat_lahir",
    (DataUtama, "jenis_pegawai_nama"): "pegawai.jenis_pegawai",
    (DataUtama, "kedudukan_pns_nama"): "pegawai.kedudukan_hukum",
    (DataUtama, "instansi_kerja_id"): "pegawai.instansi_kerja_id",
    (DataUtama, "instansi_kerja_nama"): "pegawai.instansi_kerja_nama",
    (DataUtama, "unor_id"): "pegawai.unor_id",
    (DataUtama, "unor_nama"): "pegawai.unor_nama",
    (DataUtama, "jabatan_nama"): "pegawai.jabatan",
    (DataUtama, "jabatan_fungsional_nama"): "pegawai.jabatan",
    (DataUtama, "jabatan_fungsional_umum_nama"): "pegawai.jabatan",
    (DataUtama, "email"): "pegawai.email",
    (DataUtama, "email_gov"): "pegawai.email",
    (DataUtama, "no_hp"): "pegawai.no_hp",
    (DataUtama, "id"): "pegawai.pns_id",
    (RefUnor, "id"): "unit.id",
    (RefUnor, "nama_unor"): "unit.nama",
    (RefUnor, "diatasan_id"): "unit.parent_id",
    (RefUnor, "nama_jabatan"): "unit.nama_jabatan",
    (RefUnor, "pemimpin_pns_id"): "unit.pemimpin_pns_id",
    (RefUnor, "instansi_id"): "unit.instansi_id",
    (RefUnor, "jenis_unor_id"): "unit.jenis_unor_id",
    (RefUnor, "cepat_kode"): "unit.cepat_kode",
}


def _max_length(model: type[BaseModel], name: str) -> int | None:
    """The ``max_length`` a wire field declares (inside its optional type), if any."""
    found = [getattr(m, "max_length", None) for m in model.model_fields[name].metadata]
    found += [
        getattr(m, "max_length", None)
        for arg in typing.get_args(model.model_fields[name].annotation)
        for m in getattr(arg, "__metadata__", ())
    ]
    return next((n for n in found if n is not None), None)


def test_wire_text_limits_are_the_column_lengths() -> None:
    """Each SIASN text that reaches a column declares that column's length, so a longer value
    is refused as a payload error, not by the database (found by the Sinkron property)."""
    tables = {t.name: t for t in Base.metadata.tables.values()}
    for (model, name), column in WIRE_COLUMNS.items():
        table, col = column.split(".")
        length = getattr(tables[table].columns[col].type, "length", None)
        assert length is not None and _max_length(model, name) == length, (model.__name__, name)
