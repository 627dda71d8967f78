"""改类: the dispatcher corrects a case's matter type; dispatch then routes by the new type, and the
correction stays in the record as a label (what the classifier learns from)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.cases import events as ev
from liandong.domain.errors import DomainError
from liandong.domain.responsibility import Severity
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from tests.factories.cases import CENTRE
from tests.factories.worlds import case_rules

RULES = case_rules()  # over 江苏: the cases here lie in 无锡


@pytest.fixture
def bus() -> MessageBus:
    uow = MemoryUnitOfWork()
    return MessageBus(uow=lambda: uow, rules=RULES, clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))


def test_a_correction_before_dispatch_changes_the_routing(bus: MessageBus) -> None:
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="小区自来水连续两天发黄，有异味")).case_id
    bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="water_quality", reason="内容为水质问题"))
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    expected = RULES.router.route(matter=RULES.matter("water_quality"), severity=Severity.ROUTINE,
                                  affected=("320213001",)).lead
    unchanged = RULES.router.route(matter=RULES.matter("social_life_noise"), severity=Severity.ROUTINE,
                                   affected=("320213001",)).lead
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.lead == expected != unchanged
    with bus.uow() as u:
        events = u.cases.events(cid)
    corrected = [e for e in events if isinstance(e, ev.MatterCorrected)]
    assert len(corrected) == 1 and corrected[0].previous == "social_life_noise"
    assert corrected[0].matter == "water_quality" and corrected[0].severity == "routine"


def test_after_dispatch_only_the_dispatcher_corrects(bus: MessageBus) -> None:
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="工地夜间打桩")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    with pytest.raises(DomainError, match=r"case\.not_allowed_actor"):
        bus.handle(c.ReclassifyCase(by="320213-gov", case_id=cid, matter="construction_noise"))
    with pytest.raises(DomainError, match=r"case\.same_matter"):
        bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="social_life_noise"))
    with pytest.raises(DomainError, match=r"case\.unknown_matter|matter\."):
        bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="no_such_matter"))
    bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="construction_noise"))
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None and case.record.matter == "construction_noise"
        lead = case.record.lead
    bus.handle(c.AcknowledgeCase(by=lead, case_id=cid))
    with pytest.raises(DomainError, match=r"case\.illegal_transition"):  # handling has begun
        bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="industrial_noise"))

