"""Which catalogue routes a case: for a place and a day, the national list with the version in
force of every ancestor scope (province, then city) applied. Compositions are cached per
combination of versions and the scopes per place, so routing pays a few look-ups."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from difflib import get_close_matches

from liandong.domain.catalogue import Catalogue
from liandong.domain.dispatch_catalogue.model import LocalCatalogue, compose
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex
from liandong.domain.responsibility import MatterType, ResponsibilityList

_MAX_PLACES = 200_000  # cached place combinations (or scope chains and days) before a cache starts afresh
BEIJING = timezone(timedelta(hours=8), "CST")
"""The report day is Beijing's: a fixed +08:00 (China has kept no summer time since 1991), which
converts several times faster than the zoneinfo of Asia/Shanghai on the routing path."""


class LocalCatalogues:
    """Every loaded version of every scope, over one national list."""

    def __init__(self, national: ResponsibilityList, catalogues: Iterable[LocalCatalogue],
                 hierarchy: HierarchyIndex) -> None:
        self.national = national
        self.hierarchy = hierarchy
        self._versions: dict[str, list[LocalCatalogue]] = {}
        for cat in sorted(catalogues, key=lambda c: (c.scope, c.effective)):
            self._versions.setdefault(cat.scope, []).append(cat)
        self._dates = {scope: [c.effective for c in cats] for scope, cats in self._versions.items()}
        self._scopes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._composed: dict[tuple[tuple[str, str], ...], dict[str, MatterType]] = {(): national.matters}
        self._by_day: dict[tuple[tuple[str, ...], date], Mapping[str, MatterType]] = {}
        self._periods: dict[tuple[str, ...], tuple[list[datetime], list[Mapping[str, MatterType]]]] = {}
        self._by_chain: dict[tuple[str, ...], tuple[list[datetime], list[Mapping[str, MatterType]]]] = {}
        self._base: ResponsibilityList | None = None

    def __bool__(self) -> bool:
        return bool(self._versions)

    def __iter__(self) -> Iterable[LocalCatalogue]:
        for scope in sorted(self._versions):
            yield from self._versions[scope]

    def scopes(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, scope: str) -> list[LocalCatalogue]:
        """A scope's versions by effective date (empty when it has none)."""
        return list(self._versions.get(scope, ()))

    def version(self, scope: str, version: str) -> LocalCatalogue:
        for cat in self._versions.get(scope, ()):
            if cat.version == version:
                return cat
        raise DomainError("catalogue.unknown_version", scope=scope, version=version,
                          allowed=", ".join(c.version for c in self._versions.get(scope, ())) or "-")

    def in_force(self, scope: str, day: date) -> LocalCatalogue | None:
        """The scope's version in force on ``day`` (the latest effective on or before it)."""
        dates = self._dates.get(scope)
        if not dates:
            return None
        n = bisect_right(dates, day)
        return self._versions[scope][n - 1] if n else None

    def chain(self, places: Sequence[str]) -> tuple[str, ...]:
        """The scopes with catalogues above the places' lowest common ancestor, province first."""
        key = tuple(places)
        found = self._scopes.get(key)
        if found is None:
            unit = self.hierarchy.lca(key)
            found = tuple(u.code for u in self.hierarchy.path(unit.code) if u.code in self._versions)
            if len(self._scopes) >= _MAX_PLACES:
                self._scopes.clear()
            self._scopes[key] = found
        return found

    def in_force_for(self, places: Sequence[str], day: date) -> tuple[LocalCatalogue, ...]:
        """The versions that apply to a case at these places reported on ``day``, province first."""
        out = []
        for scope in self.chain(places):
            cat = self.in_force(scope, day)
            if cat is not None:
                out.append(cat)
        return tuple(out)

    def composed(self, versions: Sequence[LocalCatalogue]) -> Mapping[str, MatterType]:
        key = tuple(c.key for c in versions)
        matters = self._composed.get(key)
        if matters is None:
            matters = self._composed[key] = compose(self.national.matters, versions)
        return matters

    def list_for(self, places: Sequence[str], day: date) -> Mapping[str, MatterType]:
        """The whole list in force for the places on ``day`` (cached per chain of scopes and day)."""
        chain = self.chain(places) if self._versions else ()
        if not chain:
            return self.national.matters
        found = self._by_day.get((chain, day))
        if found is None:
            if len(self._by_day) >= _MAX_PLACES:
                self._by_day.clear()
            versions = [v for v in (self.in_force(scope, day) for scope in chain) if v is not None]
            found = self._by_day[(chain, day)] = self.composed(versions)
        return found

    def matter(self, code: str, places: Sequence[str], at: datetime, *, strict: bool = True) -> MatterType:
        """The matter as the catalogue in force at the places at ``at`` defines it. ``strict``
        (intake, reclassification): a matter added elsewhere, or not yet, is refused; otherwise
        (an existing case) it falls back on the newest definition, so no case is ever stuck."""
        if not self._versions or not places:
            return self.base().get(code)
        key = places if type(places) is tuple else tuple(places)
        starts, lists = self._periods.get(key) or self._period(key)
        found = lists[bisect_right(starts, at)].get(code)
        if found is not None:
            return found
        if strict:
            day = at.astimezone(BEIJING).date()
            if code not in self.base():
                self.base().get(code)  # matter.unknown, with the nearest codes
            place = self.hierarchy.lca(tuple(places))
            here = list(self.list_for(places, day))
            raise DomainError("catalogue.matter_not_here", code=code, place=place.name, day=day.isoformat(),
                              suggestions="、".join(get_close_matches(code, here, n=5, cutoff=0.5)))
        return self.base().get(code)

    def defined(self, code: str, places: Sequence[str], at: datetime) -> MatterType:
        """``matter(code, places, at, strict=False)`` (an existing case's matter), on the routing
        path: places already seen (as a tuple) cost one look-up and one bisection."""
        try:
            starts, lists = self._periods[places]  # type: ignore[index]
        except (KeyError, TypeError):  # not seen yet, no catalogues, no places, or not a tuple
            return self.matter(code, places, at, strict=False)
        found = lists[bisect_right(starts, at)].get(code)
        return found if found is not None else self.base().get(code)

    def _period(self, places: Sequence[str]) -> tuple[list[datetime], list[Mapping[str, MatterType]]]:
        """For the places: the moments (0:00 in Beijing) at which a version takes effect over them,
        and the list in force from each (the national list before the first): one bisection
        per routing finds the list of a report time (in UTC, as the events' times are: two aware
        times of one tzinfo compare without asking either for its offset)."""
        key = tuple(places)
        chain = self.chain(key)
        found = self._by_chain.get(chain)
        if found is None:  # one per chain of scopes, shared by its places (it stays in the CPU's caches)
            days = sorted({c.effective for scope in chain for c in self._versions[scope]})
            found = self._by_chain[chain] = (
                [datetime.combine(d, time(), BEIJING).astimezone(UTC) for d in days],
                [self.national.matters, *(self.list_for(key, d) for d in days)])
        if len(self._periods) >= _MAX_PLACES:
            self._periods.clear()
        self._periods[key] = found
        return found

    def over(self, catalogue: Catalogue) -> Catalogue:
        """``catalogue`` whose matters readers look up by code: the national list and the added ones."""
        return replace(catalogue, matters=self.base())

    def base(self) -> ResponsibilityList:
        """The national list and every added matter (its newest version): what a reader without a
        place or a time looks matters up in (names, categories, the intake forms' choices)."""
        if self._base is None:
            matters = dict(self.national.matters)
            newest = sorted((cat for cats in self._versions.values() for cat in cats),
                            key=lambda c: (c.effective, c.scope))
            for cat in newest:
                for code, matter in cat.added.items():
                    matters[code] = matter
            self._base = ResponsibilityList(self.national.version, matters.values())
        return self._base
