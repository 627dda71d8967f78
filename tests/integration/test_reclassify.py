"""改类 on SQLite and PostgreSQL: the stored case row follows the corrected matter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from liandong.domain.cases import commands as c
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.cases import CENTRE
from tests.factories.worlds import national_case_rules

RULES = national_case_rules()


def test_the_stored_summary_carries_the_corrected_matter(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC)))
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="工地夜间打桩")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=cid))
    bus.handle(c.ReclassifyCase(by=CENTRE, case_id=cid, matter="construction_noise"))
    with bus.uow() as u:
        case = u.cases.get(cid)
        assert case is not None
        rows = [s for s in u.case_reads.inbox(case.record.lead, open_only=True) if s.case_id == cid]
    assert [s.matter for s in rows] == ["construction_noise"]
