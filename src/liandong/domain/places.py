"""Place from an address string: the deepest unit of the national list that the text names.

A first, exact-name resolver for intake (Open311 ``address_string``): official names and usual
short names of counties and townships, checked against the province and city words the text
also contains; two equally good places are reported as ambiguous, never guessed. The demand
insight issue extends it (multi-pattern matching, report texts).
"""

from __future__ import annotations

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level


def _names(unit: Jurisdiction) -> tuple[str, ...]:
    short = unit.short_name
    return (unit.name, short) if short != unit.name and len(short) >= 2 else (unit.name,)


class PlaceIndex:
    """Every name of every unit below the provinces, for substring look-up."""

    def __init__(self, hierarchy: HierarchyIndex) -> None:
        self.hierarchy = hierarchy
        self.by_name: dict[str, list[Jurisdiction]] = {}
        self.exact: dict[str, set[str]] = {}
        for unit in hierarchy:
            if unit.level is Level.CENTRAL:
                continue
            for name in _names(unit):
                self.by_name.setdefault(name, []).append(unit)
            self.exact.setdefault(unit.name, set()).add(unit.code)
        self.lengths = sorted({len(n) for n in self.by_name}, reverse=True)

    def mentioned(self, text: str) -> tuple[list[Jurisdiction], set[str]]:
        """Units named in the text, and the codes of those named by their full official name."""
        found: dict[str, Jurisdiction] = {}
        exact: set[str] = set()
        for size in self.lengths:
            for start in range(len(text) - size + 1):
                word = text[start:start + size]
                for unit in self.by_name.get(word, ()):
                    found[unit.code] = unit
                exact |= self.exact.get(word, set())
        return list(found.values()), exact

    def resolve(self, text: str) -> Jurisdiction:
        """The deepest named unit whose named ancestors agree with the text."""
        mentioned, exact = self.mentioned(text.strip())
        codes = {u.code for u in mentioned}

        def support(unit: Jurisdiction) -> int:  # how many named ancestors confirm it
            return sum(1 for a in self.hierarchy.path(unit.code)[:-1] if a.code in codes)

        # a short name alone (新华) is too weak: it counts when an ancestor is named too
        mentioned = [u for u in mentioned if u.code in exact or support(u) > 0]
        if not mentioned:
            raise DomainError("place.not_found", text=text)
        best = max(mentioned, key=lambda u: (support(u) + int(u.level), support(u)))
        rivals = [u for u in mentioned if u.code != best.code and u.level == best.level
                  and support(u) == support(best)
                  and not self.hierarchy.is_ancestor(best.code, u.code)]
        if rivals:
            raise DomainError("place.ambiguous", text=text,
                              candidates="、".join(" ".join(a.name for a in self.hierarchy.path(u.code)[1:])
                                                  for u in [best, *rivals][:5]))
        return best
