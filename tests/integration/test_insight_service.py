"""Demand insight over the store, on memory, SQLite and PostgreSQL alike: duplicates of a case,
a surge at one township against its quiet baseline, 每月一题 candidates and a case's heat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.insight.matter import MatterClassifier
from liandong.insight.service import Insight
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from liandong.services.writer import BatchingWriter
from tests.factories.worlds import national_case_rules

RULES = national_case_rules()

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
STREET, OTHER = "320213001", "320213015"  # 崇安寺街道, 山北街道 (梁溪区)


def platform(uow: Callable[[], UnitOfWork]) -> tuple[MessageBus, ManualClock, Insight]:
    clock = ManualClock(T0)
    bus = MessageBus(uow=uow, rules=RULES, clock=clock)
    insight = Insight(uow=uow, hierarchy=national_hierarchy(), matters=default_catalogue().matters,
                      clock=clock)
    return bus, clock, insight


def report(bus: MessageBus, clock: ManualClock, at: datetime, matter: str, place: str, text: str) -> str:
    clock.set(at)
    return bus.handle(c.ReportCase(by="reporter", matter=matter, affected=(place,), description=text)).case_id


def test_duplicates_and_heat_of_a_case(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, clock, insight = platform(uow_factory)
    first = report(bus, clock, T0, "construction_noise", STREET,
                   "人民中路工地每天夜里十一点还在打桩，吵得睡不着")
    again = report(bus, clock, T0 + timedelta(hours=5), "construction_noise", STREET,
                   "人民中路那个工地半夜打桩，噪音太大，希望管管")
    elsewhere = report(bus, clock, T0 + timedelta(hours=6), "construction_noise", OTHER,
                       "人民中路工地每天夜里十一点还在打桩，吵得睡不着")
    unrelated = report(bus, clock, T0 + timedelta(hours=7), "street_lights", STREET, "人民中路路灯不亮")
    found = insight.duplicates(again)
    assert [p.case_id for p in found] == [first]  # not the other township, not the street light
    assert found[0].score >= insight.finder.threshold
    assert all(p.case_id != elsewhere for p in insight.duplicates(first))
    assert insight.duplicates(unrelated) == []
    reading = insight.heat(again)
    assert reading.duplicates == 1 and reading.similar == 1 and 0 < reading.heat < 80
    with pytest.raises(DomainError, match=r"case\.unknown"):
        insight.duplicates("C-nope")


def test_a_surge_at_one_township_is_raised_and_ranked(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, clock, insight = platform(uow_factory)
    start = T0
    for day in range(0, 29, 2):  # a quiet baseline: one report every other day at each township
        for hour, place in ((2, STREET), (3, OTHER)):
            at = start + timedelta(days=day, hours=hour)
            report(bus, clock, at, "garbage_collection", place, "垃圾没人收")
    now = start + timedelta(days=30)
    assert insight.surges("320213", as_of=now - timedelta(hours=14)) == []  # before the burst
    for i in range(10):  # then ten in twelve hours at 崇安寺街道
        report(bus, clock, now - timedelta(hours=12) + timedelta(hours=i), "garbage_collection", STREET,
               f"小区垃圾堆了三天没人清运，第{i}次反映")
    alerts = insight.surges("320213", as_of=now)
    assert alerts and (alerts[0].jurisdiction, alerts[0].matter) == (STREET, "garbage_collection")
    assert all(a.jurisdiction != OTHER for a in alerts)
    assert insight.surges("320205", as_of=now) == []  # another district sees nothing
    top = insight.priorities("320200", as_of=now, level=national_hierarchy().get(STREET).level)
    assert top[0].jurisdiction == STREET and top[0].matter == "garbage_collection"


def test_training_learns_from_corrections_and_the_stored_model_serves_another_process(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    from liandong.simulation.texts import ReportTexts

    bus, clock, insight = platform(uow_factory)
    matters = default_catalogue().matters
    texts = ReportTexts.load(matters)
    h = national_hierarchy()
    chosen = ["construction_noise", "social_life_noise", "garbage_collection", "street_lights",
              "water_outage", "illegal_parking"]
    assert insight.classifier().version == MatterClassifier.from_rules(matters).version  # rules first
    clock_at = T0
    for n in range(90):
        true = chosen[n % len(chosen)]
        text = texts.render(h, matter=true, place=STREET, draw=n // len(chosen) * 13 + n)
        taken_as = "social_life_noise" if true == "construction_noise" and (n // 6) % 2 else true
        clock_at += timedelta(minutes=7)
        cid = report(bus, clock, clock_at, taken_as, STREET, text)
        if taken_as != true:  # the dispatcher's 改类 is the label that counts
            bus.handle(c.ReclassifyCase(by="320200-gov", case_id=cid, matter=true))
    twin_a = report(bus, clock, clock_at + timedelta(minutes=1), "street_lights", STREET,
                    "崇安寺街道人民中路38号门口路灯不亮已经一周")
    twin_b = report(bus, clock, clock_at + timedelta(minutes=2), "street_lights", OTHER,
                    "山北街道惠山路7号门口路灯不亮已经一周")
    labels = insight.labels()
    group = {x.case: x.group for x in labels}
    assert group[twin_a] == group[twin_b]  # one wording: never split between training and test
    assert len(set(group.values())) < len(group)
    assert sum(1 for x in labels if x.corrected) == 7  # 15 construction-noise reports, every other one
    result = insight.train(seed=3)
    assert result.n_train + result.n_test == 92 and result.n_corrected == 7
    assert 0.0 <= result.accuracy_top1 <= 1.0 and result.accuracy_top3 >= result.accuracy_top1
    again = Insight(uow=uow_factory, hierarchy=h, matters=matters, clock=clock)  # e.g. another worker
    probe = ["工地晚上十二点还在打桩施工", "路灯坏了好几天"]
    assert again.classifier().version == insight.classifier().version
    assert again.suggest(probe) == insight.suggest(probe)
    assert again.suggest(probe)[0][0].matter == "construction_noise"


def test_a_burst_of_the_same_complaint_raises_heat_and_brings_the_level_above_in(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, clock, insight = platform(uow_factory)
    first = report(bus, clock, T0, "catering_fume", STREET, "人民中路38号烧烤店油烟直排进居民楼")
    bus.handle(c.DispatchCase(by="320200-gov", case_id=first))
    quiet = report(bus, clock, T0 + timedelta(minutes=5), "street_lights", OTHER, "山北街道路灯不亮")
    assert insight.heat_sweep(bus, now=T0 + timedelta(hours=1)) == []  # one report is no burst
    for i in range(11):
        report(bus, clock, T0 + timedelta(hours=1, minutes=10 * i), "catering_fume", STREET,
               f"人民中路38号那家烧烤店油烟太大，熏得没法开窗（第{i + 1}位居民反映）")
    now = T0 + timedelta(hours=3)
    writer = BatchingWriter(bus)  # as the server sweeps: the raises go through its group commit
    writer.start()
    try:
        raised = {r.case_id: r for r in insight.heat_sweep(writer, now=now)}
    finally:
        writer.stop()
    assert first in raised and raised[first].heat >= 80 and quiet not in raised
    with bus.uow() as u:
        case = u.cases.get(first)
        assert case is not None
        assert case.record.heat == raised[first].heat and case.record.heat_present  # 督办 by the level above
    assert insight.heat_sweep(bus, now=now) == []  # nothing new: nothing recorded again
