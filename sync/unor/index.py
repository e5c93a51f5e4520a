"""Units by name and path: the whole tree read in one query, cached on the session.

Every place that shows a unit (``Dinas Pendidikan › Bidang SD › SD Negeri 1``) or lets a person
pick one by typing part of its name goes through ``unit_index(session)``: one ``SELECT`` of
``(id, nama, parent_id, aktif)`` per session (a console request, a CLI command), then paths,
subtrees and searches in memory. The cache lives in ``session.info`` and goes with the session;
code that changes units (``sync.unor.tree``) does not read through it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Unit

SEPARATOR = " › "
CACHE_KEY = "unit_index"
PATH_SEPARATORS = ("›", ">", "/", "\\")


@dataclass(frozen=True)
class UnitRef:
    """One unit as a person reads it: id, own name, names from the root down, still active."""

    id: str
    nama: str
    path: tuple[str, ...]
    aktif: bool

    @property
    def label(self) -> str:
        """The path joined with ``›``."""
        return SEPARATOR.join(self.path)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready mapping (what the picker endpoint and ``unor cari --json`` answer)."""
        return {
            "id": self.id,
            "nama": self.nama,
            "jalur": self.label,
            "jalur_list": list(self.path),
            "aktif": self.aktif,
        }


@dataclass(frozen=True)
class UnitMatches:
    """One page of a search: the matches on it and how many matched in all."""

    items: list[UnitRef]
    total: int
    leading: int = 0  # matches in their own right (not only because an ancestor matched)


