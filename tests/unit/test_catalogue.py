"""Functional systems, departments by level, governance elements and the responsibility list."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.adapters.reference_data import default_catalogue, load_catalogue
from liandong.domain.catalogue import count_departments_in, departments_in, parse_scope
from liandong.domain.errors import DomainError, ReferenceDataError
from liandong.domain.hierarchy import Level
from liandong.domain.organisation import Action, departments_of
from liandong.domain.responsibility import Severity, TimeLimit
from liandong.i18n.messages import explain
from tests.factories.worlds import national

H = national()
CAT = default_catalogue()
DATA = Path(__file__).resolve().parents[2] / "src" / "liandong" / "data"

REQUIRED_SYSTEMS = {"public_security", "civil_affairs", "eco_environment", "housing",
                    "urban_management", "emergency", "health", "market_regulation",
                    "human_resources", "transport", "water", "natural_resources",
                    "agriculture", "education", "petition"}


def names(code: str) -> dict[str, str]:
    return {d.system_code: d.name for d in departments_of(H.get(code), CAT.systems.values())}


def test_at_least_the_fifteen_systems_of_the_design() -> None:
    assert set(CAT.systems) >= REQUIRED_SYSTEMS
    assert len(CAT.systems) >= 15


def test_department_names_follow_each_level() -> None:
    assert names("100000")["eco_environment"] == "生态环境部"
    assert names("320000")["eco_environment"] == "江苏省生态环境厅"
    assert names("320200")["eco_environment"] == "无锡市生态环境局"
    assert names("320213")["eco_environment"] == "梁溪生态环境分局"
    assert names("320213001")["public_security"] == "崇安寺派出所"
    assert names("100000")["gov"] == "国务院"
    assert names("320213001")["gov"] == "崇安寺街道办事处"
    assert names("320281")["public_security"] == "江阴市公安局"  # a county-level city: no 分局


def test_municipalities_act_as_province_and_city() -> None:
    beijing = names("110000")
    assert beijing["public_security"] == "北京市公安局"
    assert beijing["gov"] == "北京市人民政府"
    assert names("110101")["public_security"] == "东城公安分局"


def test_levels_without_a_department() -> None:
    township = names("320213001")
    assert "eco_environment" not in township  # no township ecology office
    assert "petition" not in township
    assert "public_security" in township
    assert names("810000") == {"gov": "香港特别行政区政府"}


def test_scope_includes_ancestors_and_subtree() -> None:
    scope = parse_scope("320200", H)
    units = [u.code for u in scope.units(H)]
    assert units[:3] == ["100000", "320000", "320200"]
    assert "320213001" in units and "320500" not in units
    deps = list(departments_in(scope, H, CAT))
    assert len(deps) == count_departments_in(scope, H, CAT)
    assert len({d.code for d in deps}) == len(deps)
    assert parse_scope("32", H).root == "320000"
    assert parse_scope("all", H).root == "100000"
    with pytest.raises(DomainError, match=r"jurisdiction\.unknown"):
        parse_scope("329999", H)


def test_governance_elements_follow_the_article() -> None:
    g = CAT.governance
    assert {e.name for e in g.of_level(Level.CENTRAL)} == {"政策制定", "统筹规划", "指导督促",
                                                          "资源支持", "信息发布"}
    assert {e.name for e in g.of_level(Level.CITY)} == {"项目实施", "资源保障", "沟通协调",
                                                       "舆情应对", "考核评估"}
    assert {"政策执行", "问题反馈", "基层治理"} <= {e.name for e in g.of_level(Level.TOWNSHIP)}
    assert not g.allows(Level.TOWNSHIP, Action.ISSUE_PILOT)
    assert g.allows(Level.PROVINCE, Action.ISSUE_PILOT)
    assert g.allows(Level.CITY, Action.CONTRACT_PROJECT)
    assert [e.name for e in g.granting(Level.CITY, Action.CONTRACT_PROJECT)] == ["项目实施"]
    assert g.allows(Level.TOWNSHIP, Action.SUMMON)


def test_responsibility_list_is_rich_and_consistent() -> None:
    matters = CAT.matters
    assert len(matters) >= 60
    for m in matters.matters.values():
        assert m.lead is None or m.lead in CAT.systems
        assert set(m.assist) <= set(CAT.systems)
        assert m.default_severity in m.severities
        assert set(m.limits) == set(m.severities)
        assert m.keywords
    wage = matters.get("wage_arrears")
    assert wage.lead == "human_resources"
    assert any(m.severities == tuple(Severity) for m in matters.matters.values())
    gaps = [m for m in matters.matters.values() if m.lead is None]
    assert 1 <= len(gaps) <= 2


def test_unknown_matter_suggests_near_codes() -> None:
    with pytest.raises(DomainError) as info:
        CAT.matters.get("wage_arrear")
    assert "wage_arrears" in info.value.params["suggestions"]


def test_time_limits() -> None:
    assert TimeLimit.parse("7wd") == TimeLimit(7, "wd")
    assert TimeLimit.parse("24h") == TimeLimit(24, "h")
    for bad in ("7d", "0h", "wd", "-1h"):
        with pytest.raises(DomainError, match=r"limit\.bad"):
            TimeLimit.parse(bad)


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_matter_naming_an_unknown_system_is_refused_clearly(tmp_path: Path) -> None:
    path = _broken(tmp_path, "matters.toml", 'lead = "human_resources"', 'lead = "labour"')
    with pytest.raises(ReferenceDataError) as info:
        load_catalogue(matters=path)
    message = explain(info.value, "zh")
    assert str(path) in message and "labour" in message and "human_resources" in message
    assert "matters[" in info.value.params["entry"]
    assert "not allowed" in explain(info.value, "en")


def test_a_malformed_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "systems.toml"
    path.write_text('version = "1"\n[[systems]\ncode = "x"\n', encoding="utf-8")
    with pytest.raises(ReferenceDataError) as info:
        load_catalogue(systems=path)
    assert info.value.code == "data.bad_toml"
    assert str(path) in explain(info.value, "en")


@pytest.mark.parametrize(("name", "old", "new", "code"), [
    ("systems.toml", 'central = "公安部"', 'centre = "公安部"', "data.not_allowed"),
    ("systems.toml", '{name}民政厅', '{city}民政厅', "data.bad_placeholder"),
    ("systems.toml", 'code = "justice"', 'code = "public_security"', "data.duplicate_code"),
    ("governance.toml", 'actions = ["allocate_resources"]', 'actions = ["print_money"]',
     "data.not_allowed"),
    ("matters.toml", 'default_severity = "routine"', 'default_severity = "V"',
     "data.not_allowed"),
    ("matters.toml", 'name_en = ', 'english = ', "data.unknown_field"),
])
def test_other_broken_entries(tmp_path: Path, name: str, old: str, new: str, code: str) -> None:
    path = _broken(tmp_path, name, old, new)
    with pytest.raises(ReferenceDataError) as info:
        load_catalogue(**{name.removesuffix(".toml"): path})
    assert info.value.code == code
    assert info.value.params["source"] == str(path)
    assert "{" not in explain(info.value, "zh").replace("{city}", "")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"data\.unreadable"):
        load_catalogue(matters=tmp_path / "nope.toml")
