"""Place from text: the hand-written address and report set (tests/data/place_addresses.toml),
and the individual rules of ``liandong.insight.place``."""

from __future__ import annotations

import dataclasses
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Kind, Level
from liandong.domain.places import PlaceIndex
from liandong.insight.place import PlaceMatch, PlaceResolver
from liandong.insight.place_names import fast_short_name, unit_forms

DATA = Path(__file__).parents[2] / "data" / "place_addresses.toml"
PROVINCES_ON_THE_MAINLAND = 31


@pytest.fixture(scope="module")
def hierarchy(national: HierarchyIndex) -> HierarchyIndex:
    return national  # the data set's places are all over the country


@pytest.fixture(scope="module")
def resolver(hierarchy: HierarchyIndex) -> PlaceResolver:
    return PlaceResolver(hierarchy)


@pytest.fixture(scope="module")
def cases() -> list[dict[str, Any]]:
    return list(tomllib.loads(DATA.read_text(encoding="utf-8"))["case"])


def _unit(level: Level, name: str) -> Jurisdiction:
    return Jurisdiction("999999", name, level, None, Kind.OTHER)


# -- the data set ---------------------------------------------------------------------------
def test_every_code_in_the_data_is_the_place_its_path_names(cases: list[dict[str, Any]],
                                                              hierarchy: HierarchyIndex) -> None:
    for case in cases:
        codes = case["candidates"] if case["expect"] == "ambiguous" else [case["expect"]]
        if case["expect"] == "not_found":
            continue
        paths = [" ".join(a.name for a in hierarchy.path(code)[1:]) for code in codes]
        assert " | ".join(paths) == case["where"], case["text"]


def test_the_data_covers_every_province_and_the_hard_kinds(cases: list[dict[str, Any]],
                                                           hierarchy: HierarchyIndex) -> None:
    assert len(cases) >= 200
    assert len({c["text"] for c in cases}) == len(cases)
    resolved = [c for c in cases if c["expect"] not in ("ambiguous", "not_found")]
    per_province = Counter(hierarchy.nearest_at_or_above(c["expect"], Level.PROVINCE).code for c in resolved)
    assert len(per_province) == PROVINCES_ON_THE_MAINLAND
    assert min(per_province.values()) >= 4
    kinds = Counter(c["expect"] if c["expect"] in ("ambiguous", "not_found") else "code" for c in cases)
    assert kinds["ambiguous"] >= 20 and kinds["not_found"] >= 20
    townships = sum(1 for c in resolved if hierarchy.get(c["expect"]).level is Level.TOWNSHIP)
    assert townships >= 150
    sumu = [c for c in resolved if hierarchy.get(c["expect"]).kind is Kind.SUMU]
    assert len(sumu) >= 2


def test_precision_on_the_data_set_is_at_least_98_percent(cases: list[dict[str, Any]],
                                                          resolver: PlaceResolver) -> None:
    outcomes = [(case, resolver.match(case["text"])) for case in cases]
    resolved = [(case, found) for case, found in outcomes if found.status == "resolved"]
    assert all(found.unit is not None for _, found in resolved)
    wrong = [(case["text"], case["expect"], found.unit.code if found.unit else None)
             for case, found in resolved if found.unit is None or found.unit.code != case["expect"]]
    precision = 1 - len(wrong) / len(resolved)
    expected = [c for c in cases if c["expect"] not in ("ambiguous", "not_found")]
    recall = (len(resolved) - len(wrong)) / len(expected)
    print(f"\nplace from text: precision {precision:.1%} on {len(resolved)} resolved, "
          f"recall {recall:.1%} of {len(expected)} placeable texts")
    assert precision >= 0.98, wrong
    assert recall >= 0.90  # a floor: a resolver that answers nothing is no resolver


def test_every_ambiguous_text_is_reported_ambiguous_with_its_candidates(
        cases: list[dict[str, Any]], resolver: PlaceResolver) -> None:
    for case in (c for c in cases if c["expect"] == "ambiguous"):
        found = resolver.match(case["text"])
        assert found.status == "ambiguous", (case["text"], found.unit)
        assert found.unit is None
        assert set(case["candidates"]) <= {u.code for u in found.candidates}, case["text"]


