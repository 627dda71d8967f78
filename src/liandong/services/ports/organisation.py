"""Where things are: the organisation's store and the geocoder."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from liandong.domain.hierarchy import Jurisdiction, Level, deepest_common
from liandong.domain.organisation import Department


class OrganisationRepository(abc.ABC):
    """Jurisdictions, departments and the stored reference documents."""

    # -- jurisdictions ------------------------------------------------------------------
    @abc.abstractmethod
    def add_units(self, units: Iterable[Jurisdiction]) -> int:
        """Store units given parents first; returns how many were stored."""

    @abc.abstractmethod
    def unit(self, code: str) -> Jurisdiction | None: ...

    @abc.abstractmethod
    def children(self, code: str) -> list[Jurisdiction]: ...

    @abc.abstractmethod
    def path(self, code: str) -> list[Jurisdiction]:
        """From the central node down to ``code``; empty when the code is unknown."""

    @abc.abstractmethod
    def descendants(self, code: str, level: Level | None = None) -> list[Jurisdiction]:
        """The unit and everything below it (only ``level`` when given), ordered by code."""

    @abc.abstractmethod
    def search(self, text: str, limit: int = 20) -> list[Jurisdiction]:
        """Units whose name contains ``text``; exact names first, then higher levels."""

    @abc.abstractmethod
    def count_units(self) -> dict[Level, int]: ...

    def lca(self, codes: Sequence[str]) -> Jurisdiction | None:
        """Lowest common ancestor from stored paths; None when a code is unknown."""
        paths = [self.path(code) for code in codes]
        if not paths or any(not p for p in paths):
            return None
        return deepest_common(paths)

    # -- departments -----------------------------------------------------------------------
    @abc.abstractmethod
    def add_departments(self, departments: Iterable[Department]) -> int:
        """Store departments not already stored; returns how many were new."""

    @abc.abstractmethod
    def department(self, code: str) -> Department | None: ...

    @abc.abstractmethod
    def departments_of(self, jurisdiction_code: str) -> list[Department]:
        """The government first, then functional departments by system code."""

    @abc.abstractmethod
    def count_departments(self) -> dict[Level, int]: ...

    # -- reference documents -----------------------------------------------------------
    @abc.abstractmethod
    def put_document(self, name: str, version: str, content: str) -> None:
        """Store (or replace) a reference document such as ``matters.toml``."""

    @abc.abstractmethod
    def document(self, name: str) -> tuple[str, str] | None:
        """(version, content) of a stored reference document."""

    # -- what the store was initialised as ----------------------------------------------
    @abc.abstractmethod
    def store_mode(self) -> str | None:
        """"live" or "sandbox" (演练库), as ``liandong init`` recorded it; None: nothing recorded
        (a store initialised before modes were, or not yet initialised), which reads as live."""

    @abc.abstractmethod
    def record_store_mode(self, mode: str) -> None:
        """Record the store's mode (once: ``services.organisation.initialise`` refuses a change)."""

class Geocoder(abc.ABC):
    """Coordinates to the jurisdiction that contains them."""

    @abc.abstractmethod
    def locate(self, lat: float, lng: float, crs: str = "wgs84") -> Jurisdiction: ...

    @abc.abstractmethod
    def to_wgs84(self, lat: float, lng: float, crs: str) -> tuple[float, float]:
        """``(lat, lng)`` in WGS-84 from a point in ``crs`` (the datum of a Chinese map's tiles)."""
