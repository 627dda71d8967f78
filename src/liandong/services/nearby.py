"""已有人反映？ The open reports of a matter near a place or a pin, read in a transaction of their own
(the edges open no unit of work), with the number each is known by in public (案件编号)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from liandong.domain.cases.record import CaseRecord
from liandong.domain.nearby import DEFAULT_RADIUS_M, Point, check_radius, ranked
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
    """Within the radius, nearest first; then the township's others, newest first
    (``domain.nearby.ranked``)."""
    check_radius(radius_m)
    with uow() as u:
        spots = u.case_reads.nearby_open(matter, place=place, point=point, radius_m=radius_m, limit=4 * limit)
        found = []
        for spot, distance in ranked(spots, point, radius_m)[:limit]:
            case = u.case_reads.get(spot.case_id)
            if case is not None:
                found.append(Nearby(case.record, spot.number, distance))
        return found