def test_texts_without_a_place_are_not_found(cases: list[dict[str, Any]], resolver: PlaceResolver) -> None:
    for case in (c for c in cases if c["expect"] == "not_found"):
        found = resolver.match(case["text"])
        assert (found.status, found.unit, found.candidates) == ("not_found", None, ()), case["text"]


def test_simulator_report_texts_without_their_place_name_no_place(resolver: PlaceResolver) -> None:
    """The report templates are ordinary complaint language: with the place left out, nothing
    in them may be read as a place (小店, 公安, 日照, 天全 and 延长 all occur in them)."""
    doc = tomllib.loads(resources.files("liandong.data").joinpath("report_texts.toml").read_text("utf-8"))
    pools = doc["pools"]
    texts = [template.format(place="", county="", spot=spot, when=when, days=days)
             for entry in doc["texts"] for template in entry["templates"]
             for spot, when, days in zip(pools["spot"][:3], pools["when"][:3], pools["days"][:3],
                                         strict=True)]
    assert len(texts) >= 1000
    outcomes = [(t, resolver.match(t).status) for t in texts]
    placed = [(t, status) for t, status in outcomes if status != "not_found"]
    assert len(placed) <= len(texts) // 200, placed[:10]  # at most 0.5 %


def test_an_empty_text_is_not_found(resolver: PlaceResolver) -> None:
    assert resolver.match("") == PlaceMatch("not_found", None, (), (), 0.0)
    with pytest.raises(DomainError) as error:
        resolver.resolve("   ")
    assert error.value.code == "place.not_found"


# -- forms --------------------------------------------------------------------------------
def test_forms_of_autonomous_units_drop_the_peoples() -> None:
    assert unit_forms(_unit(Level.CITY, "恩施土家族苗族自治州")) == [
        ("恩施土家族苗族自治州", True), ("恩施州", False), ("恩施", False)]
    assert ("长阳县", False) in unit_forms(_unit(Level.COUNTY, "长阳土家族自治县"))
    assert ("鄂温克旗", False) in unit_forms(_unit(Level.COUNTY, "鄂温克族自治旗"))
    assert ("官渡乡", False) in unit_forms(_unit(Level.TOWNSHIP, "官渡回族乡"))


def test_forms_of_new_areas_and_district_offices() -> None:
    assert unit_forms(_unit(Level.COUNTY, "浦东新区")) == [("浦东新区", True), ("浦东", False)]
    assert ("某某街道", True) in unit_forms(_unit(Level.TOWNSHIP, "某某街道办事处"))
    assert unit_forms(_unit(Level.PROVINCE, "内蒙古自治区"))[1:] == [("内蒙", False), ("内蒙古", False)]


def test_fast_short_name_agrees_with_the_domain_on_the_whole_list(hierarchy: HierarchyIndex) -> None:
    assert all(fast_short_name(u.name) == u.short_name for u in hierarchy)


# -- the rules ----------------------------------------------------------------------------
def test_a_form_inside_a_longer_one_is_dropped(resolver: PlaceResolver) -> None:
    found = resolver.match("无锡市梁溪区")
    assert [e.name for e in found.evidence] == ["无锡市", "梁溪区"]


def test_evidence_spans_point_at_the_text(resolver: PlaceResolver) -> None:
    text = "我是江苏无锡人，现在住在北京市朝阳区望京街道"
    found = resolver.match(text)
    assert found.unit is not None and found.unit.code == "110105026"
    assert found.evidence
    assert all(text[e.start:e.end] == e.name for e in found.evidence)
    assert {e.code for e in found.evidence} == {"110000", "110105", "110105026"}


def test_a_short_form_before_a_road_or_landmark_word_names_the_road(resolver: PlaceResolver) -> None:
    assert resolver.match("南京路上人太多").status == "not_found"
    assert resolver.match("在南京市区人太多").status == "resolved"
    assert resolver.match("石家庄新华区革新街有个大坑").unit == resolver.match("石家庄新华区").unit


def test_a_form_straddling_a_commoner_word_is_dropped(resolver: PlaceResolver) -> None:
    assert resolver.match("每天津贴都不按时发").status == "not_found"
    assert resolver.match("三天水变黄了").status == "not_found"
    found = resolver.match("天津市和平区南营门街道")
    assert found.unit is not None and found.unit.code == "120101005"


