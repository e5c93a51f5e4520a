"""The people a conflict can be assigned to: local accounts, operators with a grant, and admins
and operators seen logging in through MyASN (kept in ``known_user`` after their session ends).

An assignee is stored by key: the NIP of an ASN account, the username of a local account. A key
nobody knows is refused, so assignment never holds free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mappings.messages import t
from store.models import KnownUser, LocalAccount, OperatorGrant, Pegawai
from sync.access import common
from sync.access.rules import Principal, RoleMap
from sync.access.sessions import SessionInfo

ASSIGNABLE = ("all", "operator")
_SPACES = re.compile(r"\s+")
_NIP = re.compile(r"[0-9]{18}")


class UnknownUser(ValueError):
    """A person the system does not know as an admin or operator (never echoes what was sent)."""


@dataclass(frozen=True)
class KnownPerson:
    """Someone a conflict can be given to: the key stored, and how a person reads it."""

    key: str
    label: str
    source: str


def note_login(session: Session, info: SessionInfo, roles: RoleMap) -> None:
    """Remember a MyASN login (name and level as of now) so the person can be assigned later."""
    if info.source != "myasn":
        return
    level = Principal(kind="myasn", name=info.username, roles=info.roles).level(roles)
    now = common.now()
    row = session.get(KnownUser, info.username)
    if row is None:
        try:
            with session.begin_nested():  # two first logins at once: the second one updates
                session.add(
                    KnownUser(username=info.username, first_seen_at=now, last_seen_at=now, level=level)
                )
        except IntegrityError:
            pass
        row = session.get_one(KnownUser, info.username)
    row.name, row.level, row.last_seen_at = info.name, level, now


def known_people(session: Session, text: str | None = None) -> list[KnownPerson]:
    """Everyone assignable, sorted by how they read; ``text`` keeps those whose label has it."""
    people: dict[str, KnownPerson] = {}
    for username in session.scalars(select(LocalAccount.username).where(LocalAccount.disabled.is_(False))):
        people[username] = KnownPerson(username, t("penugasan.local_label", username=username), "local")
    seen = session.execute(select(KnownUser.username, KnownUser.name).where(KnownUser.level.in_(ASSIGNABLE)))
    names: dict[str, str | None] = {nip: name for nip, name in seen}
    granted = set(session.scalars(select(OperatorGrant.nip).distinct()))
    missing = granted - names.keys()
    if missing:
        found = session.execute(select(Pegawai.nip, Pegawai.nama).where(Pegawai.nip.in_(sorted(missing))))
        names.update({nip: name for nip, name in found})
    for nip in names.keys() | granted:
        people.setdefault(nip, _asn(nip, names.get(nip)))
    wanted = (text or "").strip().casefold()
    chosen = [p for p in people.values() if wanted in p.label.casefold()]
    return sorted(chosen, key=lambda p: (p.label.casefold(), p.key))


def _asn(nip: str, name: str | None) -> KnownPerson:
    label = t("penugasan.asn_label", name=name, nip=nip) if name else nip
    return KnownPerson(nip, label, "myasn")


def resolve_assignee(session: Session, raw: str | None) -> str | None:
    """The key of the person ``raw`` names (a NIP, spaces allowed, or a local username); None
    for nobody (the conflict goes back to open); ``UnknownUser`` for anyone else."""
    text = (raw or "").strip()
    if not text:
        return None
    compact = _SPACES.sub("", text)
    key = compact if _NIP.fullmatch(compact) else text  # a NIP typed in groups of digits
    if any(p.key == key for p in known_people(session)):
        return key
    raise UnknownUser(t("penugasan.unknown_user"))


def labels(session: Session) -> dict[str, str]:
    """Each known person's key and how it reads (a key missing here is shown as it is)."""
    return {p.key: p.label for p in known_people(session)}
