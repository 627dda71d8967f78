"""派单目录: composition by place and day (province then city, the nearer wins), the routing reason
naming the catalogue and version, look-ups without a place, diffs, and every refusal naming the
file, the entry, the field and what is allowed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from liandong.adapters.catalogue_files import load, parse, to_toml
from liandong.domain.cases.case import Case
from liandong.domain.dispatch_catalogue import diff, read_local_catalogue
from liandong.domain.errors import DomainError, ReferenceDataError
from liandong.domain.hierarchy import Level
from liandong.domain.responsibility import Severity
from liandong.i18n.messages import explain, reason_text
from tests.factories.catalogues import (
    JIANGSU_2027,
    WUXI_2027,
    catalogue_file,
    catalogue_rules,
    jiangsu_catalogues,
)
from tests.factories.worlds import case_rules, catalogue, jiangsu

LIANGXI = "320213"  # 梁溪区, 无锡市
GULOU = "320106"  # 鼓楼区, 南京市
BEFORE, AFTER, LATER = (datetime(2027, 2, 10, 2, tzinfo=UTC), datetime(2027, 3, 2, 2, tzinfo=UTC),
                        datetime(2027, 6, 2, 2, tzinfo=UTC))


def read(text: str, source: str = "c/320000-x.toml") -> object:
    import tomllib

    return read_local_catalogue(tomllib.loads(text), source=source, national=catalogue().matters,
                                systems=catalogue().systems, hierarchy=jiangsu())


def refusal(text: str) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as caught:
        read(text)
    return caught.value


def test_the_version_in_force_on_the_report_day_applies_nearer_scopes_last() -> None:
    local = jiangsu_catalogues()
    before = local.matter("construction_noise", [LIANGXI], BEFORE)
    assert (before.lead, before.authority, str(before.limits[Severity.ROUTINE])) == (
        "urban_management", Level.COUNTY, "7wd")
    assert before.origins == ()
    after = local.matter("construction_noise", [LIANGXI], AFTER)
    assert (after.lead, after.authority, str(after.limits[Severity.ROUTINE])) == (
        "eco_environment", Level.CITY, "5wd")
    assert after.assist == ("housing",)  # the new lead leaves the national assists
    assert after.origins == (("320000", "2027.1", "2027-03-01", "lead+authority+limits"),)
    later = local.matter("construction_noise", [LIANGXI], LATER)  # Wuxi's own, nearer: 3wd
    assert (later.lead, str(later.limits[Severity.ROUTINE])) == ("eco_environment", "3wd")
    assert [o[:2] for o in later.origins] == [("320000", "2027.1"), ("320200", "2027.1")]
    nanjing = local.matter("construction_noise", [GULOU], LATER)  # Wuxi's does not reach Nanjing
    assert str(nanjing.limits[Severity.ROUTINE]) == "5wd"


def test_the_day_is_the_report_day_in_beijing() -> None:
    local = jiangsu_catalogues()
    eve = datetime(2027, 2, 28, 16, 30, tzinfo=UTC)  # 2027-03-01 00:30 in Beijing
    assert local.matter("construction_noise", [LIANGXI], eve).lead == "eco_environment"


def test_compositions_are_cached_per_combination_of_versions() -> None:
    local = jiangsu_catalogues()
    one = local.list_for([LIANGXI], date(2027, 3, 5))
    assert local.list_for(["320205"], date(2027, 4, 1)) is one  # another Wuxi district, same versions
    assert local.list_for([LIANGXI], date(2027, 1, 1)) is catalogue().matters.matters


def test_routing_names_the_catalogue_when_it_decided_the_lead_authority_or_limit() -> None:
    rules = catalogue_rules()
    matter = rules.matter("construction_noise", [LIANGXI], AFTER)
    decision = rules.router.route(matter=matter, severity=Severity.ROUTINE, affected=[LIANGXI])
    assert decision.owner.code == "320200" and decision.lead == "320200-eco_environment"
    last = (decision.reasons[-1].rule.value, *decision.reasons[-1].args)
    assert last == ("catalogue", "江苏省", "2027.1", "2027-03-01", "lead+authority+limits")
    cat = rules.router.catalogue
    assert reason_text(last, "zh", cat) == ("依江苏省派单目录 2027.1 版（2027-03-01 起施行）："
                                            "牵头系统、权限层级、办理时限按地方目录")
    assert reason_text(last, "en", cat) == (
        "by the dispatch catalogue of 江苏省, version 2027.1 (in force from 2027-03-01): lead system, "
        "authority level, time limits as the local catalogue sets them")
    keywords_only = rules.matter("social_life_noise", [LIANGXI], AFTER)
    assert keywords_only.keywords == ("广场舞", "夜市") and keywords_only.origins == ()
    plain = rules.router.route(matter=keywords_only, severity=Severity.ROUTINE, affected=[LIANGXI])
    assert all(r.rule.value != "catalogue" for r in plain.reasons)


def test_cases_route_by_the_version_of_their_own_report_day() -> None:
    rules = catalogue_rules()
    early = Case.report(case_id="A", matter="construction_noise", severity="routine", affected=[LIANGXI],
                        description="夜间打桩", source="hotline", now=BEFORE, rules=rules)
    late = Case.report(case_id="B", matter="construction_noise", severity="routine", affected=[LIANGXI],
                       description="夜间打桩", source="hotline", now=AFTER, rules=rules)
    for case in (early, late):
        case.dispatch(by="320200-gov", now=AFTER, rules=rules)  # both dispatched after the date
    assert (early.record.lead, early.record.limit) == ("320213-urban_management", "7wd")
    assert all(r[0] != "catalogue" for r in early.record.reasons)
    assert (late.record.lead, late.record.limit) == ("320200-eco_environment", "5wd")
    assert late.record.reasons[-1][:3] == ("catalogue", "江苏省", "2027.1")


def test_without_a_place_the_national_list_and_the_added_matters_answer() -> None:
    rules = catalogue_rules()
    assert rules.matter("construction_noise").lead == "urban_management"
    assert rules.matter("canal_boat_noise").lead == "transport"
    assert rules.matter("canal_boat_noise", [LIANGXI], LATER).origins[0][:2] == ("320200", "2027.1")
    with pytest.raises(DomainError) as caught:  # Wuxi's matter is not Nanjing's, nor Wuxi's before June
        rules.matter("canal_boat_noise", [GULOU], LATER)
    assert caught.value.code == "catalogue.matter_not_here"
    assert "南京市" not in explain(caught.value, "zh") or "鼓楼区" in explain(caught.value, "zh")
    with pytest.raises(DomainError):
        Case.report(case_id="C", matter="canal_boat_noise", severity="routine", affected=[LIANGXI],
                    description="汽笛", source="hotline", now=AFTER, rules=rules)


def test_without_catalogues_the_rules_are_the_national_list_unchanged() -> None:
    rules = case_rules()
    assert rules.catalogues is None
    national = catalogue().matters.get("construction_noise")
    assert rules.matter("construction_noise", [LIANGXI], AFTER) is national


def test_a_diff_names_each_changed_field() -> None:
    local = jiangsu_catalogues()
    wuxi = local.version("320200", "2027.1")
    nothing = read(JIANGSU_2027.replace('routine = "5wd"', 'routine = "4wd"'))
    changes = diff(local.national, local.version("320000", "2027.1"), nothing)  # type: ignore[arg-type]
    assert [(c.code, c.kind, [tuple(f) for f in c.fields]) for c in changes] == [
        ("construction_noise", "changed", [("limits", "routine=5wd", "routine=4wd")])]
    assert [(c.code, c.kind) for c in diff(local.national, wuxi, wuxi)] == []


@pytest.mark.parametrize(("change", "code", "field"), [
    (('code = "construction_noise"', 'code = "construction_nois"'), "catalogue.unknown_matter", "code"),
    (('lead = "eco_environment"', 'lead = "ecology"'), "data.not_allowed", "lead"),
    (('authority = "city"', 'authority = "prefecture"'), "data.not_allowed", "authority"),
    (('routine = "5wd"', 'routine = "5 days"'), "data.bad_limit", "limits.routine"),
    (('routine = "5wd"', 'IV = "24h"'), "data.not_allowed", "limits.IV"),
    (('effective = 2027-03-01', 'effective = "March"'), "catalogue.bad_effective", "effective"),
    (('scope = "320000"', 'scope = "320213"'), "catalogue.scope_level", "scope"),
    (('scope = "320000"', 'scope = "329999"'), "catalogue.unknown_scope", "scope"),
    (('authority = "city"', 'authority = "city"\ncolour = "red"'), "data.unknown_field", "colour"),
    (('authority = "city"', 'authority = "city"\nhotline_code = "05 02"'), "data.bad_hotline_code",
     "hotline_code"),
])
def test_bad_entries_are_refused_naming_entry_field_and_what_is_allowed(
        change: tuple[str, str], code: str, field: str) -> None:
    error = refusal(JIANGSU_2027.replace(*change))
    assert (error.code, error.params["field"]) == (code, field)
    assert error.params["source"] == "c/320000-x.toml"
    text = explain(error, "zh")
    assert text.startswith("c/320000-x.toml：") and str(error.params["entry"]) in text


def test_a_repeated_or_national_code_an_empty_override_and_an_empty_file_are_refused() -> None:
    twice = JIANGSU_2027 + '\n[[overrides]]\ncode = "construction_noise"\nkeywords = ["x"]\n'
    assert refusal(twice).code == "catalogue.duplicate"
    added = WUXI_2027.replace('code = "canal_boat_noise"', 'code = "industrial_noise"')
    assert refusal(added).code == "catalogue.added_is_national"
    assert refusal(JIANGSU_2027 + '\n[[overrides]]\ncode = "dust_pollution"\n').code == (
        "catalogue.nothing_overridden")
    head = JIANGSU_2027.split("[[overrides]]")[0]
    assert refusal(head).code == "catalogue.empty"
    lead_twice = JIANGSU_2027.replace('authority = "city"', 'assist = ["eco_environment"]')
    assert refusal(lead_twice).code == "data.lead_in_assist"


def test_a_file_names_its_line_and_must_be_named_after_scope_and_version() -> None:
    bad = JIANGSU_2027.replace('lead = "eco_environment"', 'lead = "ecology"')
    with pytest.raises(ReferenceDataError) as caught:
        parse(catalogue_file(bad, "320000-2027.1.toml"), catalogue(), jiangsu())
    assert caught.value.params["source"] == "catalogues/320000-2027.1.toml:8"
    assert caught.value.params["entry"] == "overrides[1] construction_noise"
    with pytest.raises(ReferenceDataError) as caught:
        parse(catalogue_file(JIANGSU_2027, "320000-2027.2.toml"), catalogue(), jiangsu())
    assert caught.value.code == "catalogue.name_mismatch"
    with pytest.raises(ReferenceDataError) as caught:
        parse(catalogue_file(JIANGSU_2027, "jiangsu.toml"), catalogue(), jiangsu())
    assert caught.value.code == "catalogue.bad_name"


def test_two_versions_may_not_share_a_number_or_an_effective_date() -> None:
    again = JIANGSU_2027.replace('version = "2027.1"', 'version = "2027.2"')
    with pytest.raises(ReferenceDataError) as caught:
        load([catalogue_file(JIANGSU_2027, "320000-2027.1.toml"),
              catalogue_file(again, "320000-2027.2.toml")], catalogue(), jiangsu())
    assert caught.value.code == "catalogue.same_effective"


def test_a_written_file_reads_back_the_same() -> None:
    local = jiangsu_catalogues()
    for version in local:
        text = to_toml(version)
        name = f"{version.scope}-{version.version}.toml"
        again = parse(catalogue_file(text, name), catalogue(), jiangsu())
        assert (again.overrides, again.added, again.effective) == (version.overrides, version.added,
                                                                  version.effective)


def test_a_catalogue_supplies_the_hotline_classification_code_the_national_list_lacks() -> None:
    national = catalogue().matters.get("social_life_noise")
    assert national.hotline_code is None  # GB/T 39666's table is not at hand: no code is invented
    text = JIANGSU_2027.replace('keywords = ["广场舞", "夜市"]',
                                'keywords = ["广场舞", "夜市"]\nhotline_code = "T-0502"')
    local = read(text)
    assert local.overrides["social_life_noise"].hotline_code == "T-0502"  # type: ignore[attr-defined]
    again = parse(catalogue_file(to_toml(local), "320000-2027.1.toml"), catalogue(), jiangsu())  # type: ignore[arg-type]
    assert again.overrides["social_life_noise"].hotline_code == "T-0502"
    changes = diff(catalogue().matters, jiangsu_catalogues().version("320000", "2027.1"), again)  # type: ignore[arg-type]
    assert ("hotline_code", "", "T-0502") in [tuple(f) for c in changes for f in c.fields]
    error = refusal(text.replace('"T-0502"', '"见附表"'))
    assert "热线分类代码" in explain(error, "zh") and "见附表" in explain(error, "zh")
