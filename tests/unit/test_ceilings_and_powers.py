"""The escalation ceiling in the responsibility list and the case powers of the governance elements:
read and validated on load (a mistake named by file, entry and what is allowed), and what a
department may do, with the element that allows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from liandong.adapters.reference_data import default_catalogue, load_catalogue
from liandong.domain.errors import ReferenceDataError
from liandong.domain.hierarchy import Level
from liandong.domain.organisation import Action
from liandong.domain.powers import powers_for
from liandong.domain.responsibility import Severity
from liandong.i18n.messages import explain
from liandong.i18n.powers import escalation_lines, rows
from tests.factories.worlds import national

H = national()
CAT = default_catalogue()
DATA = Path(__file__).resolve().parents[2] / "src" / "liandong" / "data"
FUME = 'code = "catering_fume"'


def _edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_default_ceilings_keep_the_centre_for_what_its_rules_say() -> None:
    fume = CAT.matters.get("catering_fume")
    assert fume.ceiling(Severity.ROUTINE) is Level.CITY
    grave = next(m for m in CAT.matters.matters.values() if Severity.I in m.severities)
    assert [grave.ceiling(s) for s in (Severity.IV, Severity.III, Severity.II, Severity.I)] == [
        Level.CITY, Level.PROVINCE, Level.PROVINCE, Level.CENTRAL]
    land = CAT.matters.get("land_requisition")  # its authority lies with the province: never lower
    assert land.authority is Level.PROVINCE and land.ceiling(Severity.ROUTINE) is Level.PROVINCE


def test_a_matter_sets_its_own_ceiling(tmp_path: Path) -> None:
    path = _edited(tmp_path, "matters.toml", FUME, FUME + '\nceiling = "county"')
    assert load_catalogue(matters=path).matters.get("catering_fume").ceiling(Severity.ROUTINE) is Level.COUNTY
    national_matter = _edited(tmp_path, "matters.toml", FUME, FUME + '\nceiling = { routine = "central" }')
    fume = load_catalogue(matters=national_matter).matters.get("catering_fume")
    assert fume.ceiling(Severity.ROUTINE) is Level.CENTRAL


@pytest.mark.parametrize(("old", "new", "code", "field", "allowed"), [
    (FUME, FUME + '\nceiling = "village"', "data.not_allowed", "ceiling.routine",
     "central, province, city, county, township"),
    (FUME, FUME + '\nceiling = "township"', "data.ceiling_below_authority", "ceiling.routine",
     "central, province, city, county"),
    (FUME, FUME + '\nceiling = { II = "province" }', "data.not_allowed", "ceiling", "routine"),
    (FUME, FUME + "\nceiling = 3", "data.wrong_type", "ceiling", None),
    ('I = "central"\n', 'I = "province"\n', "data.ceiling_below_severity", "I", "central"),
    ('IV = "city"\n', "", "data.missing_field", "IV", None),
])
def test_a_bad_ceiling_is_refused_naming_file_entry_and_what_is_allowed(
        tmp_path: Path, old: str, new: str, code: str, field: str, allowed: str | None) -> None:
    path = _edited(tmp_path, "matters.toml", old, new)
    with pytest.raises(ReferenceDataError) as info:
        load_catalogue(matters=path)
    error = info.value
    assert error.code == code and error.params["source"] == str(path)
    assert error.params["field"] == field
    assert "catering_fume" in error.params["entry"] or error.params["entry"] == "escalation_ceiling"
    if allowed is not None:
        assert error.params["allowed"] == allowed
    text = explain(error)
    assert str(path) in text and "{" not in text and "}" not in text


def test_government_only_actions_are_checked_on_load(tmp_path: Path) -> None:
    assert CAT.governance.government_only == {Action.DISPATCH_CASE}
    path = _edited(tmp_path, "governance.toml", 'government_only = ["dispatch_case"]',
                   'government_only = ["dispatch_cases"]')
    with pytest.raises(ReferenceDataError) as info:
        load_catalogue(governance=path)
    assert info.value.code == "data.not_allowed" and info.value.params["entry"] == "government_only"
    assert "dispatch_case" in info.value.params["allowed"] and str(path) in explain(info.value)


def test_what_a_veterans_station_may_do_and_why() -> None:
    powers = powers_for(CAT, H.get("320213001"), "veterans")
    assert powers.name == "崇安寺退役军人服务站" and not powers.government
    cases = {name: (may, why) for name, may, why in rows(powers, "case", "zh")}
    assert cases["派单"] == ("不可以", "乡级的“派单、改派与并单”由属地政府行使（治理要素：基层治理）")
    assert cases["扩大影响范围"][0] == "可以" and "作为本案主办单位" in cases["扩大影响范围"][1]
    instruments = {name: may for name, may, _ in rows(powers, "instrument", "en")}
    assert instruments["Policy pilot"] == "no" and instruments["Briefing"] == "yes"


def test_what_the_centre_may_do_and_why() -> None:
    powers = powers_for(CAT, H.get("100000"), "public_security")
    assert powers.name == "公安部"
    cases = {name: (may, why) for name, may, why in rows(powers, "case", "zh")}
    assert cases["派单"] == ("不可以", "中央的治理要素不含“派单、改派与并单”")
    lines = escalation_lines(powers, "zh")
    assert lines[0] == "一般诉求：不承接提级（上级督办，不包办）"
    assert lines[-1].startswith("Ⅰ级（特别重大）：") and "类事项可提级至本级" in lines[-1]
    city = {name: why for name, _, why in rows(powers_for(CAT, H.get("320200")), "case", "zh")}
    assert city["派单"] == "治理要素：沟通协调（由属地政府行使）"


def test_the_case_page_offers_a_dispatch_only_where_the_elements_grant_it() -> None:
    from liandong.domain.access import Principal
    from liandong.domain.cases.record import CaseRecord
    from liandong.domain.roles import StaffRole
    from liandong.web.actions import offered

    received = CaseRecord("C1", affected=("320213001",))
    centre = Principal("a", "centre", frozenset({StaffRole.DISPATCHER}), "320200-gov")
    council = Principal("b", "council", frozenset({StaffRole.DISPATCHER}), "100000-gov")  # 国务院
    assert "dispatch" in [a.key for a in offered(centre, received, H, CAT.governance)]
    assert "dispatch" in [a.key for a in offered(council, received, H)]  # by role and place alone …
    assert "dispatch" not in [a.key for a in offered(council, received, H, CAT.governance)]  # … not by power
