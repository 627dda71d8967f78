"""A scope is one range of unit codes: for every unit of the national list, the codes that start
with its prefix are exactly the unit and its descendants (直辖 districts, 东莞's townships under
the prefecture, 仙桃 under its province included), so the store can read a scope by place."""

from __future__ import annotations

import bisect

import pytest

from liandong.domain.hierarchy import CENTRAL_CODE
from liandong.services.ports import prefix_end, scope_prefix
from tests.factories.worlds import national


def test_the_prefix_of_every_unit_selects_exactly_its_subtree() -> None:
    h = national()
    codes = sorted(u.code for u in h)
    wrong = []
    for unit in h:
        prefix = scope_prefix(unit.code)
        end = prefix_end(prefix)
        lo = bisect.bisect_left(codes, prefix)
        hi = bisect.bisect_left(codes, end) if end is not None else len(codes)
        if set(codes[lo:hi]) != {d.code for d in h.descendants(unit.code)}:
            wrong.append(unit.code)
    assert wrong == []


@pytest.mark.parametrize(("scope", "prefix"), [
    (CENTRAL_CODE, ""), ("320000", "32"), ("110000", "11"), ("320200", "3202"), ("441900", "4419"),
    ("320213", "320213"), ("429004", "429004"), ("320213001", "320213001"), ("3202", "3202")])
def test_prefixes(scope: str, prefix: str) -> None:
    assert scope_prefix(scope) == prefix


@pytest.mark.parametrize(("prefix", "end"), [
    ("32", "33"), ("3209", "321"), ("320299", "3203"), ("99", None), ("", None), ("320213001", "320213002")])
def test_the_end_of_a_prefix_range(prefix: str, end: str | None) -> None:
    assert prefix_end(prefix) == end
    if end is not None:
        assert prefix <= prefix + "999" < end and not (prefix <= end < prefix + "~")
