"""Linkage instruments across levels, on memory, SQLite and PostgreSQL alike: each workflow walked
whole, with a refusal by governance element and an overdue path escalated to the level above."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from liandong.bootstrap import bootstrap
from liandong.domain.errors import DomainError
from liandong.services import instruments as i
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
    at,
    instrument_bus,
    overdue,
    record,
)


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> i.InstrumentBus:
    return instrument_bus(uow_factory)


def test_a_provincial_pilot_in_two_cities_reported_evaluated_and_scaled_up(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a township issues no pilot
        bus.handle(i.Issue(by=STREET, kind="pilot", title="垃圾分类", scope="320213001",
                           addressees=(STREET,)))
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # nor does a city
        bus.handle(i.Issue(by=WUXI, kind="pilot", title="垃圾分类", scope="320200", addressees=(LIANGXI,)))
    pilot = bus.handle(i.Issue(
        by=PROVINCE, kind="pilot", title="生活垃圾分类示范试点", body="在无锡、苏州先行先试", scope="320000",
        addressees=(WUXI, SUZHOU), cadence_days=30, indicators=(("分类准确率", "60", "85"),))).instrument_id
    at(bus, T + 10 * DAY).handle(i.MarkRead(by=WUXI, instrument_id=pilot))
    bus.handle(i.Report(by=WUXI, instrument_id=pilot, text="首月数据", figures=(("分类准确率", "72.5"),)))
    with pytest.raises(DomainError, match=r"instrument\.unknown_indicator"):
        bus.handle(i.Report(by=SUZHOU, instrument_id=pilot, text="x", figures=(("满意度", "90"),)))
    with pytest.raises(DomainError, match=r"instrument\.bad_figure"):
        bus.handle(i.Report(by=SUZHOU, instrument_id=pilot, text="x", figures=(("分类准确率", "七十"),)))
    # a month in, 苏州 has not reported: flagged once, escalated to the province
    at(bus, T + 31 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=pilot))
    bus.handle(i.CheckDeadlines(by="platform", instrument_id=pilot))
    assert overdue(bus, pilot) == [(SUZHOU, "report:1", PROVINCE)]
    bus.handle(i.Report(by=SUZHOU, instrument_id=pilot, text="首月数据（补报）",
                        figures=(("分类准确率", "66"),)))
    with pytest.raises(DomainError, match=r"instrument\.not_party"):
        bus.handle(i.Decide(by=WUXI, instrument_id=pilot, decision="scale_up", reason="x", scope="320000"))
    with pytest.raises(DomainError, match=r"instrument\.scale_up_scope"):  # not wider than the pilots
        bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="好",
                            scope="320200"))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="extend", reason="再观察一季",
                        until=T + 120 * DAY))
    assert record(bus, pilot).is_open and record(bus, pilot).due == T + 120 * DAY
    with pytest.raises(DomainError, match=r"instrument\.below_target"):  # 72.5 and 66 against 85
        bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="两市均达标",
                            scope="320000"))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=pilot, decision="scale_up", reason="全省推广",
                        scope="320000", justification="两市较基线明显提升，推广中继续考核"))
    r = record(bus, pilot)
    assert r.state == "concluded" and r.decision.scope == "320000" and len(r.reports) == 2
    assert r.decision.shortfall == ((WUXI, "分类准确率", "72.5", "85"), (SUZHOU, "分类准确率", "66", "85"))
    with pytest.raises(DomainError, match=r"instrument\.closed"):
        bus.handle(i.Report(by=WUXI, instrument_id=pilot, text="x"))


def test_a_directive_answered_by_one_and_escalated_for_the_other(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a county issues no directive
        bus.handle(i.Issue(by=LIANGXI, kind="directive", title="x", scope="320213", addressees=(STREET,),
                           due=T + DAY))
    with pytest.raises(DomainError, match=r"instrument\.not_below"):  # directives go down
        bus.handle(i.Issue(by=WUXI, kind="directive", title="x", scope="320200", addressees=(PROVINCE,),
                           due=T + DAY))
    with pytest.raises(DomainError, match=r"instrument\.due_required"):
        bus.handle(i.Issue(by=WUXI, kind="directive", title="x", scope="320200", addressees=(LIANGXI,)))
    order = bus.handle(i.Issue(by=WUXI, kind="directive", title="关于夜间施工噪声投诉的批示", scope="320213",
                               addressees=(LIANGXI, STREET), due=T + 2 * DAY,
                               subject="C000123")).instrument_id
    at(bus, T + DAY).handle(i.Respond(by=LIANGXI, instrument_id=order, text="已部署联合执法"))
    with pytest.raises(DomainError, match=r"instrument\.already_responded"):
        bus.handle(i.Respond(by=LIANGXI, instrument_id=order, text="again"))
    at(bus, T + 3 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=order))
    assert overdue(bus, order) == [(STREET, "respond", "320213-gov")]  # the county now supervises it
    with bus.uow() as u:  # the outbox told the addressees, then the late street and its county
        street_news = [(n.event_type, n.subject_id) for n in u.instrument_reads.notices(STREET)]
        county_news = [n.event_type for n in u.instrument_reads.notices(LIANGXI)]
        city_news = [n.event_type for n in u.instrument_reads.notices(WUXI)]
    assert street_news == [("Overdue", order), ("Issued", order)]
    assert county_news == ["Overdue", "Issued"] and city_news == ["Responded"]
    bus.handle(i.Respond(by=STREET, instrument_id=order, text="已约谈施工方"))
    r = record(bus, order)
    assert r.state == "concluded" and r.responses[STREET].on_time is False and r.responses[LIANGXI].on_time


def test_an_inspection_with_rectification_verified(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # a county does not inspect
        bus.handle(i.Issue(by=LIANGXI, kind="inspection", title="x", scope="320213", addressees=(STREET,),
                           due=T + 30 * DAY))
    check = bus.handle(i.Issue(by=PROVINCE, kind="inspection", title="12345 办理质量专项督导", scope="320200",
                               addressees=(WUXI, LIANGXI), due=T + 30 * DAY)).instrument_id
    with pytest.raises(DomainError, match=r"instrument\.not_party"):  # findings are the inspector's
        bus.handle(i.Report(by=WUXI, instrument_id=check, text="x"))
    bus.handle(i.Report(by=PROVINCE, instrument_id=check, text="发现：退单率偏高，回访不规范"))
    bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task="T1", owner=WUXI, title="规范回访流程",
                            due=T + 10 * DAY))
    bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task="T2", owner=LIANGXI, title="降低退单率",
                            due=T + 10 * DAY))
    with pytest.raises(DomainError, match=r"instrument\.owner_not_addressee"):
        bus.handle(i.AssignTask(by=PROVINCE, instrument_id=check, task="T3", owner=SUZHOU, title="x",
                                due=T + 10 * DAY))
    at(bus, T + 5 * DAY).handle(i.CompleteTask(by=LIANGXI, instrument_id=check, task="T2", note="已整改"))
    at(bus, T + 11 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=check))
    assert overdue(bus, check) == [(WUXI, "task:T1", PROVINCE)]
    bus.handle(i.CompleteTask(by=WUXI, instrument_id=check, task="T1", note="已修订回访规程"))
    with pytest.raises(DomainError, match=r"instrument\.tasks_open"):
        bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="整改完成"))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T2", accepted=True))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T1", accepted=False, note="未附回访录音"))
    assert record(bus, check).tasks["T1"].done_at is None  # sent back
    bus.handle(i.CompleteTask(by=WUXI, instrument_id=check, task="T1", note="补充回访录音"))
    bus.handle(i.VerifyTask(by=PROVINCE, instrument_id=check, task="T1", accepted=True))
    bus.handle(i.Decide(by=PROVINCE, instrument_id=check, decision="closed", reason="整改全部核验通过"))
    r = record(bus, check)
    assert r.state == "concluded" and r.tasks["T1"].on_time is False and r.tasks["T2"].on_time


def test_a_briefing_goes_up_and_unread_is_a_signal(bus: i.InstrumentBus) -> None:
    with pytest.raises(DomainError, match=r"instrument\.not_granted"):  # the centre briefs no one above it
        bus.handle(i.Issue(by="100000-gov", kind="briefing", title="x", scope="100000", addressees=(WUXI,),
                           due=T + DAY))
    with pytest.raises(DomainError, match=r"instrument\.not_above"):  # briefings go up
        bus.handle(i.Issue(by=LIANGXI, kind="briefing", title="x", scope="320213", addressees=(STREET,),
                           due=T + DAY))
    brief = bus.handle(i.Issue(by=STREET, kind="briefing", title="崇安寺街道第 9 期工作简报",
                               scope="320213001", addressees=(LIANGXI, WUXI), due=T + 7 * DAY,
                               read_limit_hours=48)).instrument_id
    at(bus, T + DAY).handle(i.MarkRead(by=LIANGXI, instrument_id=brief))
    with pytest.raises(DomainError, match=r"instrument\.not_party"):
        bus.handle(i.MarkRead(by=SUZHOU, instrument_id=brief))
    at(bus, T + 3 * DAY).handle(i.CheckDeadlines(by="platform", instrument_id=brief))
    assert overdue(bus, brief) == [(WUXI, "read", PROVINCE)]
    with bus.uow() as u:
        mine = u.instrument_reads.of_department(WUXI)
        issued = u.instrument_reads.of_department(STREET)
    assert [(s.instrument_id, s.role, s.kind) for s in mine] == [(brief, "addressee", "briefing")]
    assert issued[0].role == "issuer" and issued[0].title == "崇安寺街道第 9 期工作简报"


def test_instrument_events_are_signed_into_the_shared_record() -> None:
    platform = bootstrap(memory=True)
    bus = platform.instruments(ManualClock(T))
    iid = bus.handle(i.Issue(by=WUXI, kind="directive", title="批示", scope="320213", addressees=(LIANGXI,),
                             due=T + DAY)).instrument_id
    at(bus, T + DAY / 2).handle(i.Respond(by=LIANGXI, instrument_id=iid, text="已办"))
    with platform.uow() as u:
        entries = u.ledger.entries_of_case(iid)
        assert len(entries) == 2 and b'"stream":"instrument"' in entries[0][1]
        assert b'"signer":"320213-gov"' in entries[1][1]
        assert platform.ledger.verify(u).ok
