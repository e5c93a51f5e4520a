"""``ekinerja-sync konflik resolve``: decide conflicts (one, several, or all filtered) with their
groups, and the parsing of the decision's ``--nilai`` and ``--versi``."""

from __future__ import annotations

from typing import Any

import typer

from mappings.limits import whole_number
from mappings.messages import t
from service.cli.common import cli_errors, fail, number
from service.cli.konflik_common import (
    ASSIGNEE,
    FIELD,
    JSON_OUT,
    MIN_AGE,
    OVERDUE,
    SITUASI,
    TEXT,
    UNIT,
    admin_scope,
    echo_json,
    konflik_filter,
    named_unit,
    say,
    session_errors,
    setup,
)
from service.cli.person import cli_actor
from service.routes.konflik import decided_json
from store.db import transaction
from sync.authority import MERGED_FIELDS, label
from sync.konflik import decide as deciding
from sync.konflik import query
from sync.konflik.errors import KonflikError
from sync.konflik.lifecycle import KonflikPolicy
from sync.konflik.query import KonflikFilter
from sync.unor.index import unit_index

IDS = typer.Argument(None, parser=number("ID"), help=t("cli.arg.conflict_ids"))
KEPUTUSAN = typer.Option(..., "--keputusan", help=t("cli.opt.keputusan"))
VERSI = typer.Option(None, "--versi", help=t("cli.opt.versi"))
NILAI = typer.Option(None, "--nilai", help=t("cli.opt.nilai_group"))


def resolve_cmd(
    ids: list[int] = IDS,
    keputusan: deciding.Resolution = KEPUTUSAN,
    alasan: str = typer.Option(..., "--alasan", help=t("cli.opt.alasan_decide")),
    nilai: list[str] = NILAI,
    versi: list[str] = VERSI,
    semua: bool = typer.Option(False, "--semua", help=t("cli.opt.semua")),
    unit: str = UNIT,
    field: str = FIELD,
    situasi: str = SITUASI,
    assignee: str = ASSIGNEE,
    min_age: int = MIN_AGE,
    overdue: bool = OVERDUE,
    cari: str = TEXT,
    oleh: str = typer.Option(None, "--oleh", help=t("cli.opt.oleh_audit")),
    json_output: bool = JSON_OUT,
) -> None:
    """Decide conflicts (one, several, or all filtered) with the conflicts of their related
    fields, all or nothing, with a reason; prints every field decided."""
    with cli_errors(), session_errors():
        if bool(ids) == semua:
            raise fail(t("konflik.cli_ids_or_all"))
        actor = cli_actor(oleh)
        seen = _versions(versi or [])
        container, rules, _tz = setup()
        with transaction(container.sessions) as session:
            chosen = (
                list(ids)
                if ids
                else _filtered_ids(
                    session,
                    actor,
                    rules,
                    konflik_filter(unit, field, situasi, None, assignee, min_age, overdue, cari),
                )
            )
            done = deciding.decide(
                session,
                admin_scope(actor),
                chosen,
                keputusan,
                actor=actor,
                reason=alasan,
                seen_versions=seen,
                value=_nilai(nilai or []),
            )
            decided = [c.id for c in done]
            fields = [decided_json(c) for c in done]
            lines = [_field_line(session, f) for f in fields]
    _print_decided(decided, keputusan, fields, lines, json_output)


def _filtered_ids(session: Any, actor: str, rules: KonflikPolicy, filt: KonflikFilter) -> list[int]:
    """``--semua``: the ids of every conflict the filter options select."""
    return query.select_ids(session, admin_scope(actor), named_unit(session, filt), policy=rules)


def _print_decided(
    decided: list[int],
    keputusan: deciding.Resolution,
    fields: list[dict[str, Any]],
    lines: list[str],
    json_output: bool,
) -> None:
    """The decision: as JSON, or the ids decided and a line per field decided."""
    if json_output:
        echo_json({"decided": decided, "decision": keputusan.value, "fields": fields})
        return
    say(
        t(
            "konflik.cli_decided",
            count=len(decided),
            decision=keputusan.value,
            ids=", ".join(map(str, decided)),
        )
    )
    for line in lines:
        say(line)


def _nilai(given: list[str]) -> Any:
    """``--nilai``: one value, or ``FIELD=NILAI`` once per field of a group (a mapping)."""
    pairs = [entry.partition("=") for entry in given]
    if any(sep and name.strip() in MERGED_FIELDS for name, sep, _ in pairs):
        if not all(sep and name.strip() in MERGED_FIELDS for name, sep, _ in pairs):
            raise KonflikError(t("konflik.cli_bad_nilai"))
        return {name.strip(): value for name, _, value in pairs}
    if len(given) > 1:
        raise KonflikError(t("konflik.cli_bad_nilai"))
    return given[0] if given else None


def _field_line(session: Any, decided: dict[str, Any]) -> str:
    """One decided field as a line: the conflict, the field's label and the value it holds."""
    value = decided["value"]
    if decided["field"] == "unor_id" and isinstance(value, str):
        value = unit_index(session).label(value, value)
    shown = t("konflik.empty") if value is None else str(value)
    return t("konflik.cli_decided_field", id=decided["id"], field=label(decided["field"]), value=shown)


def _versions(pairs: list[str]) -> dict[int, int]:
    seen: dict[int, int] = {}
    for pair in pairs:
        left, _, right = pair.partition("=")
        try:
            seen[whole_number(left)] = whole_number(right)
        except ValueError:
            raise KonflikError(t("konflik.cli_bad_version", value=pair)) from None
    return seen
