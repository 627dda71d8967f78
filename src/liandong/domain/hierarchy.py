"""The five-level hierarchy of Chinese jurisdictions (中央/省/市/县/乡) and fast queries over it.

The national list skips levels in some branches (districts of a municipality sit directly
under it; townships of 东莞 sit directly under the prefecture; 仙桃 sits directly under its
province). Nothing here invents placeholder nodes: every query works on the real tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from liandong.domain.errors import DomainError
from liandong.domain.levels import MUNICIPALITIES, Kind, Level, kind_of, short_name

__all__ = ["CENTRAL_CODE", "CENTRAL_NAME", "MUNICIPALITIES", "HierarchyIndex", "Jurisdiction", "Kind",
           "Level", "central_node", "deepest_common", "kind_of", "short_name"]  # levels, kinds: re-exported

if TYPE_CHECKING:  # numpy is imported by the one query that needs it (lca_many), not by every reader
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int32]

CENTRAL_CODE = "100000"
CENTRAL_NAME = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """One unit of the national list (or the central node above them)."""

    code: str
    name: str
    level: Level
    parent_code: str | None
    kind: Kind

    @property
    def short_name(self) -> str:
        return short_name(self.name)

    @property
    def is_municipality(self) -> bool:
        return self.kind is Kind.MUNICIPALITY


def deepest_common(paths: Sequence[Sequence[Jurisdiction]]) -> Jurisdiction:
    """The last unit the root-first ``paths`` share: their lowest common ancestor (look-ups by
    stored paths, without the precomputed index)."""
    common = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(common), len(p)) and common[n].code == p[n].code:
            n += 1
        common = common[:n]
    return common[-1]


def central_node() -> Jurisdiction:
    return Jurisdiction(CENTRAL_CODE, CENTRAL_NAME, Level.CENTRAL, None, Kind.COUNTRY)


class HierarchyIndex:
    """Ancestor, descendant, path and lowest-common-ancestor queries, built once in memory.

    Each unit gets a dense integer id. ``slots[i]`` holds the ids of its ancestors by level
    (``-1`` where the branch skips a level), so a path or an LCA is a handful of
    comparisons, and a pre-order numbering makes "is a descendant of" one range check.
    """

    __slots__ = (
        "_by_code",
        "_children",
        "_end",
        "_fixed",
        "_ids",
        "_order",
        "_paths",
        "_pos",
        "_slots",
        "_slots_np",
        "units",
    )

    def __init__(self, units: Iterable[Jurisdiction]) -> None:
        self.units: list[Jurisdiction] = []
        self._ids: dict[str, int] = {}
        for unit in units:
            if unit.code in self._ids:
                raise DomainError("hierarchy.duplicate_code", code=unit.code)
            self._ids[unit.code] = len(self.units)
            self.units.append(unit)
        n = len(self.units)
        roots = [u for u in self.units if u.parent_code is None]
        if len(roots) != 1:
            raise DomainError("hierarchy.roots", count=len(roots))
        self._children: list[list[int]] = [[] for _ in range(n)]
        parent = [-1] * n
        for i, unit in enumerate(self.units):
            if unit.parent_code is None:
                continue
            p = self._ids.get(unit.parent_code)
            if p is None:
                raise DomainError("hierarchy.unknown_parent", code=unit.code,
                                  parent=unit.parent_code)
            if self.units[p].level >= unit.level:
                raise DomainError("hierarchy.parent_not_higher", code=unit.code,
                                  parent=unit.parent_code)
            parent[i] = p
            self._children[p].append(i)
        self._slots: list[tuple[int, ...]] = [()] * n
        self._paths: list[tuple[Jurisdiction, ...]] = [()] * n
        self._pos = [0] * n
        self._end = [0] * n
        self._order: list[int] = []
        root = self._ids[roots[0].code]
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:  # iterative pre-order walk: slots, positions and subtree ends
            i, done = stack.pop()
            if done:
                self._end[i] = len(self._order)
                continue
            p = parent[i]
            slots = list(self._slots[p]) if p >= 0 else [-1] * 5
            slots[self.units[i].level] = i
            self._slots[i] = tuple(slots)
            self._paths[i] = (self._paths[p] if p >= 0 else ()) + (self.units[i],)
            self._pos[i] = len(self._order)
            self._order.append(i)
            stack.append((i, True))
            stack.extend((c, False) for c in reversed(self._children[i]))
        if len(self._order) != n:
            raise DomainError("hierarchy.unreachable", count=n - len(self._order))
        self._slots_np: IntArray | None = None  # the slots as an array, built by the first lca_many
        self._by_code: dict[str, tuple[int, ...]] = {
            u.code: self._slots[i] for i, u in enumerate(self.units)}
        # Ancestors in five fixed slots (None where skipped), compared top-down by identity.
        self._fixed: dict[str, tuple[Jurisdiction | None, ...]] = {
            u.code: tuple(self.units[x] if x >= 0 else None for x in self._slots[i])
            for i, u in enumerate(self.units)}

    # -- look-ups -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.units)

    def __contains__(self, code: object) -> bool:
        return code in self._ids

    def __iter__(self) -> Iterator[Jurisdiction]:
        return iter(self.units)

    def id_of(self, code: str) -> int:
        try:
            return self._ids[code]
        except KeyError:
            raise DomainError("jurisdiction.unknown", code=code,
                              suggestions="、".join(self.nearest_codes(code))) from None

    def get(self, code: str) -> Jurisdiction:
        return self.units[self.id_of(code)]

    def nearest_codes(self, code: str, limit: int = 5) -> list[str]:
        """Existing codes closest to an unknown one: the longest shared prefix, then order."""
        digits = "".join(ch for ch in code if ch.isdigit())
        for cut in range(len(digits), 0, -1):
            prefix = digits[:cut]
            hits = [c for c in self._ids if c.startswith(prefix)]
            if hits:
                hits.sort(key=lambda c: (len(c) != len(digits), c))
                return hits[:limit]
        return []

    @property
    def root(self) -> Jurisdiction:
        return self.units[self._order[0]]

    def parent(self, code: str) -> Jurisdiction | None:
        unit = self.get(code)
        return None if unit.parent_code is None else self.get(unit.parent_code)

    def children(self, code: str) -> list[Jurisdiction]:
        return [self.units[c] for c in self._children[self.id_of(code)]]

    # -- paths and ancestors ------------------------------------------------------------
    def path(self, code: str) -> tuple[Jurisdiction, ...]:
        """Units from the central node down to ``code``, skipped levels left out."""
        try:
            return self._paths[self._ids[code]]
        except KeyError:
            return self._paths[self.id_of(code)]

    def ancestor_at(self, code: str, level: Level) -> Jurisdiction | None:
        """The ancestor (or the unit itself) at ``level``; None where the branch skips it."""
        s = self._slots[self.id_of(code)][level]
        return None if s < 0 else self.units[s]

    def nearest_at_or_above(self, code: str, level: Level) -> Jurisdiction:
        """The ancestor at ``level``, or the nearest existing one above it (a skipped level)."""
        slots = self._slots[self.id_of(code)]
        for lv in range(level, -1, -1):
            if slots[lv] >= 0:
                return self.units[slots[lv]]
        return self.root

    def is_ancestor(self, ancestor: str, code: str) -> bool:
        """True when ``ancestor`` is ``code`` itself or lies above it."""
        a = self.id_of(ancestor)
        return self._pos[a] <= self._pos[self.id_of(code)] < self._end[a]

    # -- lowest common ancestor -----------------------------------------------------------
    def lca_id(self, a: int, b: int) -> int:
        sa = self._slots[a]
        sb = self._slots[b]
        for lv in (4, 3, 2, 1):
            x = sa[lv]
            if x >= 0 and x == sb[lv]:
                return x
        return sa[0]

    def lca_pair(self, a: str, b: str) -> Jurisdiction:
        """The lowest common ancestor of two units (the hot path of routing)."""
        try:
            pa = self._fixed[a]
            pb = self._fixed[b]
        except KeyError:
            self.id_of(a)
            self.id_of(b)
            raise
        last = pa[0]
        for x, y in zip(pa, pb, strict=True):
            if x is not y:
                break
            if x is not None:
                last = x
        assert last is not None
        return last

    def lca(self, codes: Sequence[str]) -> Jurisdiction:
        """The lowest common ancestor of one or more units."""
        if len(codes) == 2:
            return self.lca_pair(codes[0], codes[1])
        by_code = self._by_code
        try:
            sa = by_code[codes[0]]
            for code in codes[1:]:
                sb = by_code[code]
                if sa[4] >= 0 and sa[4] == sb[4]:
                    continue
                if sa[3] >= 0 and sa[3] == sb[3]:
                    sa = self._slots[sa[3]]
                elif sa[2] >= 0 and sa[2] == sb[2]:
                    sa = self._slots[sa[2]]
                elif sa[1] >= 0 and sa[1] == sb[1]:
                    sa = self._slots[sa[1]]
                else:
                    sa = self._slots[sa[0]]
        except (KeyError, IndexError):
            if not codes:
                raise DomainError("lca.empty") from None
            for code in codes:
                self.id_of(code)  # raises with the nearest matches
            raise
        deepest = sa[4] if sa[4] >= 0 else sa[3] if sa[3] >= 0 else sa[2] if sa[2] >= 0 else (
            sa[1] if sa[1] >= 0 else sa[0])
        return self.units[deepest]

    def lca_many(self, a: IntArray, b: IntArray) -> IntArray:
        """Vectorised LCA of id pairs: deepest level at which both share an ancestor."""
        import numpy as np

        if self._slots_np is None:
            self._slots_np = np.asarray(self._slots, dtype=np.int32)
        sa = self._slots_np[a]
        sb = self._slots_np[b]
        same = (sa == sb) & (sa >= 0)
        deepest = 4 - np.argmax(same[:, ::-1], axis=1)
        result: IntArray = sa[np.arange(len(a)), deepest]
        return result

    # -- descendants ------------------------------------------------------------------
    def descendants(self, code: str, level: Level | None = None,
                    include_self: bool = True) -> Iterator[Jurisdiction]:
        """Units of the subtree of ``code`` in pre-order, optionally only one level."""
        i = self.id_of(code)
        start = self._pos[i] + (0 if include_self else 1)
        for j in self._order[start:self._end[i]]:
            unit = self.units[j]
            if level is None or unit.level == level:
                yield unit

    def subtree_size(self, code: str) -> int:
        i = self.id_of(code)
        return self._end[i] - self._pos[i]

    def count_by_level(self) -> dict[Level, int]:
        counts = dict.fromkeys(Level, 0)
        for unit in self.units:
            counts[unit.level] += 1
        return counts

    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        """Units whose name or short name contains ``text``: exact names first, then by level."""
        needle = text.strip()
        if not needle:
            return []
        hits = [u for u in self.units if needle in u.name]
        hits.sort(key=lambda u: (u.name != needle and u.short_name != needle, u.level, u.code))
        return hits[:limit]
