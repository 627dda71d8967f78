"""The routing rule of DESIGN §4 on the real hierarchy and responsibility list."""

from __future__ import annotations

import pytest

from liandong.adapters.reference_data import default_catalogue
from liandong.domain.cases.routing import Role, Router, Rule
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import Severity
from tests.factories.worlds import national

H = national()
CAT = default_catalogue()
ROUTER = Router(H, CAT)
M = CAT.matters

# 梁溪区 (无锡) townships, 吴中区 (苏州), 蜀山区 (合肥)
LIANGXI_A, LIANGXI_B = "320213001", "320213015"
LIANGXI, HUISHAN = "320213", "320206"


def route(matter: str, severity: str, *affected: str, floor: Level | None = None,
          router: Router = ROUTER):
    return router.route(matter=M.get(matter), severity=Severity(severity), affected=affected,
                        floor=floor)


def rules_of(decision) -> list[Rule]:
    return [r.rule for r in decision.reasons]


def members(decision, role: Role) -> list[str]:
    return [code for code, r, _ in decision.members if r is role]


def test_one_township_routine_stays_in_the_township() -> None:
    d = route("social_life_noise", "routine", LIANGXI_A)
    assert d.owner.code == LIANGXI_A
    assert d.lead == f"{LIANGXI_A}-urban_management"  # 综合行政执法队
    assert rules_of(d)[0] is Rule.SCOPE and Rule.SEVERITY not in rules_of(d)
    assert members(d, Role.LEAD) == [d.lead]


def test_one_township_level_iv_goes_to_the_county() -> None:
    d = route("production_accident", "IV", LIANGXI_A)
    assert d.owner.code == LIANGXI
    assert Rule.SEVERITY in rules_of(d)
    assert d.lead == f"{LIANGXI}-emergency"
    assert f"{LIANGXI_A}-emergency" in members(d, Role.ASSIST)  # executes on the ground


def test_two_townships_of_one_county_go_to_the_county() -> None:
    d = route("social_life_noise", "routine", LIANGXI_A, LIANGXI_B)
    assert d.owner.code == LIANGXI
    assert d.lead == f"{LIANGXI}-urban_management"
    assert set(members(d, Role.ASSIST)) >= {f"{LIANGXI_A}-urban_management",
                                            f"{LIANGXI_B}-urban_management",
                                            f"{LIANGXI}-public_security"}  # an assisting system


def test_two_counties_of_one_city_go_to_the_city() -> None:
    d = route("social_life_noise", "routine", LIANGXI, HUISHAN)
    assert d.owner.code == "320200"


def test_wuxi_liangxi_and_suzhou_wuzhong_go_to_the_province() -> None:
    d = route("river_pollution", "routine", "320213", "320506")
    assert d.owner.code == "320000"
    assert d.lead == "320000-water"


def test_jiangsu_and_anhui_go_to_the_centre() -> None:
    d = route("river_pollution", "routine", "320213", "340104")
    assert d.owner.code == "100000"
    assert d.lead == "100000-water"


def test_level_ii_in_one_township_goes_to_the_province_with_supervisors_between() -> None:
    d = route("production_accident", "II", LIANGXI_A)
    assert d.owner.code == "320000"
    assert d.lead == "320000-emergency"
    assert members(d, Role.ASSIST)[0] == f"{LIANGXI_A}-emergency"  # the township executes
    assert set(members(d, Role.SUPERVISE)) == {f"{LIANGXI}-emergency", "320200-emergency"}
    assert "320000-gov" in members(d, Role.OBSERVE)


def test_co_presence_off_leaves_no_supervisors() -> None:
    d = route("production_accident", "II", LIANGXI_A, router=Router(H, CAT, co_presence=False))
    assert members(d, Role.SUPERVISE) == []


def test_no_lead_system_department_at_the_owner_level_falls_back_to_the_government() -> None:
    # a system without a township office (生态环境, 教育 …): the street office leads
    matter = next(m for m in M.matters.values() if m.authority is None and m.lead
                  and not ROUTER.has_department(H.get(LIANGXI_A), m.lead))
    d = route(matter.code, "routine", LIANGXI_A)
    assert d.owner.code == LIANGXI_A
    assert d.lead == f"{LIANGXI_A}-gov"
    assert Rule.FALLBACK in rules_of(d) and not d.gap


def test_a_missing_responsibility_entry_is_flagged_as_a_gap() -> None:
    gap = next(m for m in M.matters.values() if m.lead is None)
    d = route(gap.code, "routine", LIANGXI_A, LIANGXI_B)
    assert d.gap and Rule.GAP in rules_of(d)
    assert d.lead == f"{LIANGXI}-gov"


def test_authority_floor_raises_the_owner() -> None:
    county = next(m for m in M.matters.values() if m.authority is Level.COUNTY and m.lead
                  and "routine" in [s.value for s in m.severities])
    d = route(county.code, "routine", LIANGXI_A)
    assert d.owner.code == LIANGXI and Rule.AUTHORITY in rules_of(d)


def test_beijing_district_case_the_municipality_acts_as_city_and_province() -> None:
    dongcheng = "110101"
    street = H.children(dongcheng)[0].code
    d = route("production_accident", "III", street)  # a city-level event
    assert d.owner.code == "110000" and Rule.MISSING_LEVEL in rules_of(d)
    assert d.lead == "110000-emergency"
    d = route("production_accident", "II", street)  # a province-level event: the same node
    assert d.owner.code == "110000"


def test_dongguan_township_at_county_severity_goes_to_the_city() -> None:
    d = route("production_accident", "IV", "441900003")
    assert d.owner.code == "441900" and Rule.MISSING_LEVEL in rules_of(d)


def test_escalation_floor() -> None:
    d = route("social_life_noise", "routine", LIANGXI_A, floor=Level.COUNTY)
    assert d.owner.code == LIANGXI and Rule.ESCALATION in rules_of(d)


def test_refusals() -> None:
    with pytest.raises(DomainError, match=r"case\.no_place"):
        route("social_life_noise", "routine")
    with pytest.raises(DomainError, match=r"matter\.severity_not_allowed"):
        route("social_life_noise", "II", LIANGXI_A)
    with pytest.raises(DomainError, match=r"jurisdiction\.unknown"):
        route("social_life_noise", "routine", "999999")


def test_supervisor_of_is_the_same_system_one_level_up() -> None:
    assert ROUTER.supervisor_of(f"{LIANGXI}-emergency") == "320200-emergency"
    assert ROUTER.supervisor_of(f"{LIANGXI_A}-gov") == f"{LIANGXI}-gov"
    assert ROUTER.supervisor_of(f"{LIANGXI_A}-public_security") == f"{LIANGXI}-public_security"
    assert ROUTER.supervisor_of("100000-gov") == "100000-gov"
    ROUTER.check_department(f"{LIANGXI}-emergency")
    with pytest.raises(DomainError, match=r"department\.unknown"):
        ROUTER.check_department(f"{LIANGXI_A}-eco_environment")