def test_weak_township_names_need_an_ancestor_in_the_text(resolver: PlaceResolver) -> None:
    assert resolver.match("望京那边在修路").status == "not_found"
    found = resolver.match("朝阳区望京那边在修路")
    assert found.unit is not None and found.unit.name == "望京街道"


def test_two_character_county_names_need_confirmation(resolver: PlaceResolver) -> None:
    assert resolver.match("浦东有个工地").status == "not_found"
    found = resolver.match("浦东张江有个工地")
    assert found.unit is not None and found.unit.name == "张江镇"
    assert resolver.match("朝阳朝阳").status == "not_found"  # a repeated word confirms nothing


def test_city_short_names_stand_alone_unless_common_words(resolver: PlaceResolver) -> None:
    found = resolver.match("东莞有家工厂偷排")
    assert found.unit is not None and found.unit.code == "441900"
    assert resolver.match("冬天日照不足").status == "not_found"
    found = resolver.match("日照市东港区")
    assert found.unit is not None and found.unit.name == "东港区"


def test_generic_full_names_are_weak(resolver: PlaceResolver) -> None:
    assert resolver.match("老城区的房子漏水").status == "not_found"
    found = resolver.match("阳泉市城区")
    assert found.unit is not None and found.unit.code == "140302"


def test_a_short_form_of_a_unit_and_its_descendant_means_the_ancestor(resolver: PlaceResolver) -> None:
    found = resolver.match("长沙有个小区停水")
    assert found.unit is not None and found.unit.code == "430100"  # 长沙市, not 长沙县


def test_the_better_supported_of_two_places_wins(resolver: PlaceResolver) -> None:
    found = resolver.match("我在海淀区上班，家住北京市朝阳区望京街道")
    assert found.status == "resolved" and found.unit is not None and found.unit.name == "望京街道"
    assert 0 < found.confidence < resolver.match("北京市朝阳区望京街道").confidence <= 1


def test_confidence_grows_with_the_evidence(resolver: PlaceResolver) -> None:
    alone = resolver.match("梁溪区有人占道").confidence
    full = resolver.match("江苏省无锡市梁溪区有人占道").confidence
    assert 0 < alone < full <= 1
    assert resolver.match("没有地点").confidence == 0.0


# -- the contract shared with PlaceIndex -----------------------------------------------------
def test_resolve_raises_the_same_errors_as_place_index(resolver: PlaceResolver,
                                                        hierarchy: HierarchyIndex) -> None:
    old = PlaceIndex(hierarchy)
    for text in ("新华区", "楼下很吵"):
        with pytest.raises(DomainError) as new_error:
            resolver.resolve(text)
        with pytest.raises(DomainError) as old_error:
            old.resolve(text)
        assert new_error.value.code == old_error.value.code
        assert set(new_error.value.params) == set(old_error.value.params)
        assert new_error.value.params["text"] == text
        if new_error.value.code == "place.ambiguous":
            assert (set(new_error.value.params["candidates"].split("、"))
                    == set(old_error.value.params["candidates"].split("、")))
    with pytest.raises(DomainError) as error:
        resolver.resolve("朝阳区")
    assert set(error.value.params["candidates"].split("、")) == {"北京市 朝阳区", "吉林省 长春市 朝阳区"}


def test_resolve_agrees_with_place_index_on_plain_addresses(resolver: PlaceResolver,
                                                             hierarchy: HierarchyIndex) -> None:
    old = PlaceIndex(hierarchy)
    for text in ("江苏省无锡市梁溪区崇安寺街道", "北京市朝阳区望京街道", "东莞市虎门镇", "仙桃市沙嘴街道",
                 "石家庄市新华区", "内蒙古自治区锡林郭勒盟阿巴嘎旗那仁宝拉格苏木"):
        assert resolver.resolve(text) == old.resolve(text)


def test_match_many_is_match_for_each_text(resolver: PlaceResolver) -> None:
    texts = ["东莞市虎门镇", "朝阳区", "楼下很吵"]
    assert resolver.match_many(texts) == [resolver.match(t) for t in texts]
    assert [m.status for m in resolver.match_many(texts)] == ["resolved", "ambiguous", "not_found"]


def test_a_match_is_frozen(resolver: PlaceResolver) -> None:
    found: PlaceMatch = resolver.match("东莞市虎门镇")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.status = "ambiguous"  # type: ignore[misc]
