"""已有人反映？ The open reports of a matter near a place or a pin, read in a transaction of their own
(the edges open no unit of work), with the number each is known by in public (案件编号)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from liandong.domain.cases.record import CaseRecord
from liandong.domain.nearby import DEFAULT_RADIUS_M, Point, Spot, check_radius
from liandong.services.ports import UnitOfWork


@dataclass(frozen=True)
class Nearby:
    """One report found: the case as recorded, its number, and how far it is from the pin (None
    when found by its place alone, or it had no pin)."""

    record: CaseRecord
    number: str
    distance_m: float | None


def nearby_open(uow: Callable[[], UnitOfWork], *, matter: str, place: str = "", point: Point | None = None,
                radius_m: int = DEFAULT_RADIUS_M, limit: int = 5) -> list[Nearby]:
    """Nearest first (those without a distance after, newest first among them)."""
    check_radius(radius_m)
    with uow() as u:
        spots: list[Spot] = u.case_reads.nearby_open(matter, place=place, point=point, radius_m=radius_m)

        def distance(spot: Spot) -> float | None:
            return point.distance_m(spot.point) if point is not None and spot.point is not None else None

        ranked = sorted(spots, key=lambda s: (distance(s) is None, distance(s) or 0.0))[:limit]
        found = []
        for spot in ranked:
            case = u.case_reads.get(spot.case_id)
            if case is not None:
                found.append(Nearby(case.record, u.case_reads.number_of(spot.case_id), distance(spot)))
        return found
