"""Points for "already reported?": micro-degrees, the box that holds a circle, great-circle
distances, and the ranking of what the store found (within the radius nearest first, then newest)."""

from __future__ import annotations

import math

import pytest

from liandong.domain.errors import DomainError
from liandong.domain.nearby import Point, Spot, check_radius, ranked

HERE = Point.of(31.578, 120.300)


def test_a_point_reads_and_writes_the_report_s_text() -> None:
    assert HERE.text() == "31.578000,120.300000" and Point.parse(HERE.text()) == HERE
    assert Point.parse("") is None and Point.parse("north,east") is None and Point.parse("91,0") is None
    with pytest.raises(DomainError):
        Point.of(math.nan, 120.0)


@pytest.mark.parametrize("bearing", range(0, 360, 15))
def test_the_box_holds_the_circle(bearing: int) -> None:
    lat_lo, lat_hi, lng_lo, lng_hi = HERE.box(500)
    d = 499.0 / 6_371_008.8
    lat = math.asin(math.sin(math.radians(HERE.lat)) * math.cos(d) + math.cos(math.radians(HERE.lat))
                    * math.sin(d) * math.cos(math.radians(bearing)))
    lng = math.radians(HERE.lng) + math.atan2(
        math.sin(math.radians(bearing)) * math.sin(d) * math.cos(math.radians(HERE.lat)),
        math.cos(d) - math.sin(math.radians(HERE.lat)) * math.sin(lat))
    edge = Point.of(math.degrees(lat), math.degrees(lng))
    assert 498 < HERE.distance_m(edge) < 500
    assert lat_lo <= edge.lat_e6 <= lat_hi and lng_lo <= edge.lng_e6 <= lng_hi


def test_found_reports_are_ranked_nearest_first_then_newest() -> None:
    north = Point.of(31.578 + 300 / 111_195, 120.300)
    far = Point.of(31.578 + 3000 / 111_195, 120.300)
    spots = [Spot("C3", "m", "t", None, True), Spot("C2", "m", "t", far, True),
             Spot("C1", "m", "t", north, True), Spot("C0", "m", "t", HERE, True)]
    order = [(s.case_id, None if d is None else round(d)) for s, d in ranked(spots, HERE, 500)]
    assert order == [("C0", 0), ("C1", 300), ("C3", None), ("C2", 3000)]
    assert [s.case_id for s, _ in ranked(spots, None, 500)] == ["C3", "C2", "C1", "C0"]


def test_the_radius_is_bounded() -> None:
    assert check_radius(500) == 500
    for bad in (0, -1, 5001):
        with pytest.raises(DomainError) as refused:
            check_radius(bad)
        assert refused.value.code == "nearby.bad_radius"
