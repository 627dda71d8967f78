"""The instrument rules of issue 23 (point 9), on memory, SQLite and PostgreSQL alike: an inspection
closes with its rectification verified or a recorded reason none is needed; a pilot below target
scales up only with a recorded justification; evidence cites cases and instruments that exist in the
issuer's jurisdiction; the use of allocated resources is reported; a ranking keeps to its scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from liandong.adapters.reference_data import national_hierarchy
from liandong.assessment.periods import parse_period
from liandong.assessment.rules import load_rules
from liandong.assessment.service import assess
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.services import instruments as i
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.instruments import (
    DAY,
    LIANGXI,
    PROVINCE,
    STREET,
    SUZHOU,
    WUXI,
    T,
    cases,
    instrument_bus,
    number,
    record,
)
from tests.factories.worlds import national_case_rules


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> i.InstrumentBus:
    return instrument_bus(uow_factory)


def _inspection(bus: i.InstrumentBus) -> str:
    return bus.handle(i.Issue(by=PROVINCE, kind="inspection", title="12345 办理质量专项督导", scope="320200",
                              addressees=(WUXI,), due=T + 30 * DAY)).instrument_id


def test_an_inspection_with_findings_does_not_close_without_rectification(bus: i.InstrumentBus) -> None:
    check = _inspection(bus)
    bus.handle(i.Report(by=PROVINCE, instrument_id=check, text="发现：回访不规范"))
    with pytest.raises(DomainError, match=r"instrument\.no_rectification\(.*findings=1"):
        bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="督导结束"))
    bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task="T1", owner=WUXI, title="规范回访流程",
                            due=T + 10 * DAY))
    bus.handle(i.CompleteTask(by=WUXI, instrument_id=check, task="T1", note="已修订规程"))
    with pytest.raises(DomainError, match=r"instrument\.tasks_open"):  # done is not verified
        bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="督导结束"))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T1", accepted=True))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="整改核验通过"))
    assert record(bus, check).state == "concluded"


def test_an_inspection_closes_without_a_task_only_with_the_reason_recorded(bus: i.InstrumentBus) -> None:
    check = _inspection(bus)
    with pytest.raises(DomainError, match=r"instrument\.no_rectification"):  # no findings, no word
        bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="督导结束"))
    bus.handle(i.Report(by=PROVINCE, instrument_id=check, text="未发现问题"))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="督导结束",
                       justification="抽查 50 件均规范办理，无需整改"))
    r = record(bus, check)
    assert r.state == "concluded" and r.decision is not None
    assert r.decision.justification == "抽查 50 件均规范办理，无需整改"


def test_a_pilot_scales_up_below_target_only_with_a_recorded_reason(bus: i.InstrumentBus) -> None:
    pilot = bus.handle(i.Issue(by=PROVINCE, kind="pilot", title="生活垃圾分类示范试点", scope="320000",
                               addressees=(WUXI, SUZHOU), indicators=(("分类准确率", "60", "85"),
                                                                      ("投诉量", "40", "20")))).instrument_id
    bus.handle(i.Report(by=WUXI, instrument_id=pilot, text="首月", figures=(("分类准确率", "90"),
                                                                            ("投诉量", "18"))))
    bus.handle(i.Report(by=SUZHOU, instrument_id=pilot, text="首月", figures=(("分类准确率", "70"),)))
    with pytest.raises(DomainError, match=r"instrument\.below_target") as refused:
        bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="全省推广",
                            scope="320000"))
    assert "苏州市人民政府 分类准确率 70 < 85" in str(refused.value)
    assert "苏州市人民政府 投诉量 未报送 < 20" in str(refused.value)  # a lower target, not reported at all
    assert "无锡" not in str(refused.value)  # 无锡 reached both
    bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="全省推广",
                        scope="320000", justification="苏州受设施改造影响，推广中专项帮扶"))
    d = record(bus, pilot).decision
    assert d is not None and d.justification == "苏州受设施改造影响，推广中专项帮扶"
    assert d.shortfall == ((SUZHOU, "分类准确率", "70", "85"), (SUZHOU, "投诉量", "", "20"))
    with pytest.raises(DomainError, match=r"instrument\.bad_figure"):  # targets are decimals
        bus.handle(i.Issue(by=PROVINCE, kind="pilot", title="x", scope="320000", addressees=(WUXI,),
                           indicators=(("分类准确率", "60", "八十五"),)))


def test_a_pilot_on_target_scales_up_with_no_justification(bus: i.InstrumentBus) -> None:
    pilot = bus.handle(i.Issue(by=PROVINCE, kind="pilot", title="垃圾分类", scope="320000",
                               addressees=(WUXI,), indicators=(("分类准确率", "60", "85"),))).instrument_id
    bus.handle(i.Report(by=WUXI, instrument_id=pilot, text="首月", figures=(("分类准确率", "85"),)))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="达标，全省推广",
                        scope="320000"))
    d = record(bus, pilot).decision
    assert d is not None and d.shortfall == () and d.justification == ""


def test_evidence_cites_cases_and_instruments_of_the_issuer_jurisdiction(bus: i.InstrumentBus) -> None:
    wuxi_case, nantong_case = cases(bus, "320213001", "320613001")  # 崇安寺街道 (无锡), 城东街道 (南通)

    def criticise(*evidence: str) -> str:
        return bus.handle(i.Issue(by=WUXI, kind="criticism", title="通报批评", scope="320200",
                                  addressees=(LIANGXI,), evidence=evidence)).instrument_id

    with pytest.raises(DomainError, match=r"instrument\.evidence_unknown\(ref=群众反映强烈"):
        criticise("群众反映强烈")
    with pytest.raises(DomainError, match=r"instrument\.evidence_unknown\(ref=C000123"):
        criticise(wuxi_case, "C000123")
    with pytest.raises(DomainError, match=r"instrument\.evidence_outside\(ref=" + nantong_case):
        criticise(nantong_case)  # a case of 南通 is no ground for 无锡's criticism
    readable = number(bus, wuxi_case)
    assert readable == "320200-20260302-0001"  # 无锡, the day, the first of the day
    blame = criticise(readable, wuxi_case)
    assert record(bus, blame).evidence == (readable, wuxi_case)
    # an instrument as evidence: 无锡's own directive, but not 苏州's
    order = bus.handle(i.Issue(by=WUXI, kind="directive", title="批示", scope="320213", addressees=(LIANGXI,),
                               due=T + 2 * DAY)).instrument_id
    theirs = bus.handle(i.Issue(by=SUZHOU, kind="directive", title="批示", scope="320500",
                                addressees=("320505-gov",), due=T + 2 * DAY)).instrument_id
    criticise(order)
    with pytest.raises(DomainError, match=r"instrument\.evidence_outside"):
        criticise(theirs)


def test_the_use_of_allocated_resources_is_reported_not_of_refused(bus: i.InstrumentBus) -> None:
    ask = bus.handle(i.Issue(by=STREET, kind="resource", title="申请应急排水泵 2 台", scope="320213001",
                             addressees=(LIANGXI,), due=T + 3 * DAY)).instrument_id
    bus.handle(i.Decide(by=LIANGXI, instrument_id=ask, decision="allocated", reason="从区应急物资库调拨"))
    bus.handle(i.Report(by=STREET, instrument_id=ask, text="已使用，排水完毕", figures=(("使用台次", "2"),)))
    assert record(bus, ask).reports[0].figures == (("使用台次", "2"),)
    no = bus.handle(i.Issue(by=STREET, kind="resource", title="申请冲锋舟", scope="320213001",
                            addressees=(LIANGXI,), due=T + 3 * DAY)).instrument_id
    bus.handle(i.Decide(by=LIANGXI, instrument_id=no, decision="refused", reason="区内无冲锋舟"))
    with pytest.raises(DomainError, match=r"instrument\.closed"):  # nothing was given: nothing to report
        bus.handle(i.Report(by=STREET, instrument_id=no, text="x"))


def test_a_department_ranking_keeps_to_its_scope(uow_factory: Callable[[], UnitOfWork]) -> None:
    """A case across 无锡 and 南通 brings 崇川区城市管理局 and provincial departments onto its team:
    無锡's ranking of its departments lists neither."""
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    bus = MessageBus(uow=uow_factory, rules=national_case_rules(), clock=ManualClock(start))
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213", "320613"),
                                  description="跨市夜间施工噪声")).aggregate_id
    bus.handle(c.DispatchCase(by=PROVINCE, case_id=cid))
    h = national_hierarchy()
    month = assess(uow_factory, h, parse_period("2026-03", cutoff=1), datetime(2026, 5, 1, tzinfo=UTC),
                   load_rules())
    try:
        listed = set(month.groups("320200", "department"))
        ranked = {r.key for r in month.department_ranking("320200", Level.COUNTY, "urban_management")}
    finally:
        month.close()
    assert ranked == {"320213-urban_management"}  # not 320613-urban_management (崇川区, 南通)
    assert listed and all(h.is_ancestor("320200", k.rpartition("-")[0]) for k in listed)
    assert "320200-urban_management" in listed  # the city's own bureau is inside its scope
