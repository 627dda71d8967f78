"""The national list as plain look-ups (``reference_data.national_list``, what ``liandong org path | lca |
search`` read) answers as the precomputed ``HierarchyIndex`` does; ``unit_view`` reads one unit back
from a store in the order the index gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.reference_data import national_hierarchy, national_list
from liandong.domain.errors import DomainError
from liandong.services.organisation import unit_view

H = national_hierarchy()
N = national_list()
CODES = [u.code for u in H]
# the centre, a province, 无锡, 梁溪区, a street; 东莞 (townships under a prefecture); 仙桃 (a county
# under its province); 大兴安岭 and 海西 (counties listed before townships, out of code order)
SAMPLE = ["100000", "320000", "320200", "320213", "320213001", "441900", "441900003", "429004",
          "232700", "632800", "110101"]


@pytest.mark.parametrize("code", SAMPLE)
def test_units_parents_paths_and_children_are_the_index_s(code: str) -> None:
    assert N.get(code) == H.get(code)
    assert N.parent(code) == H.parent(code)
    assert N.path(code) == H.path(code)
    assert N.children(code) == H.children(code)


@given(st.lists(st.sampled_from(CODES), min_size=1, max_size=4))
@settings(max_examples=200, deadline=None)
def test_the_lowest_common_ancestor_is_the_index_s(codes: list[str]) -> None:
    assert N.lca(codes) == H.lca(codes)


@pytest.mark.parametrize("text", ["梁溪", "东城", "中华", "朝阳区", "鼓楼", "  江苏省 ", "", "不存在的地名"])
@pytest.mark.parametrize("limit", [1, 20, 500])
def test_search_finds_and_orders_as_the_index(text: str, limit: int) -> None:
    assert N.search(text, limit) == H.search(text, limit)


@pytest.mark.parametrize("code", ["320299", "99", "32021300199", "abc", "3202x13"])
def test_an_unknown_code_is_refused_with_the_index_s_suggestions(code: str) -> None:
    with pytest.raises(DomainError) as ours:
        N.get(code)
    with pytest.raises(DomainError) as theirs:
        H.get(code)
    assert (ours.value.code, ours.value.params) == (theirs.value.code, theirs.value.params)
    assert ours.value.code == "jurisdiction.unknown"
    with pytest.raises(DomainError) as lca:
        N.lca(["320213", code])
    assert lca.value.params == theirs.value.params
    with pytest.raises(DomainError, match=r"lca\.empty"):
        N.lca([])


def test_unit_view_reads_a_stored_unit_in_the_index_s_order() -> None:
    uow = MemoryUnitOfWork()
    codes = {u.code for code in ("232700", "320213") for u in (*H.path(code), *H.children(code))}
    with uow:
        uow.organisation.add_units(u for u in H if u.code in codes)  # parents first, as listed
        uow.commit()
    view = unit_view(uow=uow, code="232700")
    assert view is not None
    assert view.unit == H.get("232700") and view.parent == H.parent("232700")
    assert tuple(view.path) == H.path("232700")
    assert list(view.children) == H.children("232700")  # counties first, then townships
    assert view.departments == ()
    centre = unit_view(uow=uow, code="100000")
    assert centre is not None and centre.parent is None and [u.code for u in centre.path] == ["100000"]
    assert unit_view(uow=uow, code="340104") is None  # in the national list, not in this store
    assert unit_view(uow=uow, code="999999") is None
