"""Where a case is, for "already reported?" (已有人反映？): the cases a citizen may say "me too" to
(附议) are the open ones of the same matter at the same township or within a radius of the pin.

A point is kept as whole micro-degrees of WGS-84 (``lat_e6``, ``lng_e6``), the form the store
indexes (no floats in the index, none in signed payloads: the report carries it as text)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from liandong.domain.cases.record import CaseRecord
from liandong.domain.cases.states import TRANSITIONS, CaseAction, CaseState
from liandong.domain.errors import DomainError

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_RADIUS_M = 500
MAX_RADIUS_M = 5_000
SUPPORTABLE: frozenset[CaseState] = frozenset(s for s, moves in TRANSITIONS.items()
                                              if CaseAction.SUPPORT in moves)
"""The states in which a case takes a "me too": taken in and not yet resolved."""


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS-84 point in micro-degrees."""

    lat_e6: int
    lng_e6: int

    @classmethod
    def of(cls, lat: float, lng: float) -> Point:
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError("place.outside_china", lat=lat, long=lng)
        return cls(round(lat * 1e6), round(lng * 1e6))

    @classmethod
    def parse(cls, text: str) -> Point | None:
        """The point of a report's ``coordinates`` ("lat,long" decimal text); None when there is none
        or it does not read as one."""
        lat, _, lng = text.partition(",")
        try:
            return cls.of(float(lat), float(lng))
        except (ValueError, DomainError):
            return None

    @property
    def lat(self) -> float:
        return self.lat_e6 / 1e6

    @property
    def lng(self) -> float:
        return self.lng_e6 / 1e6

    def text(self) -> str:
        """As a report carries it: "lat,long" to six decimals (about 0.1 m)."""
        return f"{self.lat_e6 / 1e6:.6f},{self.lng_e6 / 1e6:.6f}"

    def distance_m(self, other: Point) -> float:
        """Great-circle distance (haversine), in metres."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp, dl = p2 - p1, math.radians(other.lng - self.lng)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))

    def box(self, radius_m: float) -> tuple[int, int, int, int]:
        """``(lat_lo, lat_hi, lng_lo, lng_hi)`` in micro-degrees: a box holding the circle, for an
        index range scan before the exact distance."""
        dlat = math.degrees(radius_m / EARTH_RADIUS_M)
        dlng = dlat / max(math.cos(math.radians(self.lat)), 0.01)
        return (self.lat_e6 - math.ceil(dlat * 1e6), self.lat_e6 + math.ceil(dlat * 1e6),
                self.lng_e6 - math.ceil(dlng * 1e6), self.lng_e6 + math.ceil(dlng * 1e6))


@dataclass(frozen=True, slots=True)
class Spot:
    """What the nearby query indexes of a case: its matter now, its first place (the township or
    district reported), its point if one was given, and whether it takes a "me too"."""

    case_id: str
    matter: str
    place: str
    point: Point | None
    open: bool
    number: str = ""  # 案件编号, what the public knows the case by


def spot_of(r: CaseRecord, number: str = "") -> Spot:
    return Spot(r.id, r.matter, r.affected[0] if r.affected else "", Point.parse(r.coordinates),
                r.state in SUPPORTABLE, number)


def ranked(spots: list[Spot], point: Point | None, radius_m: float) -> list[tuple[Spot, float | None]]:
    """Those within the radius of the pin first, nearest first; then the township's others, newest
    first (case ids are issued in order); each with its distance (None without a pin)."""
    measured = [(s, point.distance_m(s.point) if point is not None and s.point is not None else None)
                for s in spots]
    near_ones = sorted((m for m in measured if m[1] is not None and m[1] <= radius_m),
                       key=lambda m: m[1] or 0.0)
    others = sorted((m for m in measured if m[1] is None or m[1] > radius_m), key=lambda m: m[0].case_id,
                    reverse=True)
    return near_ones + others


def near(spot: Spot, *, matter: str, place: str, point: Point | None, radius_m: float) -> bool:
    """Whether ``spot`` answers the query: an open case of the matter at the place or within the radius."""
    if not spot.open or spot.matter != matter:
        return False
    if place and spot.place == place:
        return True
    return point is not None and spot.point is not None and point.distance_m(spot.point) <= radius_m


def check_radius(radius_m: int) -> int:
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise DomainError("nearby.bad_radius", value=radius_m, allowed=f"1–{MAX_RADIUS_M}")
    return radius_m
