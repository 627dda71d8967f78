"""The other linkage instruments, each walked whole across levels with a refusal by governance
element and an overdue path, on memory, SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liandong.domain.errors import DomainError
from liandong.services import instruments as i
from liandong.services.ports import UnitOfWork
from tests.factories.instruments import (
    DAY,
    LIANGXI,
    PROVINCE,
    STREET,
    SUZHOU,
    WUXI,
    T,
    at,
    cases,
    instrument_bus,
    overdue,
    record,
)


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> i.InstrumentBus:
    return instrument_bus(uow_factory)


SHANBEI = "320213015-gov"  # another street of 梁溪
COUNTY_CM = "320213-urban_management"


def test_a_project_contracted_with_milestones_and_accepted(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a township contracts nothing
        bus.handle(i.Issue(by=STREET, kind="project", title="x", scope="320213001",
                           addressees=("320213001-urban_management",), due=T + 90 * DAY))
    project = bus.handle(i.Issue(by=WUXI, kind="project", title="老旧小区加装电梯", scope="320213",
                                 addressees=(LIANGXI,), due=T + 180 * DAY,
                                 budget_fen=120_000_000)).instrument_id
    bus.handle(i.AssignTask(by=WUXI, instrument_id=project, task="M1", owner=LIANGXI, title="完成设计招标",
                            due=T + 30 * DAY))
    bus.handle(i.AssignTask(by=WUXI, instrument_id=project, task="M2", owner=LIANGXI, title="完成首批 20 部",
                            due=T + 120 * DAY))
    at(bus, T + 20 * DAY).handle(i.CompleteTask(by=LIANGXI, instrument_id=project, task="M1"))
    bus.handle(i.Report(by=LIANGXI, instrument_id=project, text="设计招标完成，进度 15%",
                        figures=(("进度", "15"),)))
    at(bus, T + 121 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=project))
    assert overdue(bus, project) == [(LIANGXI, "task:M2", WUXI)]
    bus.handle(i.CompleteTask(by=LIANGXI, instrument_id=project, task="M2", note="延期 1 天完成"))
    with pytest.raises(DomainError, match=r"instrument\.bad_decision"):
        bus.handle(i.Decide(by=WUXI, instrument_id=project, decision="closed", reason="x"))
    bus.handle(i.Decide(by=WUXI, instrument_id=project, decision="accepted", reason="验收合格，M2 逾期 1 天"))
    r = record(bus, project)
    assert r.state == "concluded" and r.budget_fen == 120_000_000 and r.tasks["M2"].on_time is False


def test_commendation_and_criticism_need_evidence_and_are_published(bus: i.InstrumentBus) -> None:
    noise, late = cases(bus, "320213001", "320213001")  # two cases of 崇安寺街道, in 无锡
    with pytest.raises(DomainError, match=r"instrument\.evidence_required"):
        bus.handle(i.Issue(by=WUXI, kind="commendation", title="表扬", scope="320200", addressees=(LIANGXI,)))
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a street criticises no one
        bus.handle(i.Issue(by=STREET, kind="criticism", title="x", scope="320213001",
                           addressees=("320213001-urban_management",), evidence=("C1",)))
    praise = bus.handle(i.Issue(by=WUXI, kind="commendation", title="点名表扬梁溪区", scope="320200",
                                addressees=(LIANGXI,), evidence=(noise,))).instrument_id
    blame = bus.handle(i.Issue(by=WUXI, kind="criticism", title="通报批评崇安寺街道", scope="320200",
                               addressees=(STREET, LIANGXI), evidence=(noise, late),
                               read_limit_hours=48)).instrument_id
    assert record(bus, praise).state == "concluded"  # published as issued
    assert record(bus, blame).state == "open"  # until everyone criticised has read it
    assert record(bus, blame).evidence == (noise, late)
    at(bus, T + DAY).handle(i.MarkRead(by=STREET, instrument_id=blame))  # a read receipt after publication
    assert STREET in record(bus, blame).reads
    at(bus, T + 3 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=blame))
    assert overdue(bus, blame) == [(LIANGXI, "read", WUXI)]  # the county has not passed it on
    assert overdue(bus, praise) == []  # no limit set: nothing to be late for
    bus.handle(i.MarkRead(by=LIANGXI, instrument_id=blame))
    assert record(bus, blame).state == "concluded"


def test_an_assessment_cycle_with_a_follow_up_talk(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # counties do not assess
        bus.handle(i.Issue(by=LIANGXI, kind="assessment", title="x", scope="320213", addressees=(STREET,)))
    cycle = bus.handle(i.Issue(by=WUXI, kind="assessment", title="2026 年 3 月接诉即办考核", scope="320200",
                               addressees=(LIANGXI, "320205-gov"), subject="2026-03")).instrument_id
    bus.handle(i.Report(by=WUXI, instrument_id=cycle, text="梁溪区 0.653 治理类；锡山区 1.000 先进"))
    bus.handle(i.AssignTask(by=WUXI, instrument_id=cycle, task="约谈", owner=LIANGXI,
                            title="约谈梁溪区分管负责人", due=T + 10 * DAY))
    at(bus, T + 11 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=cycle))
    assert overdue(bus, cycle) == [(LIANGXI, "task:约谈", WUXI)]
    bus.handle(i.CompleteTask(by=LIANGXI, instrument_id=cycle, task="约谈", note="已约谈并提交整改方案"))
    bus.handle(i.VerifyTask(by=WUXI, instrument_id=cycle, task="约谈", accepted=True))
    bus.handle(i.Decide(by=WUXI, instrument_id=cycle, decision="published", reason="考核结果已公布"))
    assert record(bus, cycle).state == "concluded"


def test_an_experience_written_below_promoted_above_and_adopted(bus: i.InstrumentBus) -> None:
    story = bus.handle(i.Issue(by=STREET, kind="experience", title="“街巷长”制经验", scope="320213001",
                               addressees=(LIANGXI, WUXI), read_limit_hours=72)).instrument_id
    bus.handle(i.MarkRead(by=WUXI, instrument_id=story))
    at(bus, T + 4 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=story))
    assert overdue(bus, story) == [(LIANGXI, "read", WUXI)]  # the county sat on it; the city is told
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a county does not promote
        bus.handle(i.Promote(by=LIANGXI, instrument_id=story, scope="320213"))
    with pytest.raises(DomainError, match=r"instrument\.not_promoted_here"):
        bus.handle(i.Adopt(by=SHANBEI, instrument_id=story))
    at(bus, T + 5 * DAY).handle(i.Promote(by=WUXI, instrument_id=story, scope="320200"))
    with pytest.raises(DomainError, match=r"instrument\.scope_outside"):
        bus.handle(i.Promote(by=WUXI, instrument_id=story, scope="320500"))
    bus.handle(i.MarkRead(by=SHANBEI, instrument_id=story))  # anyone in the promoted scope may read it
    bus.handle(i.Adopt(by=SHANBEI, instrument_id=story))
    with pytest.raises(DomainError, match=r"instrument\.not_promoted_here"):
        bus.handle(i.Adopt(by=SUZHOU, instrument_id=story))
    r = record(bus, story)
    assert r.promoted_to == ("320200",) and set(r.adopted_by) == {SHANBEI}


@pytest.mark.parametrize("kind", ["symposium", "training", "meeting"])
def test_convened_across_levels_with_minutes_and_actions(bus: i.InstrumentBus, kind: str) -> None:
    if kind == "symposium":  # a county convenes no symposium; training and meetings happen at every level
        with pytest.raises(DomainError, match=r"instrument\.not_granted"):
            bus.handle(i.Issue(by=LIANGXI, kind=kind, title="x", scope="320213", addressees=(STREET,),
                               due=T + DAY))
    meeting = bus.handle(i.Issue(by=WUXI, kind=kind, title="接诉即办工作推进会", scope="320200",
                                 addressees=(PROVINCE, LIANGXI, STREET), due=T + 7 * DAY)).instrument_id
    at(bus, T + 7 * DAY).handle(i.Attend(by=LIANGXI, instrument_id=meeting))
    bus.handle(i.Attend(by=STREET, instrument_id=meeting, present=False))
    bus.handle(i.Attend(by=PROVINCE, instrument_id=meeting))  # invited upward too
    with pytest.raises(DomainError, match=r"instrument\.not_party"):  # the convener keeps the minutes
        bus.handle(i.RecordMinutes(by=LIANGXI, instrument_id=meeting, text="x"))
    bus.handle(i.RecordMinutes(by=WUXI, instrument_id=meeting, text="明确三项重点任务"))
    with pytest.raises(DomainError, match=r"instrument\.task_above"):  # invited from above, not tasked
        bus.handle(i.AssignTask(by=WUXI, instrument_id=meeting, task="A0", owner=PROVINCE, title="x",
                                due=T + 14 * DAY))
    bus.handle(i.AssignTask(by=WUXI, instrument_id=meeting, task="A1", owner=STREET, title="补课",
                            due=T + 14 * DAY))
    at(bus, T + 15 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=meeting))
    assert overdue(bus, meeting) == [(STREET, "task:A1", LIANGXI)]
    r = record(bus, meeting)
    assert r.attendance == {LIANGXI: True, STREET: False, PROVINCE: True} and r.minutes


def test_a_resource_request_allocated_above_and_its_use_reported(bus: i.InstrumentBus) -> None:
    ask = bus.handle(i.Issue(by=STREET, kind="resource", title="申请应急排水泵 2 台", scope="320213001",
                             addressees=(LIANGXI,), due=T + 3 * DAY, budget_fen=0)).instrument_id
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # the centre asks no one for means
        bus.handle(i.Issue(by="100000-gov", kind="resource", title="x", scope="100000", addressees=(WUXI,),
                           due=T + DAY))
    with pytest.raises(DomainError, match=r"instrument\.not_above"):  # requests go up
        bus.handle(i.Issue(by=LIANGXI, kind="resource", title="x", scope="320213", addressees=(STREET,),
                           due=T + DAY))
    with pytest.raises(DomainError, match=r"instrument\.not_decided"):
        bus.handle(i.Report(by=STREET, instrument_id=ask, text="已使用"))
    at(bus, T + 4 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=ask))
    assert overdue(bus, ask) == [(LIANGXI, "decide", WUXI)]
    with pytest.raises(DomainError, match=r"instrument\.not_party"):
        bus.handle(i.Decide(by=STREET, instrument_id=ask, decision="allocated", reason="x"))
    bus.handle(i.Decide(by=LIANGXI, instrument_id=ask, decision="allocated", reason="从区应急物资库调拨"))
    assert record(bus, ask).state == "concluded"
    bus.handle(i.Report(by=STREET, instrument_id=ask, text="已使用，排水完毕"))  # the use, after allocation
    with pytest.raises(DomainError, match=r"instrument\.not_party"):  # by the requester only
        bus.handle(i.Report(by=LIANGXI, instrument_id=ask, text="x"))
    assert [rep.text for rep in record(bus, ask).reports] == ["已使用，排水完毕"]


def test_the_resource_pool_allocates_what_it_holds(bus: i.InstrumentBus) -> None:
    assert bus.stock(by=LIANGXI, item="应急排水泵", unit="台", quantity=2) == 2
    big = bus.handle(i.Issue(by=STREET, kind="resource", title="排水泵 3 台", scope="320213001",
                             addressees=(LIANGXI,), due=T + DAY, items=(("应急排水泵", 3),))).instrument_id
    with pytest.raises(DomainError, match=r"instrument\.pool_short"):
        bus.handle(i.Decide(by=LIANGXI, instrument_id=big, decision="allocated", reason="调拨"))
    with bus.uow() as u:  # the refusal changed nothing
        assert u.instruments.holdings(LIANGXI) == {"应急排水泵": (2, "台")}
        assert u.instruments.get(big).record.is_open  # type: ignore[union-attr]
    bus.handle(i.Decide(by=LIANGXI, instrument_id=big, decision="refused", reason="库存不足，请分两次申请"))
    small = bus.handle(i.Issue(by=STREET, kind="resource", title="排水泵 2 台", scope="320213001",
                               addressees=(LIANGXI,), due=T + DAY, items=(("应急排水泵", 2),))).instrument_id
    bus.handle(i.Decide(by=LIANGXI, instrument_id=small, decision="allocated", reason="从区应急物资库调拨"))
    with bus.uow() as u:
        assert u.instruments.holdings(LIANGXI) == {"应急排水泵": (0, "台")}
        assert u.instruments.holdings(STREET) == {"应急排水泵": (2, "台")}
    with pytest.raises(DomainError, match=r"instrument\.items_only_for_resources"):
        bus.handle(i.Issue(by=WUXI, kind="directive", title="x", scope="320213", addressees=(LIANGXI,),
                           due=T + DAY, items=(("泵", 1),)))
    with pytest.raises(DomainError, match=r"instrument\.pool_short"):
        bus.stock(by=STREET, item="应急排水泵", unit="台", quantity=-3)
