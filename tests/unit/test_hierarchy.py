"""The national hierarchy: counts, real level skips, paths, descendants and LCA."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liandong.adapters.reference_data import national_list_info
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import (
    CENTRAL_CODE,
    HierarchyIndex,
    Jurisdiction,
    Kind,
    Level,
    kind_of,
    short_name,
)
from tests.factories.worlds import national

H = national()
CODES = [u.code for u in H]


def test_counts_per_level_equal_the_packages_own_metadata() -> None:
    info = national_list_info()
    counts = H.count_by_level()
    assert counts[Level.CENTRAL] == 1
    for level, n in info.counts.items():
        assert counts[level] == n
    assert info.counts == {Level.PROVINCE: 33, Level.CITY: 333, Level.COUNTY: 2845,
                           Level.TOWNSHIP: 38723}
    assert info.data_as_of == "2025-12-31"


def test_every_unit_has_a_parent_at_a_higher_level() -> None:
    for unit in H:
        if unit.code == CENTRAL_CODE:
            assert unit.parent_code is None
            continue
        parent = H.get(unit.parent_code or "")
        assert parent.level < unit.level, unit


def test_municipality_districts_sit_directly_under_the_municipality() -> None:
    dongcheng = H.get("110101")
    assert dongcheng.name == "东城区"
    assert [u.code for u in H.path("110101")] == [CENTRAL_CODE, "110000", "110101"]
    assert H.ancestor_at("110101", Level.CITY) is None
    assert H.nearest_at_or_above("110101", Level.CITY).code == "110000"
    assert H.get("110000").kind is Kind.MUNICIPALITY
    for code in ("120000", "310000", "500000"):
        assert H.get(code).is_municipality
        assert all(c.level is Level.COUNTY for c in H.children(code))


def test_townships_sit_directly_under_cities_without_counties() -> None:
    for city in ("441900", "442000", "460400", "620200"):  # 东莞, 中山, 儋州, 嘉峪关
        kids = H.children(city)
        assert kids and all(k.level is Level.TOWNSHIP for k in kids), city
    dongcheng = H.get("441900003")
    assert [u.name for u in H.path(dongcheng.code)] == ["中华人民共和国", "广东省", "东莞市",
                                                         "东城街道"]
    assert H.ancestor_at(dongcheng.code, Level.COUNTY) is None
    assert H.nearest_at_or_above(dongcheng.code, Level.COUNTY).code == "441900"


def test_county_level_cities_sit_directly_under_a_province() -> None:
    xiantao = H.get("429004")
    assert (xiantao.name, xiantao.parent_code, xiantao.kind) == ("仙桃市", "420000",
                                                                  Kind.COUNTY_CITY)
    assert H.ancestor_at("429004", Level.CITY) is None
    assert H.get("429021").kind is Kind.FORESTRY_DISTRICT  # 神农架林区
    town = H.children("429004")[0]
    assert H.lca([town.code, "420100"]).code == "420000"


def test_lca_examples_of_the_issue() -> None:
    assert H.lca(["320213", "320506"]).name == "江苏省"
    assert H.lca(["320213", "340104"]).name == "中华人民共和国"
    assert H.lca(["320213"]).code == "320213"
    assert H.lca(["320213001", "320213015"]).code == "320213"
    assert H.lca(["320213", "320214"]).code == "320200"


def _walk_lca(a: str, b: str) -> str:
    """Brute force: climb parent links in dicts until the two walks meet."""
    above_a = []
    unit: Jurisdiction | None = H.get(a)
    while unit is not None:
        above_a.append(unit.code)
        unit = H.get(unit.parent_code) if unit.parent_code else None
    unit = H.get(b)
    while unit is not None:
        if unit.code in above_a:
            return unit.code
        unit = H.get(unit.parent_code) if unit.parent_code else None
    raise AssertionError("no common ancestor")


codes = st.sampled_from(CODES)


@settings(max_examples=500, deadline=None)
@given(codes, codes)
def test_lca_matches_a_brute_force_walk(a: str, b: str) -> None:
    assert H.lca([a, b]).code == _walk_lca(a, b)


@settings(max_examples=200, deadline=None)
@given(st.lists(codes, min_size=1, max_size=6))
def test_lca_of_many_is_an_ancestor_of_each_and_the_lowest(group: list[str]) -> None:
    lca = H.lca(group).code
    assert all(H.is_ancestor(lca, c) for c in group)
    for child in H.children(lca):
        assert not all(H.is_ancestor(child.code, c) for c in group)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, len(CODES) - 1), min_size=2, max_size=200))
def test_vectorised_lca_equals_the_scalar_one(ids: list[int]) -> None:
    a = np.asarray(ids[::2][: len(ids) // 2], dtype=np.int32)
    b = np.asarray(ids[1::2][: len(a)], dtype=np.int32)
    got = H.lca_many(a, b)
    assert [int(x) for x in got] == [H.lca_id(int(x), int(y)) for x, y in zip(a, b, strict=True)]


def test_descendants_and_subtree_are_consistent() -> None:
    wuxi = list(H.descendants("320200"))
    assert wuxi[0].code == "320200"
    assert len(wuxi) == H.subtree_size("320200")
    assert all(H.is_ancestor("320200", u.code) for u in wuxi)
    townships = list(H.descendants("320200", Level.TOWNSHIP))
    assert townships and all(u.code.startswith("3202") and u.level is Level.TOWNSHIP
                             for u in townships)
    assert not H.is_ancestor("320200", "320500")
    assert H.subtree_size(CENTRAL_CODE) == len(H)


def test_unknown_code_names_the_nearest_matches() -> None:
    with pytest.raises(DomainError) as info:
        H.get("320299")
    assert info.value.code == "jurisdiction.unknown"
    assert "320200" in info.value.params["suggestions"]
    with pytest.raises(DomainError):
        H.lca(["320213", "999999"])


@pytest.mark.parametrize(("name", "level", "code", "kind"), [
    ("江苏省", Level.PROVINCE, "320000", Kind.PROVINCE),
    ("北京市", Level.PROVINCE, "110000", Kind.MUNICIPALITY),
    ("广西壮族自治区", Level.PROVINCE, "450000", Kind.AUTONOMOUS_REGION),
    ("香港特别行政区", Level.PROVINCE, "810000", Kind.SAR),
    ("无锡市", Level.CITY, "320200", Kind.PREFECTURE_CITY),
    ("延边朝鲜族自治州", Level.CITY, "222400", Kind.AUTONOMOUS_PREFECTURE),
    ("阿拉善盟", Level.CITY, "152900", Kind.LEAGUE),
    ("梁溪区", Level.COUNTY, "320213", Kind.DISTRICT),
    ("江阴市", Level.COUNTY, "320281", Kind.COUNTY_CITY),
    ("额济纳旗", Level.COUNTY, "152923", Kind.BANNER),
    ("梅村街道", Level.TOWNSHIP, "", Kind.SUBDISTRICT),
    ("鹅湖镇", Level.TOWNSHIP, "", Kind.TOWN),
    ("满族乡", Level.TOWNSHIP, "", Kind.ETHNIC_TOWNSHIP),
    ("巴彦诺日公苏木", Level.TOWNSHIP, "", Kind.SUMU),
])
def test_kind_from_name(name: str, level: Level, code: str, kind: Kind) -> None:
    assert kind_of(name, level, code) is kind


def test_every_unit_of_the_list_has_a_known_kind() -> None:
    others = [u for u in H if u.kind is Kind.OTHER]
    assert others == []


def test_short_names() -> None:
    assert short_name("无锡市") == "无锡"
    assert short_name("梁溪区") == "梁溪"
    assert short_name("梅村街道") == "梅村"
    assert short_name("新疆维吾尔自治区") == "新疆"
    assert short_name("县") == "县"


def test_index_refuses_broken_trees() -> None:
    root = Jurisdiction("100000", "中国", Level.CENTRAL, None, Kind.COUNTRY)
    a = Jurisdiction("320000", "江苏省", Level.PROVINCE, "100000", Kind.PROVINCE)
    with pytest.raises(DomainError, match=r"hierarchy\.unknown_parent"):
        HierarchyIndex([root, Jurisdiction("320200", "无锡市", Level.CITY, "999999",
                                           Kind.PREFECTURE_CITY)])
    with pytest.raises(DomainError, match=r"hierarchy\.duplicate_code"):
        HierarchyIndex([root, a, a])
    with pytest.raises(DomainError, match=r"hierarchy\.parent_not_higher"):
        HierarchyIndex([root, a, Jurisdiction("320001", "x省", Level.PROVINCE, "320000",
                                              Kind.PROVINCE)])
    with pytest.raises(DomainError, match=r"hierarchy\.roots"):
        HierarchyIndex([root, Jurisdiction("1", "另一个", Level.CENTRAL, None, Kind.COUNTRY)])


def test_search_puts_exact_names_first() -> None:
    hits = H.search("新华区")
    assert len(hits) >= 2 and all(h.name == "新华区" for h in hits[:2])
    assert H.search("  ") == []


def test_level_parse() -> None:
    assert Level.parse("county") is Level.COUNTY
    assert Level.parse("3") is Level.COUNTY
    with pytest.raises(DomainError, match=r"level\.unknown"):
        Level.parse("village")


def test_the_small_hierarchy_of_jiangsu_agrees_with_the_national_list(jiangsu: HierarchyIndex) -> None:
    """The unit tests' 江苏 (tests.factories.worlds) is the national list cut down, not a copy of it."""
    assert jiangsu.root.code == CENTRAL_CODE and len(jiangsu) == 1 + H.subtree_size("320000")
    assert [u.code for u in jiangsu.descendants("320000")] == [u.code for u in H.descendants("320000")]
    assert all(jiangsu.path(u.code) == H.path(u.code) for u in jiangsu)
    assert jiangsu.lca(["320213001", "320506003"]).code == H.lca(["320213001", "320506003"]).code == "320000"
    with pytest.raises(DomainError, match=r"jurisdiction\.unknown"):
        jiangsu.get("110101")  # 北京 is not in it