class UnitLookupError(LookupError):
    """A unit text that names no unit, or more than one; ``count`` says how many matched."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _path_key(text: str) -> str:
    """A path typed by a person compared with ours: separators and spacing normalised."""
    for sep in PATH_SEPARATORS:
        text = text.replace(sep, "\x00")
    return "\x00".join(_folded(part) for part in text.split("\x00") if part.strip())


class UnitIndex:
    """The unit tree in memory: paths, subtrees and text search over names and paths."""

    def __init__(self, rows: Iterable[tuple[str, str | None, str | None, bool | None]]) -> None:
        self._name: dict[str, str] = {}
        self._parent: dict[str, str | None] = {}
        self._aktif: dict[str, bool] = {}
        for uid, nama, parent, aktif in rows:
            self._name[uid] = nama or uid
            self._parent[uid] = parent or None
            self._aktif[uid] = bool(aktif)
        self._paths: dict[str, tuple[str, ...]] = {}
        self._texts: dict[str, str] = {}
        self._children: dict[str, list[str]] | None = None
        self._haystack: list[tuple[str, str, str]] | None = None

    def __contains__(self, uid: object) -> bool:
        return uid in self._name

    def __len__(self) -> int:
        return len(self._name)

    def path_ids(self, uid: str) -> tuple[str, ...]:
        """The ids from the root of the instansi down to ``uid`` (stops on a cycle)."""
        cached = self._paths.get(uid)
        if cached is not None:
            return cached
        chain: list[str] = []
        current: str | None = uid
        while current and current not in chain:
            chain.append(current)
            current = self._parent.get(current)
        path = tuple(reversed(chain))
        self._paths[uid] = path
        return path

    def ref(self, uid: str | None) -> UnitRef | None:
        """The unit ``uid`` with its path; None for none or an id the store does not hold."""
        if not uid or uid not in self._name:
            return None
        path = tuple(self._name.get(u, u) for u in self.path_ids(uid))
        return UnitRef(uid, self._name[uid], path, self._aktif[uid])

    def label(self, uid: str | None, fallback: str | None = None) -> str | None:
        """The path of ``uid`` as text; ``fallback`` (a stored name, say) for an unknown id."""
        if not uid or uid not in self._name:
            return fallback
        return self._text(uid)

    def _text(self, uid: str) -> str:
        """The path text, built from the parent's (memoised along paths from a real root)."""
        cached = self._texts.get(uid)
        if cached is not None:
            return cached
        path = self.path_ids(uid)
        rooted = self._parent.get(path[0]) not in self._name
        text = ""
        for step in path:
            known = self._texts.get(step) if rooted else None
            if known is None:
                name = self._name.get(step, step)
                known = f"{text}{SEPARATOR}{name}" if text else name
                if rooted:
                    self._texts[step] = known
            text = known
        return text

    def path(self, uid: str | None) -> list[tuple[str, str]]:
        """``(id, name)`` from the root down to ``uid``; empty for none."""
        if not uid:
            return []
        return [(u, self._name.get(u, u)) for u in self.path_ids(uid)]

    def labels(self, ids: Iterable[object]) -> dict[str, str]:
        """Path text of every string in ``ids`` that is a known unit id."""
        return {u: self.label(u) or u for u in ids if isinstance(u, str) and u in self._name}

    def subtree(self, roots: Iterable[str]) -> set[str]:
        """``roots`` and every unit below them (cycle-safe)."""
        if self._children is None:
            self._children = {}
            for uid, parent in self._parent.items():
                if parent:
                    self._children.setdefault(parent, []).append(uid)
        found: set[str] = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self._children.get(current, []))
        return found

    def search(
        self,
        text: str,
        *,
        within: Collection[str] | None = None,
        include_inactive: bool = False,
        limit: int = 20,
        offset: int = 0,
    ) -> UnitMatches:
        """Units whose path holds every word of ``text``, one page: units that match in their own
        right first (a unit below a match matches only through it), own-name matches first."""
        words = _folded(text).split()
        matched: dict[str, tuple[str, bool]] = {}
        aktif = self._aktif
        for uid, name_key, path_key in self._searchable():
            if (within is not None and uid not in within) or not (include_inactive or aktif[uid]):
                continue
            for word in words:
                if word not in path_key:
                    break
            else:
                matched[uid] = (path_key, all(w in name_key for w in words))
        hits = sorted(
            (self._parent.get(uid) in matched and bool(words), not own, key, uid)
            for uid, (key, own) in matched.items()
        )
        page = [self.ref(hit[3]) for hit in hits[offset : offset + limit]]
        leading = sum(1 for hit in hits if not hit[0])
        return UnitMatches([r for r in page if r is not None], len(hits), leading)

    def resolve(self, text: str, *, within: Collection[str] | None = None) -> str:
        """The one unit ``text`` names: an id, a whole path, or words that exactly one unit matches
        in its own right (its children match through it and do not count)."""
        wanted = text.strip()
        if wanted in self._name and (within is None or wanted in within):
            return wanted
        key = _path_key(wanted)
        exact = [
            uid
            for uid, _, _ in self._searchable()
            if (within is None or uid in within) and _path_key(self.label(uid) or "") == key
        ]
        if len(exact) == 1:
            return exact[0]
        found = self.search(wanted, within=within, include_inactive=True, limit=2)
        if found.leading == 1 and wanted:
            return found.items[0].id
        raise UnitLookupError(0 if not wanted else found.leading)

    def _searchable(self) -> list[tuple[str, str, str]]:
        """(id, folded own name, folded path) of every unit, each path folded once per name."""
        if self._haystack is None:
            folded = {uid: _folded(name) for uid, name in self._name.items()}
            self._haystack = [
                (uid, folded[uid], SEPARATOR.join(folded.get(u, u) for u in self.path_ids(uid)))
                for uid in self._name
            ]
        return self._haystack


def load_index(session: Session) -> UnitIndex:
    """Read the unit tree now (one query), without the session cache."""
    rows = session.connection().execute(  # Core, not ORM rows: a tenth of the cost at 5,000
        select(Unit.__table__.c.id, Unit.__table__.c.nama, Unit.__table__.c.parent_id, Unit.__table__.c.aktif)
    )
    return UnitIndex((row[0], row[1], row[2], row[3]) for row in rows)


def unit_index(session: Session) -> UnitIndex:
    """The unit tree of this session: read once, then cached on the session."""
    cached = session.info.get(CACHE_KEY)
    if isinstance(cached, UnitIndex):
        return cached
    built = load_index(session)
    session.info[CACHE_KEY] = built
    return built
