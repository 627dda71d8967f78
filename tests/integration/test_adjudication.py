"""不合理诉求认定 (issue 25 point 5), on memory, SQLite and PostgreSQL: the centre rules a request
unreasonable or outside government's remit with its reasons; the lead appeals within the limit; the
level above the centre rules finally. With ``[exclusions]`` on, a case ruled so leaves the rates and
is listed with its rulings in the xlsx export; off, the figures are today's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.assessment import export
from liandong.assessment.fair_report import exclusion_rows, exclusion_sheet
from liandong.assessment.fair_rules import Exclusions
from liandong.assessment.periods import parse_period
from liandong.assessment.rules import AssessmentRules, Classes, load_rules
from liandong.assessment.service import Assessment, FactsCache, assess
from liandong.assessment.stored import assess_stored
from liandong.domain.access import Principal
from liandong.domain.cases import commands as c
from liandong.domain.cases.adjudication import APPEAL_WORKING_DAYS
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.domain.roles import StaffRole
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import CENTRE, LIANGXI, START, fill_month

H = national_hierarchy()
RULES = Rules(Router(H, default_catalogue()), ChineseWorkCalendar(), CasePolicy())
NOW = datetime(2026, 5, 1, tzinfo=UTC)
MARCH = parse_period("2026-03", cutoff=1)
PROVINCE_GOV = "320000-gov"  # the centre's supervisor: it rules on appeals
SHIPPED = load_rules()


def _rules(exclude: bool) -> AssessmentRules:
    return AssessmentRules(composite=SHIPPED.composite, period=SHIPPED.period,
                           classes=Classes(min_valid=1, rule=SHIPPED.classes.rule),
                           exclusions=Exclusions(enabled=exclude))


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 1000))
    b = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                   new_id=lambda: f"C{next(counter):03d}")
    fill_month(b)  # C001–C007; C001 is 梁溪's satisfied one
    return b


def _record(bus: MessageBus, cid: str):
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        return case.record


def _waiting(bus: MessageBus, department: str) -> list[tuple[str, str]]:
    with bus.uow() as u:
        return [(w.duty.subject_id, w.duty.kind.value) for w in u.duties.waiting_on(department)]


def test_the_centre_rules_the_lead_appeals_and_the_province_rules_finally(bus: MessageBus) -> None:
    cid = "C003"  # 梁溪's unsatisfied, uncontacted case
    lead = _record(bus, cid).lead
    with pytest.raises(DomainError, match="not_allowed_actor"):
        bus.handle(c.AdjudicateRequest(by=lead, case_id=cid, finding="unreasonable", reason="x"))
    with pytest.raises(DomainError, match="bad_finding") as bad:
        bus.handle(c.AdjudicateRequest(by=CENTRE, case_id=cid, finding="silly", reason="x"))
    assert bad.value.params["allowed"] == "unreasonable, out_of_remit, reasonable"
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id=cid, finding="out_of_remit",
                                   reason="诉求为要求取缔合法经营的商户，超出政府职能"))
    a = _record(bus, cid).adjudication
    assert a is not None and a.excluded and a.by == CENTRE and not a.appeal_pending
    assert a.appeal_by == RULES.calendar.deadline(a.at, APPEAL_WORKING_DAYS, "wd")
    with pytest.raises(DomainError, match="already_adjudicated"):
        bus.handle(c.AdjudicateRequest(by=CENTRE, case_id=cid, finding="reasonable", reason="x"))
    with pytest.raises(DomainError, match="no_appeal_pending"):
        bus.handle(c.RuleAppeal(by=PROVINCE_GOV, case_id=cid, decision="uphold", reason="x"))
    bus.handle(c.AppealAdjudication(by=lead, case_id=cid, reason="诉求人反映的是噪声，属本单位可处置事项"))
    a = _record(bus, cid).adjudication
    assert a is not None and a.appeal_pending and a.decider == PROVINCE_GOV
    assert (cid, "rule_appeal") in _waiting(bus, PROVINCE_GOV)  # in its 待办, from the stored duties
    with pytest.raises(DomainError, match="already_appealed"):
        bus.handle(c.AppealAdjudication(by=lead, case_id=cid, reason="再次申诉"))
    with pytest.raises(DomainError, match="not_allowed_actor"):
        bus.handle(c.RuleAppeal(by=CENTRE, case_id=cid, decision="uphold", reason="x"))
    with pytest.raises(DomainError, match="bad_appeal_ruling"):
        bus.handle(c.RuleAppeal(by=PROVINCE_GOV, case_id=cid, decision="overturn", finding="out_of_remit",
                                reason="x"))
    bus.handle(c.RuleAppeal(by=PROVINCE_GOV, case_id=cid, decision="overturn", finding="unreasonable",
                            reason="属不合理诉求，而非超出职能"))
    a = _record(bus, cid).adjudication
    assert a is not None and a.finding == "unreasonable" and a.centre_finding == "out_of_remit"
    assert a.excluded and not a.appeal_pending and a.ruling == "属不合理诉求，而非超出职能"
    assert (cid, "rule_appeal") not in _waiting(bus, PROVINCE_GOV)


def test_an_appeal_after_the_limit_is_refused(bus: MessageBus) -> None:
    lead = _record(bus, "C002").lead
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id="C002", finding="unreasonable", reason="重复无理诉求"))
    assert isinstance(bus.clock, ManualClock)
    bus.clock.advance(timedelta(days=10))
    with pytest.raises(DomainError, match="appeal_too_late"):
        bus.handle(c.AppealAdjudication(by=lead, case_id="C002", reason="迟到的申诉"))


def _assess(uow_factory: Callable[[], UnitOfWork], exclude: bool) -> Assessment:
    rules = _rules(exclude)
    a = assess(uow_factory, H, MARCH, NOW, rules)
    return Assessment(a.hierarchy, rules, a.current.refined(uow_factory, rules, always=True), a.previous)


def test_excluded_cases_leave_the_rates_only_when_the_rules_say_so(
        bus: MessageBus, uow_factory: Callable[[], UnitOfWork]) -> None:
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id="C003", finding="unreasonable", reason="无理要求"))
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id="C002", finding="reasonable", reason="合理诉求"))
    today = _assess(uow_factory, exclude=False).total(LIANGXI)
    # as in test_assessment: valid C1, C2, C3; contacted and solved C1, C2
    assert today.parts("response") == (2, 3) and today.counts["received"] == 4
    fair = _assess(uow_factory, exclude=True).total(LIANGXI)
    assert fair.parts("response") == (2, 2) and fair.parts("resolution") == (2, 2)
    assert fair.parts("satisfaction") == pytest.approx((1.9, 2))
    assert fair.counts["received"] == 4  # still received; only the rates leave it
    assert fair.parts("on_time")[1] == today.parts("on_time")[1] - 1
    # the assessment page reads the fact rows: the same figures, the exclusion read from the events
    leader = Principal(account_id="l", username="l", roles=frozenset({StaffRole.LEADER}), department=CENTRE)
    stored = assess_stored(FactsCache(), uow_factory, H, MARCH, NOW, _rules(True), principal=leader,
                           scope="320200")
    assert stored.total(LIANGXI).counts == fair.counts
    assert assess_stored(FactsCache(), uow_factory, H, MARCH, NOW, _rules(False), principal=leader,
                         scope="320200").total(LIANGXI).counts == today.counts


def test_the_xlsx_export_lists_the_exclusions_with_their_rulings(
        bus: MessageBus, uow_factory: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    lead = _record(bus, "C003").lead
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id="C003", finding="out_of_remit", reason="超出政府职能"))
    bus.handle(c.AppealAdjudication(by=lead, case_id="C003", reason="属可处置事项"))
    bus.handle(c.RuleAppeal(by=PROVINCE_GOV, case_id="C003", decision="uphold", reason="维持：超出政府职能"))
    assert isinstance(bus.clock, ManualClock)
    bus.clock.advance(timedelta(hours=1))  # the list runs oldest ruling first
    bus.handle(c.AdjudicateRequest(by=CENTRE, case_id="C001", finding="reasonable", reason="合理"))
    a = _assess(uow_factory, exclude=True)
    rows = exclusion_rows(a, LIANGXI, str, str, "zh")
    assert [(r["case_id"], r["finding"], r["excluded"]) for r in rows] == [
        ("C003", "超出政府职能", "是"), ("C001", "合理诉求", "否")]
    assert rows[0]["appeal"] == "属可处置事项" and rows[0]["ruling"] == "维持：超出政府职能"
    assert rows[0]["decider"] == PROVINCE_GOV and rows[0]["by"] == CENTRE
    path = export.write(tmp_path / "exclusions.xlsx",
                        [exclusion_sheet(a, LIANGXI, str, str, "梁溪区", "2026-03", "zh")], "zh")
    sheet = load_workbook(path).active
    assert sheet is not None
    heads = [cell.value for cell in sheet[4]]
    assert heads[:4] == ["案件", "事项", "承办单位", "中心认定"] and "申诉裁定理由" in heads
    first = {h: cell.value for h, cell in zip(heads, sheet[5], strict=True)}
    assert first["案件"] == "C003" and first["申诉裁定理由"] == "维持：超出政府职能"
    assert first["最终认定"] == "超出政府职能" and first["不纳入考核"] == "是"
    english = exclusion_rows(a, LIANGXI, str, str, "en")
    assert english[0]["finding"] == "outside government's remit" and english[0]["excluded"] == "yes"
